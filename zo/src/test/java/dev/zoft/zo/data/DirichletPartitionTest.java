package dev.zoft.zo.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.zo.data.DirichletPartition.MinSizePolicy;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class DirichletPartitionTest {

    /** n labels over k classes, class of i = a seeded random draw with the given class weights. */
    static int[] labels(int n, long seed, double... weights) {
        SplittableRandom r = new SplittableRandom(seed);
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble() * total;
            int k = 0;
            while (k < weights.length - 1 && (u -= weights[k]) >= 0) {
                k++;
            }
            l[i] = k;
        }
        return l;
    }

    /** Every index in exactly one client, each client ascending, sizes consistent. */
    static void assertExact(Partition p, int n) {
        boolean[] seen = new boolean[n];
        int sum = 0;
        for (int c = 0; c < p.clients(); c++) {
            int[] idx = p.indices(c);
            assertEquals(idx.length, p.size(c));
            for (int j = 0; j < idx.length; j++) {
                assertFalse(seen[idx[j]], "index " + idx[j] + " assigned twice");
                seen[idx[j]] = true;
                if (j > 0) {
                    assertTrue(idx[j - 1] < idx[j], "client indices must ascend");
                }
            }
            sum += idx.length;
        }
        for (int i = 0; i < n; i++) {
            assertTrue(seen[i], "index " + i + " not assigned");
        }
        assertEquals(n, sum);
        assertEquals(n, p.total());
    }

    @Test
    void everyIndexExactlyOnceAndDeterministic() {
        int[] l = labels(5000, 1, 0.45, 0.55);
        DirichletPartition dp = DirichletPartition.of(100, 0.5);
        Partition a = dp.split(l, 2, 7);
        assertExact(a, l.length);
        Partition b = dp.split(l, 2, 7);
        for (int c = 0; c < 100; c++) {
            assertArrayEquals(a.indices(c), b.indices(c));
        }
        Partition other = dp.split(l, 2, 8);
        boolean differs = false;
        for (int c = 0; c < 100 && !differs; c++) {
            differs = !java.util.Arrays.equals(a.indices(c), other.indices(c));
        }
        assertTrue(differs, "another seed must give another partition");
        for (int s : a.sizes()) {
            assertTrue(s >= 1, "default floor is one example per client");
        }
    }

    @Test
    void skewFallsAsAlphaGrows() {
        int[] l = labels(20_000, 2, 0.5, 0.5);
        double[] alphas = {0.05, 0.1, 0.5, 1, 10, 1000};
        double[] majority = new double[alphas.length];
        for (int i = 0; i < alphas.length; i++) {
            // average over seeds so the ordering is a property of alpha, not of one draw
            for (long seed = 0; seed < 5; seed++) {
                Partition p = DirichletPartition.of(50, alphas[i]).split(l, 2, seed);
                assertExact(p, l.length);
                majority[i] += p.meanMajorityFraction(l, 2) / 5;
            }
        }
        System.out.println("mean majority-label fraction, 50 clients, 2 balanced classes: alpha "
                + java.util.Arrays.toString(alphas) + " -> " + java.util.Arrays.toString(majority));
        for (int i = 1; i < alphas.length; i++) {
            assertTrue(majority[i] < majority[i - 1], "skew must fall as alpha grows: " + java.util.Arrays.toString(majority));
        }
        assertTrue(majority[1] > 0.85, "alpha 0.1 should give nearly single-class clients: " + majority[1]);
        // alpha 1000: each client's mix is close to 50/50 (a client holds ~400 examples, so sampling noise ~2.5 %)
        assertTrue(majority[5] < 0.56, "alpha 1000 should be near uniform: " + majority[5]);
    }

    @Test
    void largeAlphaGivesNearlyEqualSizesAndMixes() {
        int[] l = labels(30_000, 3, 0.2, 0.3, 0.5);
        Partition p = DirichletPartition.of(10, 1e5).split(l, 3, 11);
        int[][] counts = p.labelCounts(l, 3);
        for (int c = 0; c < 10; c++) {
            assertEquals(3000, p.size(c), 60);
            assertEquals(0.2, counts[c][0] / (double) p.size(c), 0.03);
            assertEquals(0.5, counts[c][2] / (double) p.size(c), 0.03);
        }
    }

    @Test
    void rebalanceMeetsTheFloor() {
        int[] l = labels(3000, 4, 0.5, 0.5);
        Partition raw = new DirichletPartition(100, 0.05, 0, MinSizePolicy.REBALANCE, 1).split(l, 2, 5);
        int empty = 0;
        for (int s : raw.sizes()) {
            empty += s == 0 ? 1 : 0;
        }
        assertTrue(empty > 10, "alpha 0.05 over 100 clients should leave many clients empty, got " + empty);
        Partition p = DirichletPartition.of(100, 0.05).withMinClientSize(20, MinSizePolicy.REBALANCE).split(l, 2, 5);
        assertExact(p, l.length);
        for (int s : p.sizes()) {
            assertTrue(s >= 20, "size " + s);
        }
        assertThrows(IllegalArgumentException.class,
                () -> DirichletPartition.of(100, 0.5).withMinClientSize(31, MinSizePolicy.REBALANCE).split(l, 2, 5));
    }

    @Test
    void resampleMeetsTheFloorOrSaysWhy() {
        int[] l = labels(4000, 6, 0.5, 0.5);
        Partition p = DirichletPartition.of(10, 2).withMinClientSize(100, MinSizePolicy.RESAMPLE).split(l, 2, 1);
        assertExact(p, l.length);
        for (int s : p.sizes()) {
            assertTrue(s >= 100);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> DirichletPartition.of(100, 0.05)
                .withMinClientSize(30, MinSizePolicy.RESAMPLE).withMaxAttempts(20).split(l, 2, 1));
        assertTrue(e.getMessage().contains("REBALANCE"), e.getMessage());
    }

    @Test
    void splitsADatasetAndGivesClientDatasets() {
        Dataset d = DatasetTest.sample();
        Partition p = DirichletPartition.of(4, 1).split(d, 3);
        assertExact(p, d.size());
        int total = 0;
        for (int c = 0; c < 4; c++) {
            Dataset cd = p.clientDataset(d, c);
            assertEquals(p.size(c), cd.size());
            assertEquals(d.text(p.indices(c)[0]), cd.text(0));
            total += cd.size();
        }
        assertEquals(d.size(), total);
    }

    @Test
    void uniformPartitionIsEvenAndExact() {
        Partition p = Partition.uniform(1003, 10, 4);
        assertExact(p, 1003);
        for (int c = 0; c < 10; c++) {
            assertEquals(c < 3 ? 101 : 100, p.size(c));
        }
    }

    @Test
    void invalidSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> DirichletPartition.of(0, 1));
        assertThrows(IllegalArgumentException.class, () -> DirichletPartition.of(3, 0));
        assertThrows(IllegalArgumentException.class, () -> DirichletPartition.of(3, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> DirichletPartition.of(3, Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> DirichletPartition.of(3, 1).split(new int[] {0, 2}, 2, 1));
    }

    @Test
    void gammaMomentsMatchForSmallAndLargeShapes() {
        SplittableRandom r = new SplittableRandom(17);
        int n = 200_000;
        for (double a : new double[] {0.1, 0.5, 1, 2.5, 30}) {
            double sum = 0;
            double sq = 0;
            for (int i = 0; i < n; i++) {
                double g = Math.exp(GammaSampler.logGamma(a, r));
                sum += g;
                sq += g * g;
            }
            double mean = sum / n;
            double var = sq / n - mean * mean;
            // Gamma(a, 1): mean a, variance a; standard error of the mean is sqrt(a / n)
            assertEquals(a, mean, 5 * Math.sqrt(a / n), "mean of Gamma(" + a + ")");
            assertEquals(a, var, 0.05 * a + 0.002, "variance of Gamma(" + a + ")");
        }
    }

    @Test
    void dirichletWithTinyAlphaStaysFiniteAndNormalised() {
        SplittableRandom r = new SplittableRandom(3);
        for (int t = 0; t < 1000; t++) {
            double[] p = GammaSampler.symmetricDirichlet(1e-3, 100, r);
            double s = 0;
            for (double v : p) {
                assertTrue(v >= 0 && v <= 1);
                s += v;
            }
            assertEquals(1.0, s, 1e-12);
        }
    }

    @Property(tries = 200)
    void anyPartitionIsExact(@ForAll @IntRange(min = 0, max = 2000) int n, @ForAll @IntRange(min = 1, max = 40) int clients,
                             @ForAll @IntRange(min = 2, max = 5) int classes,
                             @ForAll @DoubleRange(min = 0.01, max = 100) double alpha, @ForAll long seed,
                             @ForAll boolean floor) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            l[i] = r.nextInt(classes);
        }
        int min = floor ? Math.min(n / clients, 3) : 0;
        Partition p = DirichletPartition.of(clients, alpha).withMinClientSize(min, MinSizePolicy.REBALANCE).split(l, classes, seed);
        assertExact(p, n);
        for (int s : p.sizes()) {
            assertTrue(s >= min);
        }
    }
}
