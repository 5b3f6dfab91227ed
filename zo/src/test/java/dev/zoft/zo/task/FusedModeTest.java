package dev.zoft.zo.task;

import static dev.zoft.zo.task.DecoderZoTest.TINY;
import static dev.zoft.zo.task.DecoderZoTest.countingBatch;
import static dev.zoft.zo.task.DecoderZoTest.randomWeights;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.tensor.random.Distribution;
import dev.zoft.zo.estimate.Estimator;
import dev.zoft.zo.estimate.FedSpzo;
import dev.zoft.zo.estimate.LearningRate;
import dev.zoft.zo.SplitObjective;
import dev.zoft.zo.estimate.MeZo;
import dev.zoft.zo.estimate.QuadraticObjective;
import dev.zoft.zo.params.ParameterView;
import dev.zoft.zo.estimate.RestoreMode;
import dev.zoft.zo.estimate.StepResult;
import dev.zoft.zo.estimate.ZoSettings;
import dev.zoft.zo.estimate.ZoSgd;
import dev.zoft.zo.params.Update;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * RestoreMode.FUSED on a decoder: the kernels evaluate θ ± ε·z without writing θ, so a step's only
 * passes are its pure updates. Its losses equal the in-place (snapshot) ones to rounding — the
 * minus side is θ − ε·z computed directly rather than (θ + ε·z) − 2ε·z — its updates are exactly
 * the snapshot mode's list, and the weights between evaluations are never touched.
 */
class FusedModeTest {

    private record Run(List<double[]> losses, List<List<Update>> updates, double devLoss) {
    }

    private static Run train(Function<ZoSettings, Estimator> estimator, RestoreMode mode, Distribution d, WorkerPool pool) {
        try (Arena arena = Arena.ofShared();
             CausalLmObjective lm = new CausalLmObjective(TINY, randomWeights(arena, 5),
                     Kernels.create(VectorWidth.configured(), pool), DecoderSubset.all(), 1)) {
            ZoSgd<CausalLmObjective.Batch> sgd = new ZoSgd<>(lm, estimator.apply(new ZoSettings(1e-3f, d, mode)),
                    LearningRate.constant(2e-3), pool, 17L, u -> { });
            List<double[]> losses = new ArrayList<>();
            List<List<Update>> updates = new ArrayList<>();
            for (int s = 1; s <= 12; s++) {
                StepResult r = sgd.step(countingBatch(s, 8));
                losses.add(r.losses());
                updates.add(r.updates());
            }
            return new Run(losses, updates, lm.loss(countingBatch(999, 16)));
        }
    }

    @Test
    void fusedStepsMatchSnapshotStepsToRounding() {
        List<Function<ZoSettings, Estimator>> estimators = List.of(
                s -> new MeZo(3, s),
                s -> new FedSpzo(2, 3, FedSpzo.Variant.NESTED, s),
                s -> new FedSpzo(2, 2, FedSpzo.Variant.DECOUPLED, s));
        try (WorkerPool pool = WorkerPool.create(2)) {
            for (Function<ZoSettings, Estimator> e : estimators) {
                for (Distribution d : Distribution.values()) {
                    Run snapshot = train(e, RestoreMode.SNAPSHOT, d, pool);
                    Run fused = train(e, RestoreMode.FUSED, d, pool);
                    String what = e.apply(ZoSettings.gaussian(1e-3f)) + " " + d;
                    for (int s = 0; s < snapshot.losses().size(); s++) {
                        assertArrayEquals(snapshot.losses().get(s), fused.losses().get(s), 2e-4, what + " step " + (s + 1));
                        assertEquals(snapshot.updates().get(s).size(), fused.updates().get(s).size(),
                                what + ": only the pure updates are passes");
                    }
                    assertEquals(snapshot.devLoss(), fused.devLoss(), 2e-3, what + ": dev loss after 12 steps");
                    assertTrue(fused.devLoss() < 7.15, what + ": the loss falls from 7.19 (" + fused.devLoss() + ")");
                }
            }
        }
    }

    @Test
    void fusedIsBitIdenticalOnOneAndTwoThreads() {
        try (WorkerPool one = WorkerPool.create(1); WorkerPool two = WorkerPool.create(2)) {
            Run a = train(s -> new FedSpzo(2, 3, FedSpzo.Variant.NESTED, s), RestoreMode.FUSED, Distribution.GAUSSIAN, one);
            Run b = train(s -> new FedSpzo(2, 3, FedSpzo.Variant.NESTED, s), RestoreMode.FUSED, Distribution.GAUSSIAN, two);
            for (int s = 0; s < a.losses().size(); s++) {
                assertArrayEquals(a.losses().get(s), b.losses().get(s), 0.0);
            }
            assertEquals(a.devLoss(), b.devLoss(), 0.0);
        }
    }

    @Test
    void anObjectiveThatCannotFuseIsRefusedWithAClearMessage() {
        try (WorkerPool pool = WorkerPool.create(1); QuadraticObjective q = QuadraticObjective.small(3)) {
            SplitObjective<Integer> plain = new SplitObjective<>() { // reads its parameters itself: no fused mode
                public ParameterView parameters() { return q.parameters(); }
                public ParameterView block1() { return q.block1(); }
                public ParameterView block2() { return q.block2(); }
                public BlockState forwardBlock1(Integer b) { return q.forwardBlock1(b); }
                public double lossFromBlock1(BlockState h, Integer b) { return q.lossFromBlock1(h, b); }
                public long block1Flops(Integer b) { return q.block1Flops(b); }
                public long block2Flops(Integer b) { return q.block2Flops(b); }
            };
            float[] before = q.values();
            ZoSgd<Integer> sgd = new ZoSgd<>(plain, new MeZo(1, new ZoSettings(1e-3f, Distribution.GAUSSIAN, RestoreMode.FUSED)),
                    LearningRate.constant(1e-3), pool, 1L, u -> { });
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sgd.step(0));
            assertTrue(e.getMessage().contains("SNAPSHOT or IN_PLACE"), e.getMessage());
            assertArrayEquals(before, q.values(), "nothing written");
        }
    }
}
