package dev.zoft.federation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.federation.cost.CountingObjective;
import dev.zoft.federation.method.FederatedMethod;
import dev.zoft.federation.method.MethodContext;
import dev.zoft.federation.method.MethodKind;
import dev.zoft.federation.method.MethodSimulation;
import dev.zoft.federation.method.MethodSpec;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.tensor.random.Distribution;
import dev.zoft.zo.data.Dataset;
import dev.zoft.zo.data.Datasets;
import dev.zoft.zo.data.Partition;
import dev.zoft.zo.log.SeedLog;
import dev.zoft.zo.metrics.RoundMetrics;
import dev.zoft.zo.params.ScopedViews;
import dev.zoft.zo.task.EncoderClassifier;
import dev.zoft.zo.task.LabelledBatch;
import dev.zoft.zo.task.TrainableSubset;
import dev.zoft.zo.train.EstimatorSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import dev.zoft.federation.method.DirectionSchedule;
import dev.zoft.zo.estimate.BlockScales;

/**
 * The baselines on a real (tiny, random) BERT classifier: the global model is bit-identical on 1 and
 * 2 threads, and a fresh classifier replaying the method's log reaches it bit for bit (FedKSeed with
 * at most K passes). The same holds with the knobs beyond the paper: FedSPZO with per-block ε and
 * learning-rate factors, clipping and a P2 schedule, and DeComFL with a P schedule and clipping.
 */
class BaselinesOnTinyBertTest {

    private static final SimulationConfig CONFIG = SimulationConfig.builder().clients(5).alpha(0.5).clientsPerRound(2)
            .localSteps(2).rounds(3).batchSize(6).estimator(EstimatorSpec.mezo(2, 1e-3f)).learningRate(5e-2)
            .trainable(TrainableSubset.parse("top-2")).splitLayer(3).seed(11).evalEvery(0).devSize(24).maxTokens(24).build();

    private record Outcome(int[] weights, List<RoundMetrics> metrics, long replayPasses, int[] replayed) {
    }

    private static Outcome run(MethodSpec spec, int threads) throws IOException {
        try (WorkerPool pool = WorkerPool.create(threads);
             EncoderClassifier model = Fixtures.tinyClassifier(pool, CONFIG.classifierOptions());
             EncoderClassifier fresh = Fixtures.tinyClassifier(pool, CONFIG.classifierOptions())) {
            Dataset train = Datasets.demo().train();
            Partition partition = FederatedSimulation.partition(CONFIG, train);
            List<Dataset> shards = new ArrayList<>();
            for (int c = 0; c < CONFIG.clients(); c++) {
                shards.add(partition.clientDataset(train, c));
            }
            MethodContext<LabelledBatch> ctx = new MethodContext<>(new CountingObjective<>(model), pool, shards,
                    FederatedSimulation.batchFactory(model), CONFIG.clientsPerRound(), CONFIG.localSteps(),
                    CONFIG.batchSize(), CONFIG.schedule(), CONFIG.seed(),
                    new SeedLog.Header("tiny", Fixtures.NO_DIGEST, Distribution.GAUSSIAN, "test", model.parameters().size()));
            List<LabelledBatch> dev = model.batches(Datasets.demo().dev().texts().subList(0, 24),
                    Arrays.copyOf(Datasets.demo().dev().labelArray(), 24), 12);
            try (FederatedMethod<LabelledBatch> m = spec.create(ctx)) {
                MethodSimulation.Result r = new MethodSimulation<>(m, ctx, CONFIG.rounds(), 0,
                        () -> model.evaluate(dev).accuracy()).run(MethodSimulation.Listener.none());
                long passes = m.replay(ScopedViews.of(fresh), pool);
                return new Outcome(Fixtures.bits(model.parameters()), r.metrics(), passes, Fixtures.bits(fresh.parameters()));
            }
        }
    }

    @Test
    void baselinesAreDeterministicAcrossThreadCountsAndReplayBitForBit() throws IOException {
        int[] base;
        try (WorkerPool pool = WorkerPool.create(1);
             EncoderClassifier model = Fixtures.tinyClassifier(pool, CONFIG.classifierOptions())) {
            base = Fixtures.bits(model.parameters());
        }
        for (MethodSpec spec : List.of(MethodSpec.of(MethodKind.FEDZO, 2, 1, 1e-3f),
                new MethodSpec(MethodKind.FEDKSEED_PRO, 2, 1, 8, 1e-3f))) {
            Outcome one = run(spec, 1);
            Outcome two = run(spec, 2);
            assertFalse(Arrays.equals(base, one.weights()), spec.describe() + " moved the model");
            assertArrayEquals(one.weights(), two.weights(), spec.describe() + ": 1 vs 2 threads");
            assertEquals(one.metrics().getLast().devAccuracy(), two.metrics().getLast().devAccuracy());
            assertEquals(one.metrics().getLast().forwardFlops(), two.metrics().getLast().forwardFlops());
            assertArrayEquals(one.weights(), one.replayed(), spec.describe() + ": replay");
            if (spec.poolSize() > 0) {
                assertTrue(one.replayPasses() <= spec.poolSize(), "FedKSeed replay " + one.replayPasses() + " passes");
            } else {
                assertEquals(3L * 2 * 2 * 2, one.replayPasses(), "FedZO replays R·C·S·P passes");
            }
        }
    }

    @Test
    void scheduledClippedAndScaledRunsAreDeterministicAndReplayBitForBit() throws IOException {
        int[] base;
        try (WorkerPool pool = WorkerPool.create(1);
             EncoderClassifier model = Fixtures.tinyClassifier(pool, CONFIG.classifierOptions())) {
            base = Fixtures.bits(model.parameters());
        }
        for (MethodSpec spec : List.of(
                MethodSpec.of(MethodKind.FEDSPZO, 1, 1, 1e-3f)
                        .withSchedule(DirectionSchedule.piecewise(new int[] {1, 2}, new int[] {1, 3}))
                        .withScales(new BlockScales(2e-3f, 1e-3f, 0.5, 1.5)).withClip(20f),
                MethodSpec.of(MethodKind.DECOMFL, 1, 1, 1e-3f).withSchedule(DirectionSchedule.linear(1, 3, 3)).withClip(20f))) {
            Outcome one = run(spec, 1);
            Outcome two = run(spec, 2);
            assertFalse(Arrays.equals(base, one.weights()), spec.describe() + " moved the model");
            assertArrayEquals(one.weights(), two.weights(), spec.describe() + ": 1 vs 2 threads");
            assertEquals(one.metrics().getLast().forwardFlops(), two.metrics().getLast().forwardFlops());
            assertArrayEquals(one.weights(), one.replayed(), spec.describe() + ": replay");
            assertTrue(one.replayPasses() > 0);
        }
    }
}
