package dev.zoft.zo.params;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.tensor.random.Distribution;
import java.lang.foreign.Arena;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A measurement, not part of the regular suite (the class name does not match surefire's patterns):
 * the fp32 drift of in-place perturb/restore after many cycles on about a million parameters. Run
 * it explicitly:
 * {@code ./mvnw -pl zo -am test -Dtest=PerturbationDriftMeasurement -Dsurefire.failIfNoSpecifiedTests=false
 * -Dzoft.drift.cycles=10000}.
 */
class PerturbationDriftMeasurement {

    @Test
    void measureDrift() {
        int n = 1 << 20;
        int cycles = Integer.getInteger("zoft.drift.cycles", 10_000);
        float epsilon = Float.parseFloat(System.getProperty("zoft.drift.epsilon", "1e-3"));
        Distribution d = Distribution.valueOf(System.getProperty("zoft.drift.distribution", "GAUSSIAN"));
        SplittableRandom rnd = new SplittableRandom(42);
        float[] theta0 = new float[n];
        for (int i = 0; i < n; i++) {
            theta0[i] = (float) (0.05 * rnd.nextGaussian()); // the scale of transformer weights
        }
        try (Arena arena = Arena.ofShared(); WorkerPool pool = WorkerPool.create()) {
            Tensor t = Tensor.of(arena, theta0, n);
            ParameterView v = ParameterView.of(Map.of("theta", t));
            Perturbation p = new Perturbation(d, pool);
            for (int c = 0; c < cycles; c++) {
                p.axpy(v, c, epsilon);
                p.axpy(v, c, -2 * epsilon);
                p.axpy(v, c, epsilon);
            }
            double maxAbs = 0;
            double maxUlps = 0;
            double sumSq = 0;
            long changed = 0;
            double worstRatio = 0;
            for (int i = 0; i < n; i++) {
                float now = t.getFloat(i);
                double diff = Math.abs((double) now - theta0[i]);
                if (diff != 0) {
                    changed++;
                }
                maxAbs = Math.max(maxAbs, diff);
                // In ulps of the values the cycle's sums are rounded to (θ₀ + ε·z is at most |θ₀| + 5.77ε).
                maxUlps = Math.max(maxUlps, diff / Math.ulp(Math.abs(theta0[i]) + epsilon));
                sumSq += diff * diff;
                double bound = Perturbation.cycleDriftBound(cycles, theta0[i], epsilon, Perturbation.maxAbs(d));
                worstRatio = Math.max(worstRatio, diff / bound);
            }
            System.out.printf("drift after %d cycles of +ε,−2ε,+ε (ε = %g, %s) on %d parameters (θ ~ N(0, 0.05²)), %d threads:"
                            + " max |Δθ| = %.3e, RMS = %.3e, max %.1f ulps of |θ₀| + ε, %.1f%% of parameters changed,"
                            + " largest drift / guaranteed bound = %.4f%n",
                    cycles, epsilon, d, n, pool.threads(), maxAbs, Math.sqrt(sumSq / n), maxUlps,
                    100.0 * changed / n, worstRatio);
            assertTrue(worstRatio <= 1, "the drift exceeded the guaranteed bound");
        }
    }
}
