package dev.zoft.zo.estimate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.tensor.random.Distribution;
import dev.zoft.zo.params.ParameterView;
import dev.zoft.zo.params.Perturbation;
import dev.zoft.zo.params.ScopedViews;
import java.lang.foreign.Arena;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * On the quadratic, each estimator's mean direction {@code Σ g·z} over many step seeds points along
 * the true gradient. Steps run with η = 0 (exact restore, so θ never moves); the direction is rebuilt
 * from the step's scalars by applying {@link Estimator#updates} with η = 1 to a zero accumulator of
 * the same layout, which also checks that the update coefficients carry the estimate.
 */
class EstimatorDirectionTest {

    static Stream<Arguments> estimators() {
        return Stream.of(
                Arguments.of(new MeZo(2, ZoSettings.gaussian(1e-3f)), 2000),
                Arguments.of(new MeZo(1, new ZoSettings(1e-3f, Distribution.RADEMACHER, RestoreMode.SNAPSHOT)), 3000),
                Arguments.of(new FedSpzo(2, 4, FedSpzo.Variant.NESTED, ZoSettings.gaussian(1e-3f)), 1500),
                Arguments.of(new FedSpzo(2, 4, FedSpzo.Variant.DECOUPLED, ZoSettings.gaussian(1e-3f)), 1500));
    }

    @ParameterizedTest
    @MethodSource("estimators")
    void meanDirectionAgreesWithTheTrueGradient(Estimator estimator, int steps) {
        try (QuadraticObjective q = QuadraticObjective.small(11);
             Arena arena = Arena.ofShared();
             WorkerPool pool = WorkerPool.create(1)) {
            float[] theta = q.values();
            double[] gradient = q.gradient();
            ScopedViews acc = zeroLike(q, arena);
            Perturbation accumulate = new Perturbation(estimator.settings().distribution(), pool);
            for (int s = 0; s < steps; s++) {
                long stepSeed = Seeds.step(2024, s);
                StepResult r = estimator.step(q, 0, stepSeed, 0.0, pool);
                accumulate.applyAll(estimator.updates(stepSeed, r.projectedGradients(), 1.0), acc);
            }
            assertArrayEquals(theta, q.values(), "η = 0 steps must leave θ bit for bit");
            double[] estimate = new double[gradient.length];
            for (ParameterView.Entry e : acc.all().entries()) {
                for (int j = 0; j < e.tensor().numel(); j++) {
                    estimate[(int) (e.offset() + j)] = -e.tensor().getFloat(j); // updates are −η·g·z
                }
            }
            double cos = cosine(estimate, gradient);
            double cos1 = cosine(slice(estimate, 0, 120), slice(gradient, 0, 120));
            double cos2 = cosine(slice(estimate, 120, 200), slice(gradient, 120, 200));
            System.out.printf("%s: cosine with the true gradient %.4f (block 1 %.4f, block 2 %.4f) over %d steps%n",
                    estimator, cos, cos1, cos2, steps);
            assertTrue(cos > 0.9, estimator + ": cosine " + cos);
            assertTrue(cos1 > 0.8 && cos2 > 0.8, estimator + ": block cosines " + cos1 + ", " + cos2);
        }
    }

    /** Zero tensors with the objective's names, sizes and global offsets. */
    static ScopedViews zeroLike(QuadraticObjective q, Arena arena) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (ParameterView.Entry e : q.parameters().entries()) {
            m.put(e.name(), Tensor.allocate(arena, DType.F32, e.tensor().numel()));
        }
        ParameterView all = ParameterView.of(m);
        return new ScopedViews(all, all.subset(n -> n.startsWith("b1.")), all.subset(n -> n.startsWith("b2.")));
    }

    private static double[] slice(double[] v, int from, int to) {
        return java.util.Arrays.copyOfRange(v, from, to);
    }

    private static double cosine(double[] x, double[] y) {
        double xy = 0;
        double xx = 0;
        double yy = 0;
        for (int i = 0; i < x.length; i++) {
            xy += x[i] * y[i];
            xx += x[i] * x[i];
            yy += y[i] * y[i];
        }
        return xy / Math.sqrt(xx * yy);
    }
}
