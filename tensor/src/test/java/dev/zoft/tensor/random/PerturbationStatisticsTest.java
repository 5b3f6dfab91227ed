package dev.zoft.tensor.random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The Gaussian perturbation is standard normal: moments, tails, autocorrelation and a
 * Kolmogorov–Smirnov distance over 10⁷ draws. Tolerances are about 4–5 standard errors, so a
 * correct generator fails with negligible probability and a biased one (a wrong constant, a
 * misrouted word) fails outright.
 */
class PerturbationStatisticsTest {

    private static final int N = 10_000_000;

    @Test
    void tenMillionDrawsAreStandardNormal() {
        checkNormal(0x0123_4567_89AB_CDEFL, 0L);
    }

    @Test
    void drawsFarIntoTheIndexSpaceAreStandardNormal() {
        checkNormal(-7L, (1L << 40) + 3);
    }

    private static void checkNormal(long seed, long firstIndex) {
        float[] z = new float[N];
        PerturbationGenerator.configured().fillGaussian(seed, firstIndex, z, 0, N);
        double sum = 0;
        double sum2 = 0;
        double sum4 = 0;
        long beyond2 = 0;
        long beyond3 = 0;
        long beyond4 = 0;
        double[] lag = new double[5];
        double lo = -6;
        double width = 0.01;
        long[] histogram = new long[1201];
        for (int j = 0; j < N; j++) {
            double v = z[j];
            double v2 = v * v;
            sum += v;
            sum2 += v2;
            sum4 += v2 * v2;
            double a = Math.abs(v);
            beyond2 += a > 2 ? 1 : 0;
            beyond3 += a > 3 ? 1 : 0;
            beyond4 += a > 4 ? 1 : 0;
            for (int k = 1; k < lag.length && j >= k; k++) {
                lag[k] += v * z[j - k];
            }
            int bin = (int) Math.floor((v - lo) / width);
            histogram[Math.max(0, Math.min(histogram.length - 1, bin))]++;
        }
        double mean = sum / N;
        double variance = sum2 / N - mean * mean;
        assertEquals(0.0, mean, 1.5e-3, "mean");
        assertEquals(1.0, variance, 2e-3, "variance");
        assertEquals(3.0, sum4 / N, 0.02, "fourth moment (kurtosis of a normal is 3)");
        assertProportion(beyond2, 0.045500263896, "P(|z| > 2)");
        assertProportion(beyond3, 0.002699796063, "P(|z| > 3)");
        assertProportion(beyond4, 6.3342483666e-5, "P(|z| > 4)");
        for (int k = 1; k < lag.length; k++) {
            assertEquals(0.0, lag[k] / (N - k), 1.5e-3, "autocorrelation at lag " + k);
        }
        // Kolmogorov–Smirnov distance at the bin edges; 1.95/√N is the 0.1 % critical value.
        double cumulative = 0;
        double worst = 0;
        for (int b = 0; b < histogram.length - 1; b++) {
            cumulative += histogram[b];
            double edge = lo + (b + 1) * width;
            worst = Math.max(worst, Math.abs(cumulative / N - normalCdf(edge)));
        }
        double limit = 1.95 / Math.sqrt(N);
        double ks = worst;
        assertTrue(ks < limit, () -> "Kolmogorov–Smirnov distance " + ks + " ≥ " + limit);
    }

    private static void assertProportion(long count, double p, String what) {
        double standardError = Math.sqrt(p * (1 - p) / N);
        assertEquals(p, (double) count / N, 5 * standardError, what);
    }

    /** Φ(x) by composite Simpson integration of the density from −9 (absolute error < 1e-12). */
    static double normalCdf(double x) {
        double from = -9;
        if (x <= from) {
            return 0;
        }
        int steps = 2 * (int) Math.ceil((x - from) * 200);
        double h = (x - from) / steps;
        double s = density(from) + density(x);
        for (int i = 1; i < steps; i++) {
            s += (i % 2 == 1 ? 4 : 2) * density(from + i * h);
        }
        return s * h / 3;
    }

    private static double density(double x) {
        return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    }
}
