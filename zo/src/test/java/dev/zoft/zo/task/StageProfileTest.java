package dev.zoft.zo.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.transformer.bert.MiniLm;
import dev.zoft.zo.estimate.FedSpzo;
import dev.zoft.zo.estimate.StepResult;
import dev.zoft.zo.estimate.ZoSettings;
import dev.zoft.zo.plan.LayerProfile;
import dev.zoft.zo.plan.SplitPlanner;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The per-stage accessors the split planner reads ({@link EncoderClassifier#stageFlops},
 * {@link EncoderClassifier#stageTrainableParameters}, {@link EncoderClassifier#stageSeconds}) on the
 * tiny random BERT (3 layers), and the planner's step cost against the forwards a FedSPZO step
 * really runs on it.
 */
class StageProfileTest {
    private static WorkerPool pool;

    @BeforeAll
    static void openPool() {
        pool = WorkerPool.create(2);
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    private static LabelledBatch batch(EncoderClassifier c) {
        TaskFixtures.Labelled s = TaskFixtures.sentences();
        return c.encode(s.texts(), s.labels());
    }

    @Test
    void stageFlopsSumToTheBlockFlopsAtEverySplit() {
        int layers = TaskFixtures.TINY.numLayers();
        for (int split = 0; split <= layers; split++) {
            try (EncoderClassifier c = TaskFixtures.tinyClassifier(pool, ClassifierOptions.defaults().withSplitLayer(split))) {
                LabelledBatch b = batch(c);
                long[] stages = c.stageFlops(b.size(), b.seqLen());
                assertEquals(layers + 2, stages.length);
                assertEquals(c.numStages(), stages.length);
                assertEquals(0, stages[0], "embedding gathers are not counted");
                long f1 = Arrays.stream(stages, 0, split + 1).sum();
                long f2 = Arrays.stream(stages, split + 1, stages.length).sum();
                assertEquals(c.block1Flops(b), f1, "split " + split);
                assertEquals(c.block2Flops(b), f2, "split " + split);
                LayerProfile p = LayerProfile.flops(c, b.size(), b.seqLen());
                assertEquals(f1, p.block1Flops(split));
                assertEquals(f2, p.block2Flops(split));
                assertArrayEquals(stages, EncoderClassifier.stageFlops(TaskFixtures.TINY, 2, b.size(), b.seqLen()));
            }
        }
    }

    @Test
    void trainableCountsPerStageMatchTheParametersAndTheShapesOnly() {
        int layers = TaskFixtures.TINY.numLayers();
        for (TrainableSubset subset : List.of(TrainableSubset.all(), TrainableSubset.topLayers(1), TrainableSubset.topLayers(2),
                TrainableSubset.headOnly(), TrainableSubset.bitFit())) {
            for (int split = 0; split <= layers; split++) {
                ClassifierOptions o = ClassifierOptions.defaults().withTrainable(subset).withSplitLayer(split);
                try (EncoderClassifier c = TaskFixtures.tinyClassifier(pool, o)) {
                    long[] counts = c.stageTrainableParameters();
                    assertArrayEquals(counts, EncoderClassifier.stageTrainableParameters(TaskFixtures.TINY, subset, 2),
                            subset.spec() + ": shapes-only count differs from the built classifier");
                    assertEquals(c.parameters().size(), Arrays.stream(counts).sum(), subset.spec());
                    assertEquals(c.block1().size(), Arrays.stream(counts, 0, split + 1).sum(), subset.spec() + " split " + split);
                    assertEquals(2L * TaskFixtures.TINY.hiddenSize(), counts[layers + 1], "the head: classes × H");
                }
            }
        }
        assertThrows(IllegalArgumentException.class,
                () -> EncoderClassifier.stageTrainableParameters(TaskFixtures.TINY, TrainableSubset.all(), 1));
    }

    @Test
    void miniLmShapesGiveItsKnownParameterCounts() {
        long[] all = EncoderClassifier.stageTrainableParameters(MiniLm.CONFIG, TrainableSubset.all(), 2);
        // 30522·384 + 512·384 + 2·384 + 2·384 (embedding LayerNorm)
        assertEquals(11_918_592L, all[0]);
        // 4·(384·384 + 384) + 384·1536 + 1536 + 1536·384 + 384 + 4·384 (two LayerNorms)
        assertEquals(1_774_464L, all[1]);
        assertEquals(768L, all[7]);
        long[] top2 = EncoderClassifier.stageTrainableParameters(MiniLm.CONFIG, TrainableSubset.topLayers(2), 2);
        assertArrayEquals(new long[] {0, 0, 0, 0, 0, 1_774_464L, 1_774_464L, 768}, top2);
    }

    @Test
    void measuredProfileTimesEveryStageOfARealForward() {
        try (EncoderClassifier c = TaskFixtures.tinyClassifier(pool, ClassifierOptions.defaults())) {
            LabelledBatch b = batch(c);
            double loss = c.loss(b);
            double[] seconds = c.stageSeconds(b);
            assertEquals(c.numStages(), seconds.length);
            for (double s : seconds) {
                assertTrue(s >= 0 && Double.isFinite(s), Arrays.toString(seconds));
            }
            assertTrue(Arrays.stream(seconds).sum() > 0, "a forward takes time");
            LayerProfile p = LayerProfile.measure(c, b, 1, 3);
            assertTrue(p.measured());
            assertEquals(b.size(), p.batchSize());
            assertEquals(b.seqLen(), p.seqLen());
            assertArrayEquals(c.stageFlops(b.size(), b.seqLen()), p.stages().stream().mapToLong(LayerProfile.Stage::flops).toArray());
            assertEquals(Double.doubleToRawLongBits(loss), Double.doubleToRawLongBits(c.loss(b)),
                    "timing forwards leave the parameters alone");
            assertTrue(p.table().contains("layer 2") && p.table().contains("head"), p.table());
            assertThrows(IllegalArgumentException.class, () -> LayerProfile.measure(c, b, 0, 0));
            LayerProfile full = LayerProfile.measureFull(c, 3, 0, 1);
            assertEquals(3, full.batchSize());
            assertEquals(c.options().maxTokens(), full.seqLen(), "every sequence fills the token limit");
        }
    }

    /** The planner's cost formula is the FLOPs a real step counts, frozen block 1 or not, both variants. */
    @Test
    void plannerStepCostIsWhatAStepRuns() {
        ZoSettings settings = ZoSettings.gaussian(1e-3f);
        for (TrainableSubset subset : List.of(TrainableSubset.all(), TrainableSubset.topLayers(1))) {
            for (int split : new int[] {1, 2}) {
                ClassifierOptions o = ClassifierOptions.defaults().withTrainable(subset).withSplitLayer(split);
                try (EncoderClassifier c = TaskFixtures.tinyClassifier(pool, o)) {
                    LabelledBatch b = batch(c);
                    LayerProfile p = LayerProfile.flops(c, b.size(), b.seqLen());
                    boolean frozen = p.block1Trainable(split) == 0;
                    assertEquals(frozen, c.block1().size() == 0);
                    for (FedSpzo.Variant v : FedSpzo.Variant.values()) {
                        int p1 = frozen ? 1 : 2;
                        StepResult r = new FedSpzo(p1, 3, v, settings).step(c, b, 5, 1e-3, pool);
                        double planned = SplitPlanner.stepCost(v, p.block1Flops(split), p.block2Flops(split), p1, 3, frozen);
                        assertEquals((double) r.forwardFlops(), planned, subset.spec() + " split " + split + " " + v);
                    }
                }
            }
        }
    }
}
