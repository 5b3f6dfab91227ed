package dev.zoft.federation.aggregate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.federation.Aggregator;
import dev.zoft.federation.WeightedMean;
import dev.zoft.federation.privacy.DpSettings;
import dev.zoft.federation.privacy.LocalGaussianPrivacy;
import dev.zoft.federation.protocol.ClientUpload;
import dev.zoft.federation.protocol.CoverageMask;
import dev.zoft.federation.protocol.StepScalars;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/**
 * Aggregation per coordinate over the uploads that computed it, against brute-force references
 * written from the definitions: the weighted mean renormalised over the covering clients, the
 * median and trimmed mean of the covering values, 0 where nobody covered. With full coverage every
 * aggregator gives what the pre-caps formula gives, bit for bit. Local DP noises only covered scalars.
 */
class PartialAggregationProperties {

    /** n uploads of S × K, each with a random mask (sometimes full), uncovered values 0. */
    static List<ClientUpload> uploads(long seed, int n, int steps, int k, double fullShare) {
        SplittableRandom r = new SplittableRandom(seed);
        List<ClientUpload> out = new ArrayList<>();
        int id = 0;
        for (int c = 0; c < n; c++) {
            id += 1 + r.nextInt(3);
            boolean[] m = new boolean[k];
            boolean full = r.nextDouble() < fullShare;
            for (int i = 0; i < k; i++) {
                m[i] = full || r.nextInt(3) > 0;
            }
            m[r.nextInt(k)] = true;
            float[] v = new float[steps * k];
            for (int i = 0; i < v.length; i++) {
                v[i] = m[i % k] ? (float) ((r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(-3, 4))) : 0f;
                if (m[i % k] && r.nextInt(10) == 0) {
                    v[i] = r.nextBoolean() ? 0f : -0f; // ties and signed zeros among covered values
                }
            }
            out.add(new ClientUpload(1, id, 1 + r.nextInt(500), StepScalars.of(steps, k, v), 0.3, CoverageMask.of(m)));
        }
        return out;
    }

    /** Scalar i's covering uploads, in client order. */
    private static List<ClientUpload> covering(List<ClientUpload> ups, int i) {
        return ups.stream().filter(u -> u.coverage().covers(i % u.scalars().perStep())).toList();
    }

    static float weightedReference(List<ClientUpload> ups, int i) {
        List<ClientUpload> cov = covering(ups, i);
        if (cov.isEmpty()) {
            return 0f;
        }
        double num = 0;
        double den = 0;
        for (ClientUpload u : cov) {
            num += (double) u.sampleCount() * u.scalars().get(i);
            den += u.sampleCount();
        }
        return (float) (num / den);
    }

    /** The covering values sorted by the total order of float (−0 before +0). */
    private static float[] sortedValues(List<ClientUpload> ups, int i) {
        List<ClientUpload> cov = covering(ups, i);
        float[] v = new float[cov.size()];
        for (int c = 0; c < v.length; c++) {
            v[c] = cov.get(c).scalars().get(i);
        }
        java.util.Arrays.sort(v);
        return v;
    }

    static float medianReference(List<ClientUpload> ups, int i) {
        float[] v = sortedValues(ups, i);
        int m = v.length;
        if (m == 0) {
            return 0f;
        }
        return m % 2 == 1 ? v[m / 2] : (float) (((double) v[m / 2 - 1] + v[m / 2]) / 2);
    }

    static float trimmedReference(List<ClientUpload> ups, int i, double beta) {
        float[] v = sortedValues(ups, i);
        int m = v.length;
        if (m == 0) {
            return 0f;
        }
        int k = Math.min((int) Math.floor(beta * m), (m - 1) / 2);
        double s = -0.0;
        for (int c = k; c < m - k; c++) {
            s += v[c];
        }
        return (float) (s / (m - 2 * k));
    }

    private static int[] bits(StepScalars s) {
        int[] b = new int[s.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = Float.floatToRawIntBits(s.get(i));
        }
        return b;
    }

    private interface Reference {
        float at(List<ClientUpload> ups, int i);
    }

    private static void check(Aggregator a, Reference ref, List<ClientUpload> ups) {
        StepScalars got = a.aggregate(ups);
        StepScalars first = ups.getFirst().scalars();
        float[] want = new float[first.size()];
        for (int i = 0; i < want.length; i++) {
            want[i] = ref.at(ups, i);
        }
        assertArrayEquals(bits(StepScalars.of(first.steps(), first.perStep(), want)), bits(got), a.toString());
    }

    @Property(tries = 300)
    void everyAggregatorEqualsItsPerCoordinateReference(@ForAll long seed, @ForAll @IntRange(min = 1, max = 7) int n,
                                                        @ForAll @IntRange(min = 1, max = 3) int steps,
                                                        @ForAll @IntRange(min = 1, max = 9) int k,
                                                        @ForAll @DoubleRange(min = 0, max = 0.49) double beta) {
        List<ClientUpload> ups = uploads(seed, n, steps, k, 0.3);
        check(new WeightedMean(), PartialAggregationProperties::weightedReference, ups);
        check(new CoordinateMedian(), PartialAggregationProperties::medianReference, ups);
        check(new TrimmedMean(beta), (u, i) -> trimmedReference(u, i, beta), ups);
    }

    @Property(tries = 100)
    void aCoordinateNobodyCoveredIsExactlyZero(@ForAll long seed, @ForAll @IntRange(min = 1, max = 5) int n) {
        // Every client covers only coordinate 0 of K = 3: coordinates 1 and 2 of each step aggregate to +0.
        SplittableRandom r = new SplittableRandom(seed);
        List<ClientUpload> ups = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            float[] v = {(float) r.nextDouble(-5, 5), 0, 0, (float) r.nextDouble(-5, 5), 0, 0};
            ups.add(new ClientUpload(1, c, 1 + r.nextInt(9), StepScalars.of(2, 3, v), 0.1,
                    CoverageMask.of(new boolean[] {true, false, false})));
        }
        for (Aggregator a : List.of(new WeightedMean(), new CoordinateMedian(), new TrimmedMean(0.2))) {
            StepScalars s = a.aggregate(ups);
            for (int i : new int[] {1, 2, 4, 5}) {
                assertEquals(0, Float.floatToRawIntBits(s.get(i)), a + " at " + i);
            }
        }
    }

    /** The weighted mean exactly as it was written before coverage existed. */
    static StepScalars preCapsWeightedMean(List<ClientUpload> uploads) {
        StepScalars first = uploads.getFirst().scalars();
        double total = 0;
        for (ClientUpload u : uploads) {
            total += u.sampleCount();
        }
        float[] out = new float[first.size()];
        for (int i = 0; i < out.length; i++) {
            double sum = 0;
            for (ClientUpload u : uploads) {
                sum += (double) u.sampleCount() * u.scalars().get(i);
            }
            out[i] = (float) (sum / total);
        }
        return StepScalars.of(first.steps(), first.perStep(), out);
    }

    /** The median exactly as it was written before coverage existed (every upload's column, sorted). */
    static StepScalars preCapsMedian(List<ClientUpload> uploads) {
        StepScalars first = uploads.getFirst().scalars();
        int n = uploads.size();
        float[] column = new float[n];
        float[] out = new float[first.size()];
        for (int i = 0; i < out.length; i++) {
            for (int c = 0; c < n; c++) {
                column[c] = uploads.get(c).scalars().get(i);
            }
            java.util.Arrays.sort(column);
            out[i] = (n & 1) == 1 ? column[n / 2] : (float) (((double) column[n / 2 - 1] + column[n / 2]) / 2);
        }
        return StepScalars.of(first.steps(), first.perStep(), out);
    }

    @Property(tries = 300)
    void fullCoverageIsThePreCapsAggregateBitForBit(@ForAll long seed, @ForAll @IntRange(min = 1, max = 7) int n,
                                                    @ForAll @IntRange(min = 1, max = 3) int steps,
                                                    @ForAll @IntRange(min = 1, max = 9) int k) {
        List<ClientUpload> ups = uploads(seed, n, steps, k, 1.0);
        assertTrue(ups.stream().allMatch(u -> u.coverage().isFull()));
        assertArrayEquals(bits(preCapsWeightedMean(ups)), bits(new WeightedMean().aggregate(ups)));
        assertArrayEquals(bits(preCapsMedian(ups)), bits(new CoordinateMedian().aggregate(ups)));
    }

    @Property(tries = 200)
    void localDpNoisesOnlyTheCoveredScalars(@ForAll long seed, @ForAll @IntRange(min = 2, max = 9) int k,
                                            @ForAll @IntRange(min = 1, max = 3) int steps) {
        ClientUpload up = uploads(seed, 1, steps, k, 0).getFirst();
        LocalGaussianPrivacy dp = new LocalGaussianPrivacy(new DpSettings(1.0, 0.8, 1e-5), seed ^ 0x5EED);
        StepScalars masked = dp.privatize(up.scalars(), up.coverage(), 4);
        StepScalars full = dp.privatize(up.scalars(), 4);
        for (int i = 0; i < masked.size(); i++) {
            if (up.covers(i)) {
                // The uncovered scalars are 0, so the norm, the clipping and each index's noise are a full upload's.
                assertEquals(Float.floatToRawIntBits(full.get(i)), Float.floatToRawIntBits(masked.get(i)), "covered " + i);
            } else {
                assertEquals(0, Float.floatToRawIntBits(masked.get(i)), "uncovered " + i + " stays +0");
            }
        }
        // What the client uploads is a valid partial upload.
        new ClientUpload(1, 0, 1, masked, 0, up.coverage());
    }

    @Property(tries = 100)
    void attackersUploadFullCoverage(@ForAll long seed, @ForAll @IntRange(min = 2, max = 9) int k) {
        ClientUpload honest = uploads(seed, 1, 2, k, 0).getFirst();
        for (String attack : List.of("flip:3", "constant:7", "random:2")) {
            ClientUpload bad = Poisoning.parse(attack, 0.5).apply(honest, seed);
            assertTrue(bad.coverage().isFull(), attack);
        }
    }
}
