package dev.zoft.federation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.federation.protocol.ClientUpload;
import dev.zoft.federation.protocol.ProtocolCodec;
import dev.zoft.federation.protocol.RoundPlan;
import dev.zoft.federation.protocol.RoundRecord;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.zo.data.Dataset;
import dev.zoft.zo.data.DatasetSplits;
import dev.zoft.zo.data.Datasets;
import dev.zoft.zo.data.DirichletPartition;
import dev.zoft.zo.data.Partition;
import dev.zoft.zo.estimate.Estimator;
import dev.zoft.zo.train.EstimatorSpec;
import dev.zoft.zo.log.SeedLog;
import dev.zoft.zo.metrics.RoundMetrics;
import dev.zoft.zo.params.ScopedViews;
import dev.zoft.zo.task.EncoderClassifier;
import dev.zoft.zo.task.LabelledBatch;
import dev.zoft.zo.task.TrainableSubset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulator on a tiny random BERT (rounds take milliseconds): replaying the round log
 * reproduces the global model, devices with their own models reach the same bits, determinism
 * across thread counts, exact byte counts, the Dirichlet partition.
 */
class FederatedSimulationTest {

    private static final DatasetSplits DEMO = Datasets.demo();

    /** Nested FedSPZO with S = 3 local steps, so every client moves away from the round start. */
    private static SimulationConfig config() {
        return SimulationConfig.builder().clients(6).alpha(0.5).clientsPerRound(3).localSteps(3).rounds(5).batchSize(8)
                .estimator(EstimatorSpec.fedSpzo(2, 2, 1e-3f)).learningRate(2e-2).finalLearningRate(1e-2)
                .trainable(TrainableSubset.all()).splitLayer(2).seed(7).evalEvery(2).devSize(40).maxTokens(32).build();
    }

    private record Run(SimulationResult result, int[] weights, List<RoundRecord> logged, SeedLog seedLog) {
    }

    private static Run run(SimulationConfig config, int threads, Path dir) throws IOException {
        try (WorkerPool pool = WorkerPool.create(threads);
             EncoderClassifier model = Fixtures.tinyClassifier(pool, config.classifierOptions());
             FederatedSimulation sim = new FederatedSimulation(config, model, pool, DEMO, "tiny", Fixtures.NO_DIGEST, dir)) {
            SimulationResult r = sim.run(RoundListener.none());
            return new Run(r, Fixtures.bits(model.parameters()), sim.log().records(), sim.log().seedLog());
        }
    }

    @Test
    void replayingTheRoundLogOnAFreshBaseModelGivesTheGlobalModelBitForBit(@TempDir Path dir) throws IOException {
        SimulationConfig config = config();
        Run run = run(config, 2, dir);
        assertEquals(config.rounds(), run.logged().size());
        try (WorkerPool pool = WorkerPool.create(2);
             EncoderClassifier fresh = Fixtures.tinyClassifier(pool, config.classifierOptions());
             EncoderClassifier fromDisk = Fixtures.tinyClassifier(pool, config.classifierOptions())) {
            assertFalse(Arrays.equals(run.weights(), Fixtures.bits(fresh.parameters())), "the run did not move the model");
            run.seedLog().apply(ScopedViews.of(fresh), pool);
            assertArrayEquals(run.weights(), Fixtures.bits(fresh.parameters()));

            // The files in the directory are the same log: a kill after the run loses nothing.
            SeedLog onDisk = SeedLog.read(dir.resolve(RoundLog.SEED_LOG_FILE));
            assertEquals(run.seedLog().header(), onDisk.header());
            assertEquals(run.seedLog().updates(), onDisk.updates());
            assertEquals(run.logged(), RoundLog.readRounds(dir.resolve(RoundLog.ROUNDS_FILE)));
            onDisk.apply(ScopedViews.of(fromDisk), pool);
            assertArrayEquals(run.weights(), Fixtures.bits(fromDisk.parameters()));
        }
    }

    /**
     * A federation of devices that each hold their own model, run through the same {@link Server}
     * and {@link Client} code: the same round log as the one-model simulator, and every device
     * that took part, after syncing, holds the simulator's global model bit for bit.
     */
    @Test
    void devicesWithTheirOwnModelsProduceTheSameLogAndReachTheGlobalModel() throws IOException {
        SimulationConfig config = config();
        Run simulated = run(config, 1, null);
        try (WorkerPool pool = WorkerPool.create(1)) {
            Partition partition = FederatedSimulation.partition(config, DEMO.train());
            List<EncoderClassifier> models = new ArrayList<>();
            List<Client<LabelledBatch>> devices = new ArrayList<>();
            try {
                Estimator serverEstimator = config.estimator().create();
                for (int c = 0; c < config.clients(); c++) {
                    EncoderClassifier m = Fixtures.tinyClassifier(pool, config.classifierOptions());
                    models.add(m);
                    SyncedModel<LabelledBatch> own = new SyncedModel<>(m,
                            config.estimator().create(), pool);
                    devices.add(new Client<>(c, partition.clientDataset(DEMO.train(), c), FederatedSimulation.batchFactory(m), own));
                }
                SeedLog.Header header = simulated.seedLog().header();
                Server server = new Server(config.clients(), config.clientsPerRound(), config.localSteps(), config.batchSize(),
                        config.schedule(), config.seed(), serverEstimator, new WeightedMean(), RoundLog.inMemory(header));
                boolean[] tookPart = new boolean[config.clients()];
                int replayedRounds = 0;
                for (int r = 1; r <= config.rounds(); r++) {
                    for (int c : server.startRound().clients()) {
                        LocalRound local = devices.get(c).run(ProtocolCodec.decodePlan(ProtocolCodec.encode(server.plan(c))));
                        replayedRounds += local.roundsApplied();
                        server.accept(ProtocolCodec.decodeUpload(ProtocolCodec.encode(local.upload())));
                        tookPart[c] = true;
                    }
                    server.finishRound();
                }
                assertEquals(simulated.logged(), server.log().records());
                assertTrue(replayedRounds > config.rounds(), "devices caught up on " + replayedRounds + " rounds");
                int participants = 0;
                for (int c = 0; c < config.clients(); c++) {
                    if (!tookPart[c]) {
                        continue;
                    }
                    participants++;
                    devices.get(c).sync(server.catchUp(c));
                    assertEquals(config.rounds(), devices.get(c).model().syncedRound());
                    assertArrayEquals(simulated.weights(), Fixtures.bits(models.get(c).parameters()), "device " + c);
                }
                assertTrue(participants >= config.clientsPerRound() + 1, participants + " devices took part");
            } finally {
                for (Client<LabelledBatch> d : devices) {
                    d.model().close();
                }
                for (EncoderClassifier m : models) {
                    m.close();
                }
            }
        }
    }

    @Test
    void sameConfigurationGivesBitIdenticalMetricsLogAndWeightsOnOneAndTwoThreads() throws IOException {
        SimulationConfig config = config();
        Run one = run(config, 1, null);
        Run two = run(config, 2, null);
        assertArrayEquals(one.weights(), two.weights());
        assertEquals(one.logged(), two.logged());
        List<RoundMetrics> a = one.result().metrics();
        List<RoundMetrics> b = two.result().metrics();
        assertEquals(config.rounds() + 1, a.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(withoutWallTime(a.get(i)), withoutWallTime(b.get(i)), "round " + i);
        }
        // A different run seed is a different run (the comparison above can fail).
        Run other = run(config.toBuilder().seed(8).build(), 1, null);
        assertFalse(Arrays.equals(one.weights(), other.weights()));
    }

    private static RoundMetrics withoutWallTime(RoundMetrics m) {
        return new RoundMetrics(m.round(), m.steps(), m.forwardPasses(), m.forwardFlops(), m.bytesUp(), m.bytesDown(),
                m.trainLoss(), m.devAccuracy(), 0);
    }

    /**
     * Bytes are the serialized messages: recomputed here from the log alone (who took part in
     * which round, hence which rounds each plan carried) with the codec's documented sizes.
     */
    @Test
    void bytesUpAndDownAreExactlyTheSerializedMessages() throws IOException {
        SimulationConfig config = config();
        Run run = run(config, 1, null);
        int perStep = run.logged().getFirst().aggregate().scalars().perStep();
        assertEquals(4, perStep, "nested FedSPZO with P1 = P2 = 2 uploads P1·P2 scalars per step");
        int scalars = config.localSteps() * perStep;
        int[] lastSeen = new int[config.clients()];
        long up = 0;
        long down = 0;
        for (RoundRecord rec : run.logged()) {
            for (int c : rec.clients()) {
                up += 34 + 4L * scalars;
                int missing = rec.round() - 1 - lastSeen[c];
                down += 38 + missing * (28 + 4L * scalars);
                lastSeen[c] = rec.round() - 1;
            }
            RoundMetrics m = run.result().metrics().get(rec.round());
            assertEquals(up, m.bytesUp(), "round " + rec.round());
            assertEquals(down, m.bytesDown(), "round " + rec.round());
        }
        // And every row's counters add up from one round to the next.
        RoundMetrics last = run.result().last();
        assertEquals((long) config.rounds() * config.localSteps(), last.steps());
        assertTrue(last.forwardFlops() > 0 && last.forwardPasses() > 0);
    }

    @Test
    void clientsHoldTheDisjointShardsOfTheDirichletPartitionCoveringTheTrainingSet() throws IOException {
        SimulationConfig config = config().toBuilder().clients(8).alpha(0.1).clientsPerRound(2).rounds(1).build();
        Dataset train = DEMO.train();
        try (WorkerPool pool = WorkerPool.create(1);
             EncoderClassifier model = Fixtures.tinyClassifier(pool, config.classifierOptions());
             FederatedSimulation sim = new FederatedSimulation(config, model, pool, DEMO, "tiny", Fixtures.NO_DIGEST, null)) {
            Partition p = sim.partition();
            boolean[] seen = new boolean[train.size()];
            int covered = 0;
            for (int c = 0; c < config.clients(); c++) {
                int[] idx = p.indices(c);
                Dataset shard = sim.clients().get(c).shard();
                assertEquals(idx.length, shard.size());
                for (int k = 0; k < idx.length; k++) {
                    assertFalse(seen[idx[k]], "example " + idx[k] + " in two shards");
                    seen[idx[k]] = true;
                    covered++;
                    assertEquals(train.text(idx[k]), shard.text(k));
                    assertEquals(train.label(idx[k]), shard.label(k));
                }
            }
            assertEquals(train.size(), covered);
            // It is the Dirichlet(α) label partition of the run seed: skewed far beyond an IID split.
            Partition expected = DirichletPartition.of(config.clients(), config.alpha())
                    .split(train, FederationSeeds.partition(config.seed()));
            for (int c = 0; c < config.clients(); c++) {
                assertArrayEquals(expected.indices(c), p.indices(c));
            }
            double skew = p.meanMajorityFraction(train.labelArray(), train.numLabels());
            double iid = Partition.uniform(train.size(), config.clients(), 1).meanMajorityFraction(train.labelArray(), 2);
            assertTrue(skew > iid + 0.2, "Dirichlet(0.1) majority fraction " + skew + " vs IID " + iid);
        }
    }
}
