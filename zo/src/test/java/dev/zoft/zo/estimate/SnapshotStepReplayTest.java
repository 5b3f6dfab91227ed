package dev.zoft.zo.estimate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.tensor.random.Distribution;
import dev.zoft.zo.params.Perturbation;
import dev.zoft.zo.params.ScopedViews;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SNAPSHOT-mode steps on tensors spanning several {@link Perturbation#GRAIN}s with ragged ends, on
 * 1 and 2 threads, over several steps (the cached snapshot is reused): the weights after each step
 * are the step's starting weights plus exactly its pure updates in canonical order (what a
 * seed-log replay computes), and a step evaluates the same first loss as an in-place step.
 */
class SnapshotStepReplayTest {

    private static QuadraticObjective large(long seed) {
        return new QuadraticObjective(new int[] {40_000, 7, 16_385}, new int[] {20_000, 33}, seed);
    }

    private static List<Estimator> estimators(RestoreMode mode) {
        ZoSettings s = new ZoSettings(1e-3f, Distribution.GAUSSIAN, mode);
        return List.of(new MeZo(1, s), new MeZo(3, s), new FedSpzo(2, 3, FedSpzo.Variant.NESTED, s),
                new FedSpzo(2, 2, FedSpzo.Variant.DECOUPLED, s));
    }

    @Test
    void everyStepEndsAtItsStartPlusItsPureUpdatesBitForBit() {
        for (int threads : new int[] {1, 2}) {
            for (Estimator est : estimators(RestoreMode.SNAPSHOT)) {
                try (QuadraticObjective q = large(5); QuadraticObjective replay = large(5); WorkerPool pool = WorkerPool.create(threads)) {
                    Perturbation p = new Perturbation(Distribution.GAUSSIAN, pool);
                    for (long step = 0; step < 3; step++) { // later steps reuse the cached snapshot
                        StepResult r = est.step(q, 0, 100 + step, 0.05, pool);
                        p.applyAll(est.updates(100 + step, r.projectedGradients(), 0.05), ScopedViews.of(replay));
                        assertBitsEqual(replay.values(), q.values(), est + ", " + threads + " thread(s), step " + step);
                    }
                }
            }
        }
    }

    @Test
    void snapshotStepsEvaluateTheSameLossesAsInPlaceSteps() {
        List<Estimator> snap = estimators(RestoreMode.SNAPSHOT);
        List<Estimator> inPlace = estimators(RestoreMode.IN_PLACE);
        for (int i = 0; i < snap.size(); i++) {
            try (QuadraticObjective a = large(9); QuadraticObjective b = large(9); WorkerPool pool = WorkerPool.create(2)) {
                // One step from the same weights: every evaluation sees the same perturbed bits
                // until the first restore, where the exact and the +ε restores may part.
                double first = snap.get(i).step(a, 0, 42, 0.05, pool).losses()[0];
                double reference = inPlace.get(i).step(b, 0, 42, 0.05, pool).losses()[0];
                assertEquals(Double.doubleToRawLongBits(reference), Double.doubleToRawLongBits(first), snap.get(i).toString());
            }
        }
    }

    private static void assertBitsEqual(float[] expected, float[] actual, String what) {
        int[] e = new int[expected.length];
        int[] a = new int[actual.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = Float.floatToRawIntBits(expected[i]);
        }
        for (int i = 0; i < a.length; i++) {
            a[i] = Float.floatToRawIntBits(actual[i]);
        }
        assertArrayEquals(e, a, what);
    }
}
