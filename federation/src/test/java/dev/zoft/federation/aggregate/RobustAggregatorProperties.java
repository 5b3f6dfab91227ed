package dev.zoft.federation.aggregate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.federation.Aggregator;
import dev.zoft.federation.WeightedMean;
import dev.zoft.federation.protocol.ClientUpload;
import dev.zoft.federation.protocol.RoundAggregate;
import dev.zoft.federation.protocol.RoundRecord;
import dev.zoft.federation.protocol.StepScalars;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The coordinate-wise median and trimmed mean: order independence (bit for bit), unanimity,
 * bounded influence of a minority placed anywhere, the trimmed mean at β = 0 is the mean, and at
 * β just under ½ the median.
 */
class RobustAggregatorProperties {

    /** A round's uploads: n clients (ascending ids), S × K finite scalars each. */
    record Round(int steps, int perStep, List<ClientUpload> uploads) {
    }

    private static Arbitrary<Float> scalar() {
        return Arbitraries.oneOf(
                Arbitraries.floats().between(-10f, 10f),
                Arbitraries.floats().between(-1e6f, 1e6f),
                Arbitraries.of(0f, -0f, 1f, -1f, Float.MIN_VALUE, 3e-30f));
    }

    private static Arbitrary<Float> anyFinite() {
        return Arbitraries.oneOf(scalar(), Arbitraries.of(Float.MAX_VALUE, -Float.MAX_VALUE, 1e30f, -1e30f),
                Arbitraries.floats().between(-Float.MAX_VALUE, Float.MAX_VALUE));
    }

    static ClientUpload upload(int client, int samples, int steps, int perStep, float[] v) {
        return new ClientUpload(1, client, samples, StepScalars.of(steps, perStep, v), 0.5);
    }

    @Provide
    Arbitrary<Round> rounds() {
        return Combinators.combine(Arbitraries.integers().between(1, 9), Arbitraries.integers().between(1, 3),
                Arbitraries.integers().between(1, 4)).flatAs((n, s, k) ->
                scalar().array(float[].class).ofSize(s * k).list().ofSize(n).map(rows -> {
                    List<ClientUpload> ups = new ArrayList<>();
                    for (int c = 0; c < n; c++) {
                        ups.add(upload(3 * c + 1, 1 + c % 4, s, k, rows.get(c)));
                    }
                    return new Round(s, k, ups);
                }));
    }

    private static List<Aggregator> robust() {
        return List.of(new CoordinateMedian(), new TrimmedMean(0), new TrimmedMean(0.1), new TrimmedMean(0.2),
                new TrimmedMean(0.34), new TrimmedMean(0.49));
    }

    @Property(tries = 300)
    void theAggregateDoesNotDependOnTheUploadsOrderBitForBit(@ForAll("rounds") Round round, @ForAll long shuffleSeed) {
        List<ClientUpload> shuffled = new ArrayList<>(round.uploads());
        Collections.shuffle(shuffled, new Random(shuffleSeed));
        for (Aggregator a : robust()) {
            StepScalars x = a.aggregate(round.uploads());
            assertEquals(x, a.aggregate(shuffled), a.toString());
            assertEquals(round.steps(), x.steps());
            assertEquals(round.perStep(), x.perStep());
        }
    }

    @Property(tries = 200)
    void identicalUploadsAggregateToThatUpload(@ForAll("rounds") Round round, @ForAll @IntRange(min = 1, max = 12) int n) {
        float[] v = round.uploads().getFirst().scalars().values();
        List<ClientUpload> same = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            same.add(upload(c, 1 + 7 * c, round.steps(), round.perStep(), v));
        }
        for (Aggregator a : robust()) {
            assertArrayEquals(v, a.aggregate(same).values(), a.toString());
        }
    }

    /**
     * Fewer than half of the uploads (median), or at most ⌊β·n⌋ (trimmed mean), anywhere in the
     * float range: every aggregated scalar stays within the honest uploads' range for that scalar.
     */
    @Property(tries = 300)
    void aMinorityAnywhereCannotLeaveTheHonestRange(@ForAll("rounds") Round honest,
                                                    @ForAll @DoubleRange(min = 0, max = 0.49) double beta,
                                                    @ForAll long seed) {
        int h = honest.uploads().size();
        Random rnd = new Random(seed);
        int size = honest.steps() * honest.perStep();
        // Median: m < (h + m)/2 ⇔ m < h. Trimmed: m ≤ ⌊β(h + m)⌋.
        int mMedian = h - 1;
        TrimmedMean trimmed = new TrimmedMean(beta);
        int mTrimmed = 0;
        while (mTrimmed + 1 <= trimmed.trimmedPerSide(h + mTrimmed + 1)) {
            mTrimmed++;
        }
        checkBounded(new CoordinateMedian(), honest, mMedian, rnd, size);
        checkBounded(trimmed, honest, mTrimmed, rnd, size);
    }

    private static void checkBounded(Aggregator a, Round honest, int attackers, Random rnd, int size) {
        List<ClientUpload> all = new ArrayList<>(honest.uploads());
        float[] far = {Float.MAX_VALUE, -Float.MAX_VALUE, 1e30f, -1e30f};
        for (int m = 0; m < attackers; m++) {
            float[] v = new float[size];
            for (int i = 0; i < size; i++) {
                v[i] = rnd.nextBoolean() ? far[rnd.nextInt(far.length)] : (float) (rnd.nextGaussian() * 1e20);
            }
            all.add(upload(1000 + m, 1_000_000, honest.steps(), honest.perStep(), v));
        }
        StepScalars x = a.aggregate(all);
        for (int i = 0; i < size; i++) {
            float lo = Float.POSITIVE_INFINITY;
            float hi = Float.NEGATIVE_INFINITY;
            for (ClientUpload u : honest.uploads()) {
                lo = Math.min(lo, u.scalars().get(i));
                hi = Math.max(hi, u.scalars().get(i));
            }
            float got = x.get(i);
            assertTrue(got >= lo && got <= hi, a + " with " + attackers + " attackers of " + all.size() + ": scalar " + i
                    + " = " + got + " outside the honest range [" + lo + ", " + hi + "]");
        }
    }

    /** β = 0 trims nothing: the plain mean, exactly as a BigDecimal mean rounded to float (within rounding). */
    @Property(tries = 300)
    void trimmedMeanAtBetaZeroIsTheMean(@ForAll("rounds") Round round) {
        StepScalars trimmed = new TrimmedMean(0).aggregate(round.uploads());
        // WeightedMean with equal sample counts is the same mean, summed in another order.
        List<ClientUpload> equalCounts = round.uploads().stream()
                .map(u -> upload(u.clientId(), 5, round.steps(), round.perStep(), u.scalars().values())).toList();
        StepScalars fedAvg = new WeightedMean().aggregate(equalCounts);
        int n = round.uploads().size();
        for (int i = 0; i < trimmed.size(); i++) {
            BigDecimal sum = BigDecimal.ZERO;
            double maxAbs = 0;
            for (ClientUpload u : round.uploads()) {
                sum = sum.add(new BigDecimal(u.scalars().get(i)));
                maxAbs = Math.max(maxAbs, Math.abs(u.scalars().get(i)));
            }
            float exact = sum.divide(BigDecimal.valueOf(n), MathContext.DECIMAL128).floatValue();
            // Double sums of ≤ 9 floats are off by at most a few 2⁻⁵³·max|x|: one float ulp, or that.
            double tol = Math.ulp(exact) + 1e-15 * maxAbs;
            assertEquals(exact, trimmed.get(i), tol, "scalar " + i);
            assertEquals(fedAvg.get(i), trimmed.get(i), 2 * tol, "scalar " + i);
        }
    }

    /** β just under ½ keeps only the middle: the median, bit for bit. */
    @Property(tries = 200)
    void trimmedMeanJustUnderOneHalfIsTheMedian(@ForAll("rounds") Round round) {
        assertEquals(new CoordinateMedian().aggregate(round.uploads()), new TrimmedMean(0.49).aggregate(round.uploads()));
    }

    @Property(tries = 100)
    void theRecordedVotesAreUniformAndTheRoundLogAcceptsThem(@ForAll("rounds") Round round) {
        int n = round.uploads().size();
        for (Aggregator a : robust()) {
            double[] w = a.weights(round.uploads());
            assertEquals(n, w.length);
            double total = 0;
            for (double x : w) {
                assertEquals(1.0 / n, x);
                total += x;
            }
            assertEquals(1.0, total, 1e-12);
            int[] ids = round.uploads().stream().mapToInt(ClientUpload::clientId).toArray();
            RoundRecord rec = new RoundRecord(new RoundAggregate(1, 9, 0.1, a.aggregate(round.uploads())), ids, w, List.of());
            assertArrayEquals(w, rec.weights());
        }
    }

    @Property(tries = 100)
    void anOddMedianIsOneOfTheUploadedValues(@ForAll("rounds") Round round) {
        if (round.uploads().size() % 2 == 0) {
            return;
        }
        StepScalars m = new CoordinateMedian().aggregate(round.uploads());
        for (int i = 0; i < m.size(); i++) {
            final int k = i;
            assertTrue(round.uploads().stream().anyMatch(u -> Float.floatToIntBits(u.scalars().get(k))
                    == Float.floatToIntBits(m.get(k))), "scalar " + i);
        }
    }

    @Property(tries = 100)
    void farOutliersStayFinite(@ForAll @IntRange(min = 1, max = 7) int n, @ForAll("far") float[] values) {
        List<ClientUpload> ups = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            ups.add(upload(c, 1, 1, values.length, values));
            values = values.clone();
            for (int i = 0; i < values.length; i++) {
                values[i] = -values[i];
            }
        }
        for (Aggregator a : robust()) {
            for (float v : a.aggregate(ups).values()) {
                assertTrue(Float.isFinite(v), a + ": " + v);
            }
        }
    }

    @Provide
    Arbitrary<float[]> far() {
        return anyFinite().array(float[].class).ofMinSize(1).ofMaxSize(6);
    }

    @Test
    void smallExamples() {
        List<ClientUpload> ups = List.of(upload(0, 1, 1, 2, new float[] {1, -5}), upload(1, 100, 1, 2, new float[] {2, 0}),
                upload(2, 1, 1, 2, new float[] {100, 7}), upload(3, 1, 1, 2, new float[] {-3, 1}),
                upload(4, 1, 1, 2, new float[] {4, 2}));
        // Unweighted: client 1's 100 samples buy it no extra vote.
        assertArrayEquals(new float[] {2, 1}, new CoordinateMedian().aggregate(ups).values());
        // β = 0.2 of 5 drops one value per side: {1, 2, 4} and {0, 1, 2}.
        assertArrayEquals(new float[] {7f / 3, 1}, new TrimmedMean(0.2).aggregate(ups).values());
        assertEquals(1, new TrimmedMean(0.2).trimmedPerSide(5));
        assertEquals(0, new TrimmedMean(0.19).trimmedPerSide(5));
        // Even count: midpoint of the middle two.
        assertArrayEquals(new float[] {1.5f, 0.5f}, new CoordinateMedian().aggregate(ups.subList(0, 4)).values());
        // β large for two clients: never drops everything.
        assertEquals(0, new TrimmedMean(0.45).trimmedPerSide(2));
        assertEquals(1, new TrimmedMean(0.45).trimmedPerSide(4));
    }

    @Test
    void badInputIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new CoordinateMedian().aggregate(List.of()));
        assertThrows(IllegalArgumentException.class, () -> new TrimmedMean(0.1).aggregate(List.of()));
        assertThrows(IllegalArgumentException.class, () -> new CoordinateMedian().weights(List.of()));
        List<ClientUpload> mixed = List.of(upload(0, 1, 1, 2, new float[] {1, 2}), upload(1, 1, 2, 1, new float[] {1, 2}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CoordinateMedian().aggregate(mixed));
        assertTrue(e.getMessage().contains("client 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TrimmedMean(0.1).aggregate(mixed));
        for (double bad : new double[] {-0.01, 0.5, 0.7, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThrows(IllegalArgumentException.class, () -> new TrimmedMean(bad), "β = " + bad);
        }
        assertTrue(Arrays.equals(new double[] {0.5, 0.5}, new TrimmedMean(0.3).weights(mixed)));
    }
}
