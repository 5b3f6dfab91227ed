package dev.zoft.zo.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.zoft.tensor.parallel.WorkerPool;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Forward FLOPs per step are counted from the passes actually run: they equal what the objective
 * saw (its declared cost per call, summed over its calls) and the closed forms of each estimator.
 */
class FlopCountTest {

    @ParameterizedTest
    @CsvSource({"1,1", "1,4", "3,2", "2,8"})
    void nestedCostsTwoP1TimesF1PlusP2F2(int p1, int p2) {
        check(new FedSpzo(p1, p2, FedSpzo.Variant.NESTED, ZoSettings.gaussian(1e-3f)), p1, p2,
                (f1, f2) -> 2L * p1 * (f1 + (long) p2 * f2), 2L * p1, 2L * p1 * p2);
    }

    @ParameterizedTest
    @CsvSource({"1,1", "3,2", "2,8"})
    void decoupledCostsOneCleanBlock1PlusBothSpsaGroups(int p1, int p2) {
        check(new FedSpzo(p1, p2, FedSpzo.Variant.DECOUPLED, ZoSettings.gaussian(1e-3f)), p1, p2,
                (f1, f2) -> f1 + 2L * p1 * (f1 + f2) + 2L * p2 * f2, 1 + 2L * p1, 2L * p1 + 2L * p2);
    }

    @ParameterizedTest
    @CsvSource({"1", "4"})
    void mezoCostsTwoPFullForwards(int p) {
        check(new MeZo(p, ZoSettings.gaussian(1e-3f)), p, 0, (f1, f2) -> 2L * p * (f1 + f2), 2L * p, 2L * p);
    }

    private interface Formula {
        long of(long f1, long f2);
    }

    private static void check(Estimator est, int p1, int p2, Formula formula, long block1Passes, long block2Passes) {
        try (QuadraticObjective q = QuadraticObjective.small(5); WorkerPool pool = WorkerPool.create(1)) {
            long f1 = q.block1Flops(0);
            long f2 = q.block2Flops(0);
            // 3·120 + 7 and 3·80 + 1: distinct, so a swapped or missing term changes the count.
            assertEquals(367, f1);
            assertEquals(241, f2);
            for (int s = 0; s < 3; s++) {
                long spentBefore = q.flopsSpent();
                long b1Before = q.block1Calls();
                long b2Before = q.block2Calls();
                StepResult r = est.step(q, 0, s, 1e-2, pool);
                assertEquals(formula.of(f1, f2), r.forwardFlops(), est + " formula");
                assertEquals(q.flopsSpent() - spentBefore, r.forwardFlops(), est + " FLOPs the objective saw");
                assertEquals(est.flopsPerStep(f1, f2), r.forwardFlops(), est + " flopsPerStep");
                assertEquals(block1Passes, r.block1Passes());
                assertEquals(block2Passes, r.block2Passes());
                assertEquals(q.block1Calls() - b1Before, r.block1Passes());
                assertEquals(q.block2Calls() - b2Before, r.block2Passes());
                assertEquals(est.scalarsPerStep(), r.projectedGradients().length);
            }
        }
    }
}
