package dev.zoft.federation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.federation.aggregate.AggregatorSpec;
import dev.zoft.federation.aggregate.Poisoning;
import dev.zoft.federation.privacy.DpSettings;
import dev.zoft.federation.privacy.PrivacyReport;
import dev.zoft.federation.protocol.RoundRecord;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.zo.data.DatasetSplits;
import dev.zoft.zo.data.Datasets;
import dev.zoft.zo.log.SeedLog;
import dev.zoft.zo.params.ScopedViews;
import dev.zoft.zo.task.EncoderClassifier;
import dev.zoft.zo.task.TrainableSubset;
import dev.zoft.zo.train.EstimatorSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Robust aggregation, poisoning and DP keep the round log the global model's exact history: a
 * replay of the log written to disk, on a fresh base model, reaches the simulated global model bit
 * for bit, with every aggregator, with attackers, and with DP on. Also: what DP and the
 * aggregators change in the log, and the privacy report of a run.
 */
class RobustReplayTest {

    private static final DatasetSplits DEMO = Datasets.demo();

    private static SimulationConfig.Builder base() {
        return SimulationConfig.builder().clients(6).alpha(0.5).clientsPerRound(5).localSteps(2).rounds(3).batchSize(8)
                .estimator(EstimatorSpec.fedSpzo(2, 2, 1e-3f)).learningRate(2e-2)
                .trainable(TrainableSubset.all()).splitLayer(2).seed(7).evalEvery(0).devSize(24).maxTokens(24);
    }

    private record Run(SimulationResult result, int[] weights, List<RoundRecord> logged, SeedLog seedLog) {
    }

    private static Run runAndReplay(SimulationConfig config, Path dir) throws IOException {
        Run run;
        try (WorkerPool pool = WorkerPool.create(2);
             EncoderClassifier model = Fixtures.tinyClassifier(pool, config.classifierOptions());
             FederatedSimulation sim = new FederatedSimulation(config, model, pool, DEMO, "tiny", Fixtures.NO_DIGEST, dir)) {
            SimulationResult r = sim.run(RoundListener.none());
            run = new Run(r, Fixtures.bits(model.parameters()), sim.log().records(), sim.log().seedLog());
        }
        try (WorkerPool pool = WorkerPool.create(1);
             EncoderClassifier fresh = Fixtures.tinyClassifier(pool, config.classifierOptions())) {
            assertFalse(Arrays.equals(run.weights(), Fixtures.bits(fresh.parameters())), "the run did not move the model");
            SeedLog onDisk = SeedLog.read(dir.resolve(RoundLog.SEED_LOG_FILE));
            assertEquals(run.seedLog().updates(), onDisk.updates());
            assertEquals(run.logged(), RoundLog.readRounds(dir.resolve(RoundLog.ROUNDS_FILE)));
            onDisk.apply(ScopedViews.of(fresh), pool);
            assertArrayEquals(run.weights(), Fixtures.bits(fresh.parameters()), config.aggregator().format()
                    + " dp=" + config.privacy() + " poisoning=" + config.poisoning());
        }
        return run;
    }

    @Test
    void replayIsExactWithEveryAggregatorWithAttackersAndWithDp(@TempDir Path dir) throws IOException {
        Poisoning attack = Poisoning.parse("flip:20", 0.34);
        DpSettings dp = new DpSettings(0.05, 0.5, 1e-5);
        Run mean = runAndReplay(base().build(), dir.resolve("mean"));
        Run median = runAndReplay(base().aggregator(AggregatorSpec.parse("median")).poisoning(attack).build(), dir.resolve("median"));
        Run trimmed = runAndReplay(base().aggregator(AggregatorSpec.parse("trimmed:0.2")).poisoning(attack).build(),
                dir.resolve("trimmed"));
        Run private_ = runAndReplay(base().privacy(dp).build(), dir.resolve("dp"));
        Run privateMedian = runAndReplay(base().aggregator(AggregatorSpec.parse("median")).privacy(dp).build(),
                dir.resolve("dp-median"));
        Run central = runAndReplay(base().privacy(new DpSettings(0.05, 0.5, 1e-5, DpSettings.Mode.CENTRAL)).build(),
                dir.resolve("dp-central"));
        assertTrue(central.seedLog().header().split().contains("dp=central-gaussian"));
        assertEquals(private_.result().privacy().epsilon(), central.result().privacy().epsilon(),
                "the same mechanism per client, the same accounting");

        // Same seeds, same clients each round; the aggregates differ.
        for (Run other : List.of(median, trimmed, private_, privateMedian, central)) {
            assertArrayEquals(mean.logged().getFirst().clients(), other.logged().getFirst().clients());
            assertNotEquals(mean.logged().getFirst().aggregate().scalars(), other.logged().getFirst().aggregate().scalars());
        }
        // Robust aggregators record one vote per client.
        double[] votes = median.logged().getFirst().weights();
        assertEquals(1.0 / votes.length, votes[0]);
        // The seed log header says how the rounds were aggregated.
        assertTrue(median.seedLog().header().split().contains("aggregator=median"), median.seedLog().header().split());
        assertTrue(private_.seedLog().header().split().contains("dp=local-gaussian"));
        assertFalse(mean.seedLog().header().split().contains("aggregator="));

        // Under DP every aggregate of the mean run is a mean of clipped vectors plus noise: its scalars
        // sit within the clip bound plus a generous 6σC band; the train loss is still reported.
        assertNull(mean.result().privacy());
        PrivacyReport report = private_.result().privacy();
        assertNotNull(report);
        assertEquals(3, report.rounds());
        assertTrue(report.maxParticipations() >= 2 && report.maxParticipations() <= 3, report.describe());
        assertTrue(report.epsilon() > 0 && Double.isFinite(report.epsilon()), report.describe());
        for (RoundRecord rec : private_.logged()) {
            for (float v : rec.aggregate().scalars().values()) {
                assertTrue(Math.abs(v) < 0.05 + 6 * 0.5 * 0.05, "aggregate scalar " + v);
            }
        }
        assertTrue(Double.isFinite(private_.result().last().trainLoss()) && private_.result().last().trainLoss() > 0);
    }

    @Test
    void aFractionOfTheClientsAreTheAttackersChosenByTheRunSeed() throws IOException {
        SimulationConfig config = base().rounds(1).poisoning(Poisoning.parse("random:5", 0.5)).build();
        try (WorkerPool pool = WorkerPool.create(1);
             EncoderClassifier model = Fixtures.tinyClassifier(pool, config.classifierOptions());
             FederatedSimulation sim = new FederatedSimulation(config, model, pool, DEMO, "tiny", Fixtures.NO_DIGEST, null)) {
            boolean[] expected = config.poisoning().attackers(config.clients(), config.seed());
            int count = 0;
            for (int c = 0; c < config.clients(); c++) {
                assertEquals(expected[c], sim.isAttacker(c));
                count += expected[c] ? 1 : 0;
            }
            assertEquals(3, count);
        }
    }
}
