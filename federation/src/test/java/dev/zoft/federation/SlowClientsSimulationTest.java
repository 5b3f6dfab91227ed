package dev.zoft.federation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.federation.aggregate.AggregatorSpec;
import dev.zoft.federation.privacy.DpSettings;
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
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link SimulationConfig#clientCaps} in the simulator on a tiny random BERT: with slow clients (and
 * local DP, and the median) the log still replays to the global model bit for bit, the seed-log header
 * names the rule, the run spends fewer forward FLOPs than the same rounds without caps, and central
 * DP with caps is refused.
 */
class SlowClientsSimulationTest {

    private static final DatasetSplits DEMO = Datasets.demo();

    private static SimulationConfig.Builder base() {
        return SimulationConfig.builder().clients(6).alpha(0.5).clientsPerRound(3).localSteps(2).rounds(4).batchSize(8)
                .estimator(EstimatorSpec.fedSpzo(2, 3, 1e-3f)).learningRate(2e-2).trainable(TrainableSubset.all())
                .splitLayer(2).seed(7).evalEvery(0).devSize(40).maxTokens(32);
    }

    private record Run(long flops, int[] weights, List<RoundRecord> records, SeedLog seedLog) {
    }

    private static Run run(SimulationConfig config) throws IOException {
        try (WorkerPool pool = WorkerPool.create(2);
             EncoderClassifier model = Fixtures.tinyClassifier(pool, config.classifierOptions());
             FederatedSimulation sim = new FederatedSimulation(config, model, pool, DEMO, "tiny", Fixtures.NO_DIGEST, null)) {
            SimulationResult r = sim.run(RoundListener.none());
            return new Run(r.metrics().getLast().forwardFlops(), Fixtures.bits(model.parameters()), sim.log().records(),
                    sim.log().seedLog());
        }
    }

    @Test
    void slowClientsReplayBitForBitAndSpendFewerFlops() throws IOException {
        ClientCaps slow = ClientCaps.every(2, DirectionCaps.fedSpzo(1, 1));
        SimulationConfig capped = base().clientCaps(slow).aggregator(AggregatorSpec.parse("median"))
                .privacy(new DpSettings(50, 0.01, 1e-5)).build();
        SimulationConfig full = base().aggregator(AggregatorSpec.parse("median")).privacy(new DpSettings(50, 0.01, 1e-5)).build();
        Run c = run(capped);
        Run f = run(full);
        assertTrue(c.seedLog().header().split().contains("slow-clients=every2:p1=1,p2=1"), c.seedLog().header().split());
        assertFalse(f.seedLog().header().split().contains("slow-clients"));
        // Same rounds and clients, so the slow ones' smaller steps are the only difference in FLOPs.
        assertEquals(Arrays.stream(f.records().toArray(RoundRecord[]::new)).map(r -> Arrays.toString(r.clients())).toList(),
                Arrays.stream(c.records().toArray(RoundRecord[]::new)).map(r -> Arrays.toString(r.clients())).toList());
        assertTrue(c.flops() < f.flops(), c.flops() + " vs " + f.flops());
        assertFalse(Arrays.equals(c.weights(), f.weights()), "the slow clients changed the aggregate");
        try (WorkerPool pool = WorkerPool.create(2);
             EncoderClassifier fresh = Fixtures.tinyClassifier(pool, capped.classifierOptions())) {
            c.seedLog().apply(ScopedViews.of(fresh), pool);
            assertArrayEquals(c.weights(), Fixtures.bits(fresh.parameters()));
        }
    }

    @Test
    void centralDpWithSlowClientsIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> base().clientCaps(ClientCaps.every(3, DirectionCaps.fedSpzo(1, 1)))
                .privacy(new DpSettings(1, 1, 1e-5, DpSettings.Mode.CENTRAL)).build());
        assertTrue(e.getMessage().contains("local DP"), e.getMessage());
    }
}
