package dev.zoft.zo.estimate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.zoft.tensor.parallel.WorkerPool;
import org.junit.jupiter.api.Test;

/**
 * FedSPZO with no trainable parameter in block 1 (the split falls below the trained layers): block 1
 * is evaluated once per step, and the scalars are those of plain SPSA on block 2 over that one
 * clean output — the same numbers the decoupled variant computes for its block-2 group.
 */
class FrozenBlock1Test {

    private static final int P1 = 2;
    private static final int P2 = 3;

    @Test
    void nestedEvaluatesBlock1OnceAndRepeatsBlock2ScalarsPerJ() {
        try (QuadraticObjective q = frozen(); WorkerPool pool = WorkerPool.create(1)) {
            StepResult r = new FedSpzo(P1, P2, FedSpzo.Variant.NESTED, ZoSettings.gaussian(1e-3f)).step(q, 0, 11, 1e-2, pool);
            assertEquals(1, r.block1Passes());
            assertEquals(2L * P1 * P2, r.block2Passes());
            assertEquals(q.block1Flops(0) + 2L * P1 * P2 * q.block2Flops(0), r.forwardFlops());
            assertEquals(q.flopsSpent(), r.forwardFlops(), "FLOPs the objective saw");
            double[] g = r.projectedGradients();
            for (int k = 0; k < P2; k++) {
                assertNotEquals(0.0, g[k], "block 2 directions move the loss");
                assertEquals(g[k], g[P2 + k], "same clean h and same block-2 seed for every j");
            }
        }
    }

    @Test
    void decoupledSkipsBlock1DirectionsWithExactZeroScalars() {
        try (QuadraticObjective nestedQ = frozen(); QuadraticObjective decoupledQ = frozen();
                WorkerPool pool = WorkerPool.create(1)) {
            ZoSettings s = ZoSettings.gaussian(1e-3f);
            double[] nested = new FedSpzo(P1, P2, FedSpzo.Variant.NESTED, s).step(nestedQ, 0, 11, 1e-2, pool).projectedGradients();
            StepResult d = new FedSpzo(P1, P2, FedSpzo.Variant.DECOUPLED, s).step(decoupledQ, 0, 11, 1e-2, pool);
            assertEquals(1, d.block1Passes());
            assertEquals(2L * P2, d.block2Passes());
            double[] g = d.projectedGradients();
            assertArrayEquals(new double[P1], java.util.Arrays.copyOf(g, P1));
            for (int k = 0; k < P2; k++) {
                assertEquals(nested[k], g[P1 + k], "decoupled block-2 scalar k equals nested g_0k");
            }
        }
    }

    @Test
    void frozenStepsStillDescend() {
        try (QuadraticObjective q = frozen(); WorkerPool pool = WorkerPool.create(1)) {
            FedSpzo est = new FedSpzo(P1, P2, FedSpzo.Variant.NESTED, ZoSettings.gaussian(1e-3f));
            double first = Double.NaN;
            double last = Double.NaN;
            for (int step = 0; step < 200; step++) {
                StepResult r = est.step(q, 0, step, 5e-2, pool);
                if (step == 0) {
                    first = r.losses()[0];
                }
                last = r.losses()[0];
            }
            assertEquals(true, last < 0.5 * first, "loss " + first + " → " + last);
        }
    }

    /** No block-1 tensor at all; 80 parameters in block 2. */
    private static QuadraticObjective frozen() {
        return new QuadraticObjective(new int[0], new int[] {64, 16}, 7);
    }
}
