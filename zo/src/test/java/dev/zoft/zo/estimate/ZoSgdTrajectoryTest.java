package dev.zoft.zo.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.tensor.random.Distribution;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A few hundred ZO-SGD steps on the 200-parameter quadratic reduce the loss, along a fixed-seed
 * trajectory pinned to values computed once by this code (bit-exact: z is defined bit for bit, the
 * arithmetic is deterministic). A change of seeds, z, update order or float rounding shows up here.
 */
class ZoSgdTrajectoryTest {

    private static final int STEPS = 300;

    private static double[] trajectory(Estimator estimator, LearningRate lr) {
        try (QuadraticObjective q = QuadraticObjective.small(3); WorkerPool pool = WorkerPool.create(2)) {
            List<Double> losses = new ArrayList<>();
            ZoSgd<Integer> sgd = new ZoSgd<>(q, estimator, lr, pool, 99L, updates -> { });
            losses.add(q.loss(0));
            for (int s = 1; s <= STEPS; s++) {
                sgd.step(0);
                if (s % 100 == 0) {
                    losses.add(q.loss(0));
                }
            }
            assertEquals(STEPS, sgd.steps());
            return losses.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }

    private static void check(String name, double[] got, double[] pinned) {
        System.out.println(name + " loss every 100 steps: " + Arrays.toString(got));
        assertTrue(got[got.length - 1] < 0.2 * got[0], name + " did not reduce the loss enough: " + Arrays.toString(got));
        for (int i = 1; i < got.length; i++) {
            assertTrue(got[i] < got[i - 1], name + " loss rose: " + Arrays.toString(got));
        }
        assertEquals(Arrays.toString(pinned), Arrays.toString(got), name + " trajectory changed");
    }

    @Test
    void mezoReducesTheLossAlongThePinnedTrajectory() {
        check("MeZO", trajectory(new MeZo(4, ZoSettings.gaussian(1e-3f)), LearningRate.constant(0.02)),
                new double[] {89.94822098500126, 13.650524269611353, 2.7610335320695425, 0.655567828189239});
    }

    @Test
    void nestedFedSpzoReducesTheLossAlongThePinnedTrajectory() {
        check("FedSPZO nested", trajectory(new FedSpzo(2, 4, FedSpzo.Variant.NESTED, ZoSettings.gaussian(1e-3f)),
                LearningRate.constant(0.02)), new double[] {89.94822098500126, 23.851161634425033, 10.569906176947516, 4.732555639900031});
    }

    @Test
    void decoupledFedSpzoWithRademacherInPlaceAndLinearDecay() {
        ZoSettings s = new ZoSettings(1e-3f, Distribution.RADEMACHER, RestoreMode.IN_PLACE);
        check("FedSPZO decoupled", trajectory(new FedSpzo(2, 4, FedSpzo.Variant.DECOUPLED, s),
                LearningRate.linearDecay(0.03, 0.005, STEPS)), new double[] {89.94822098500126, 40.63766875854455, 10.25027133146269, 3.064872871523441});
    }
}
