package dev.zoft.zo.data;

import java.util.SplittableRandom;

/**
 * Gamma and Dirichlet variates on a seeded {@link SplittableRandom}, so that a partition is a pure
 * function of its seed.
 *
 * <p>Gamma(a, 1) for a ≥ 1 by Marsaglia and Tsang (2000), "A simple method for generating gamma
 * variables"; for a &lt; 1 by the boost Gamma(a) = Gamma(a + 1)·U^(1/a). Both are computed as
 * logarithms: with a small α, U^(1/α) underflows to 0 (α = 0.001 makes any U &lt; 0.49 vanish),
 * and a Dirichlet sample whose gammas are all 0 would be 0/0. In log space the normalisation is a
 * softmax and never fails.
 */
final class GammaSampler {

    private GammaSampler() {
    }

    /** log of a Gamma(shape, 1) variate. */
    static double logGamma(double shape, SplittableRandom r) {
        if (!(shape > 0) || Double.isInfinite(shape)) {
            throw new IllegalArgumentException("gamma shape must be finite and > 0, got " + shape);
        }
        if (shape >= 1) {
            return Math.log(marsagliaTsang(shape, r));
        }
        double g = marsagliaTsang(shape + 1, r);
        return Math.log(g) + Math.log(openUnit(r)) / shape;
    }

    /** A Dirichlet(alpha, ..., alpha) vector of length k (k ≥ 1), summing to 1. */
    static double[] symmetricDirichlet(double alpha, int k, SplittableRandom r) {
        double[] logs = new double[k];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < k; i++) {
            logs[i] = logGamma(alpha, r);
            max = Math.max(max, logs[i]);
        }
        double sum = 0;
        for (int i = 0; i < k; i++) {
            logs[i] = Math.exp(logs[i] - max);
            sum += logs[i];
        }
        for (int i = 0; i < k; i++) {
            logs[i] /= sum;
        }
        return logs;
    }

    /** Marsaglia–Tsang squeeze/rejection for shape ≥ 1; accepts about 95 % or more of candidates. */
    private static double marsagliaTsang(double a, SplittableRandom r) {
        double d = a - 1.0 / 3.0;
        double c = 1.0 / Math.sqrt(9.0 * d);
        while (true) {
            double x;
            double v;
            do {
                x = r.nextGaussian();
                v = 1.0 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = openUnit(r);
            double x2 = x * x;
            if (u < 1.0 - 0.0331 * x2 * x2) {
                return d * v;
            }
            if (Math.log(u) < 0.5 * x2 + d * (1.0 - v + Math.log(v))) {
                return d * v;
            }
        }
    }

    /** Uniform in the open interval (0, 1): never 0, so its logarithm is finite. */
    private static double openUnit(SplittableRandom r) {
        return ((r.nextLong() >>> 11) + 0.5) * 0x1.0p-53;
    }
}
