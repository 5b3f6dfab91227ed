package dev.zoft.federation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.federation.method.DirectionSchedule;
import dev.zoft.federation.protocol.ProtocolCodec;
import dev.zoft.federation.protocol.RoundRecord;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.zo.data.DatasetSplits;
import dev.zoft.zo.data.Datasets;
import dev.zoft.zo.data.Partition;
import dev.zoft.zo.estimate.BlockScales;
import dev.zoft.zo.estimate.Estimator;
import dev.zoft.zo.estimate.FedSpzo;
import dev.zoft.zo.estimate.ZoSettings;
import dev.zoft.zo.log.SeedLog;
import dev.zoft.zo.params.ScopedViews;
import dev.zoft.zo.task.EncoderClassifier;
import dev.zoft.zo.task.LabelledBatch;
import dev.zoft.zo.task.TrainableSubset;
import dev.zoft.zo.train.EstimatorSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The knobs beyond the paper in {@link SimulationConfig} and {@link FederatedSimulation} on the tiny
 * random BERT: off, the simulation is the federation built the old way (estimators from
 * {@link EstimatorSpec#create()}); on, it is the same federation built with
 * {@link EstimatorSpec#create(float, BlockScales)}; a bound below the observed scalars bounds every
 * upload and aggregate; lr1 = 0 freezes block 1; the log of a run with knobs replays exactly; the
 * seed log header names the knobs.
 */
class FederatedKnobsTest {

    private static final DatasetSplits DEMO = Datasets.demo();
    private static final float EPS = 1e-3f;

    /** Nested FedSPZO P1 = P2 = 2, everything trainable, split at layer 1 of 2. */
    private static SimulationConfig config() {
        return SimulationConfig.builder().clients(5).alpha(0.5).clientsPerRound(2).localSteps(2).rounds(3).batchSize(8)
                .estimator(EstimatorSpec.fedSpzo(2, 2, EPS)).learningRate(2e-2).trainable(TrainableSubset.all())
                .splitLayer(1).seed(3).evalEvery(0).devSize(16).maxTokens(24).build();
    }

    private record Run(List<RoundRecord> records, SeedLog seedLog, int[] all, int[] block1, int[] block2) {
    }

    private static Run run(SimulationConfig config, Path dir) throws IOException {
        try (WorkerPool pool = WorkerPool.create(2);
             EncoderClassifier model = Fixtures.tinyClassifier(pool, config.classifierOptions());
             FederatedSimulation sim = new FederatedSimulation(config, model, pool, DEMO, "tiny", Fixtures.NO_DIGEST, dir)) {
            sim.run(RoundListener.none());
            ScopedViews v = ScopedViews.of(model);
            return new Run(sim.log().records(), sim.log().seedLog(), Fixtures.bits(v.all()), Fixtures.bits(v.block1()),
                    Fixtures.bits(v.block2()));
        }
    }

    private static Run base(SimulationConfig config) {
        try (WorkerPool pool = WorkerPool.create(1);
             EncoderClassifier model = Fixtures.tinyClassifier(pool, config.classifierOptions())) {
            ScopedViews v = ScopedViews.of(model);
            return new Run(List.of(), null, Fixtures.bits(v.all()), Fixtures.bits(v.block1()), Fixtures.bits(v.block2()));
        }
    }

    /**
     * The federation of devices with their own models, each estimator made by {@code estimators}:
     * the round records its server logs (the construction of the simulator before the knobs existed).
     */
    private static List<RoundRecord> handBuilt(SimulationConfig config, SeedLog.Header header,
                                               java.util.function.Supplier<Estimator> estimators) throws IOException {
        return handBuiltPerRound(config, header, () -> {
            Estimator e = estimators.get();
            return round -> e;
        });
    }

    /** {@link #handBuilt} with each party's estimators by round ({@code estimators} gives every party its own). */
    private static List<RoundRecord> handBuiltPerRound(SimulationConfig config, SeedLog.Header header,
            java.util.function.Supplier<java.util.function.IntFunction<Estimator>> estimators) throws IOException {
        try (WorkerPool pool = WorkerPool.create(1)) {
            Partition partition = FederatedSimulation.partition(config, DEMO.train());
            List<EncoderClassifier> models = new ArrayList<>();
            List<Client<LabelledBatch>> devices = new ArrayList<>();
            try {
                for (int c = 0; c < config.clients(); c++) {
                    EncoderClassifier m = Fixtures.tinyClassifier(pool, config.classifierOptions());
                    models.add(m);
                    devices.add(new Client<>(c, partition.clientDataset(DEMO.train(), c), FederatedSimulation.batchFactory(m),
                            new SyncedModel<>(m, estimators.get(), pool)));
                }
                Server server = new Server(config.clients(), config.clientsPerRound(), config.localSteps(), config.batchSize(),
                        config.schedule(), config.seed(), estimators.get(), new WeightedMean(), RoundLog.inMemory(header));
                for (int r = 1; r <= config.rounds(); r++) {
                    for (int c : server.startRound().clients()) {
                        server.accept(ProtocolCodec.decodeUpload(ProtocolCodec.encode(
                                devices.get(c).run(ProtocolCodec.decodePlan(ProtocolCodec.encode(server.plan(c)))).upload())));
                    }
                    server.finishRound();
                }
                return server.log().records();
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

    private static double maxAbsAggregate(List<RoundRecord> records) {
        double max = 0;
        for (RoundRecord r : records) {
            for (float x : r.aggregate().scalars().values()) {
                max = Math.max(max, Math.abs(x));
            }
        }
        return max;
    }

    @Test
    void withoutKnobsTheSimulationIsTheFederationBuiltTheOldWay() throws IOException {
        SimulationConfig config = config();
        assertEquals(ZoSettings.NO_CLIP, config.clip());
        assertEquals(BlockScales.uniform(EPS), config.scales());
        Run sim = run(config, null);
        assertEquals(handBuilt(config, sim.seedLog().header(), () -> config.estimator().create()), sim.records());
        assertTrue(sim.seedLog().header().split().endsWith("estimator=" + config.estimator().describe()),
                sim.seedLog().header().split());
        // toBuilder keeps uniform scales following ε: a new ε gives uniform scales at the new ε.
        SimulationConfig other = config.toBuilder().estimator(EstimatorSpec.fedSpzo(2, 2, 2e-3f)).build();
        assertEquals(BlockScales.uniform(2e-3f), other.scales());
    }

    @Test
    void withKnobsEveryClientAndTheServerUseThem() throws IOException {
        double observed = maxAbsAggregate(run(config(), null).records());
        BlockScales scales = new BlockScales(2e-3f, EPS, 0.5, 1.5);
        float bound = (float) (observed / 3);
        SimulationConfig config = config().toBuilder().clip(bound).scales(scales).build();
        FedSpzo made = (FedSpzo) config.createEstimator();
        assertEquals(bound, made.settings().clip());
        assertEquals(scales, made.scales());
        Run sim = run(config, null);
        assertEquals(handBuilt(config, sim.seedLog().header(), () -> config.estimator().create(bound, scales)), sim.records());
        assertTrue(sim.seedLog().header().split().contains("estimator=" + config.estimator().describe()
                + " eps1=0.002 eps2=0.001 lr1=0.5 lr2=1.5 clip=" + bound), sim.seedLog().header().split());
    }

    @Test
    void aBoundBelowTheObservedScalarsBoundsEveryAggregateAndChangesTheRun() throws IOException {
        Run plain = run(config(), null);
        double observed = maxAbsAggregate(plain.records());
        float bound = (float) (observed / 4);
        Run clipped = run(config().toBuilder().clip(bound).build(), null);
        assertTrue(maxAbsAggregate(clipped.records()) <= bound, maxAbsAggregate(clipped.records()) + " > " + bound);
        assertNotEquals(plain.records(), clipped.records());
        assertFalse(Arrays.equals(plain.all(), clipped.all()));
    }

    @Test
    void lr1ZeroFreezesBlockOneWhileBlockTwoMoves() throws IOException {
        SimulationConfig config = config().toBuilder().scales(new BlockScales(EPS, EPS, 0, 1)).build();
        Run base = base(config);
        Run frozen = run(config, null);
        assertArrayEquals(base.block1(), frozen.block1(), "block 1 moved with lr1 = 0");
        assertFalse(Arrays.equals(base.block2(), frozen.block2()), "block 2 did not move");
    }

    @Test
    void theSeedLogOfARunWithClippingAndLr1ReplaysBitForBit(@TempDir Path dir) throws IOException {
        float bound = (float) (maxAbsAggregate(run(config(), null).records()) / 3);
        SimulationConfig config = config().toBuilder().clip(bound).scales(new BlockScales(EPS, EPS, 0.25, 1)).build();
        Run run = run(config, dir);
        try (WorkerPool pool = WorkerPool.create(1);
             EncoderClassifier fresh = Fixtures.tinyClassifier(pool, config.classifierOptions());
             EncoderClassifier fromDisk = Fixtures.tinyClassifier(pool, config.classifierOptions())) {
            assertFalse(Arrays.equals(run.all(), Fixtures.bits(fresh.parameters())), "the run moved the model");
            run.seedLog().apply(ScopedViews.of(fresh), pool);
            assertArrayEquals(run.all(), Fixtures.bits(fresh.parameters()));
            SeedLog.read(dir.resolve(RoundLog.SEED_LOG_FILE)).apply(ScopedViews.of(fromDisk), pool);
            assertArrayEquals(run.all(), Fixtures.bits(fromDisk.parameters()));
        }
    }

    @Test
    void aP2ScheduleChangesTheRoundsCountsAndReplaysExactly(@TempDir Path dir) throws IOException {
        DirectionSchedule schedule = DirectionSchedule.piecewise(new int[] {1, 2}, new int[] {1, 3});
        SimulationConfig config = config().toBuilder().directions(schedule).build();
        assertEquals(1, config.estimator().p2(), "the builder sets P2 to the schedule's round-1 count");
        assertEquals(3, config.estimatorAt(3).p2());
        Run run = run(config, dir);
        // Nested FedSPZO uploads P1·P2 scalars per step: 2·1 in round 1, 2·3 after.
        assertEquals(List.of(2, 6, 6), run.records().stream().map(r -> r.aggregate().scalars().perStep()).toList());
        assertTrue(run.seedLog().header().split().contains(" p2-schedule=1@1;3@2"), run.seedLog().header().split());
        // Devices deriving each round's estimator from the configuration log the same rounds.
        assertEquals(handBuiltScheduled(config, run.seedLog().header()), run.records());
        try (WorkerPool pool = WorkerPool.create(1);
             EncoderClassifier fresh = Fixtures.tinyClassifier(pool, config.classifierOptions())) {
            SeedLog.read(dir.resolve(RoundLog.SEED_LOG_FILE)).apply(ScopedViews.of(fresh), pool);
            assertArrayEquals(run.all(), Fixtures.bits(fresh.parameters()));
        }
        // A schedule that never changes the count is the run without one.
        SimulationConfig flat = config().toBuilder().directions(DirectionSchedule.constant(2)).build();
        Run constant = run(flat, null);
        Run plain = run(config(), null);
        assertEquals(plain.records(), constant.records());
        assertThrows(IllegalArgumentException.class, () -> dev.zoft.federation.net.FederationPlan.of(config));
    }

    /** {@link #handBuiltPerRound} with round r's estimator {@code config.createEstimator(r)} on every side. */
    private static List<RoundRecord> handBuiltScheduled(SimulationConfig config, SeedLog.Header header) throws IOException {
        return handBuiltPerRound(config, header, () -> config::createEstimator);
    }

    @Test
    void aMezoScheduleSchedulesP() {
        SimulationConfig c = config().toBuilder().estimator(EstimatorSpec.mezo(4, EPS)).clip(1f)
                .directions(DirectionSchedule.linear(2, 6, 3)).build();
        assertEquals(List.of(2, 4, 6), java.util.stream.IntStream.rangeClosed(1, 3).mapToObj(r -> c.estimatorAt(r).p1()).toList());
        assertEquals(6, ((dev.zoft.zo.estimate.MeZo) c.createEstimator(3)).directions());
        assertEquals(1f, c.createEstimator(3).settings().clip());
        assertTrue(c.describeEstimator().endsWith(" clip=1.0 p-schedule=2..6/3r"), c.describeEstimator());
    }

    /** A server's state records its knobs in the seed log header: a restart with other knobs is refused. */
    @Test
    void aRoundLogWrittenWithOneBoundRefusesToResumeWithAnother(@TempDir Path dir) throws IOException {
        SimulationConfig with = config().toBuilder().clip(2f).build();
        SimulationConfig without = config();
        try (WorkerPool pool = WorkerPool.create(1);
             EncoderClassifier model = Fixtures.tinyClassifier(pool, with.classifierOptions())) {
            SeedLog.Header a = FederatedSimulation.header(with, model, "tiny", Fixtures.NO_DIGEST);
            SeedLog.Header b = FederatedSimulation.header(without, model, "tiny", Fixtures.NO_DIGEST);
            assertNotEquals(a, b);
            RoundLog.create(dir, a).close();
            RoundLog.reopen(dir, a).close();
            IOException e = assertThrows(IOException.class, () -> RoundLog.reopen(dir, b));
            assertTrue(e.getMessage().contains("clip=2.0"), e.getMessage());
        }
    }

    @Property(tries = 40)
    void toBuilderKeepsEveryKnob(@ForAll @FloatRange(min = 0.01f, max = 1000f) float clip,
                                 @ForAll @FloatRange(min = 1, max = 9) float eps1,
                                 @ForAll @DoubleRange(min = 0, max = 4) double lr1,
                                 @ForAll @IntRange(min = 1, max = 8) int first, @ForAll @IntRange(min = 1, max = 8) int later) {
        SimulationConfig c = config().toBuilder().clip(clip).scales(new BlockScales(eps1 * 1e-3f, EPS, lr1, 1))
                .directions(DirectionSchedule.piecewise(new int[] {1, 3}, new int[] {first, later})).build();
        assertEquals(c, c.toBuilder().build());
        assertEquals(first, c.estimator().p2());
        assertEquals(later, c.estimatorAt(3).p2());
        assertTrue(c.describeEstimator().endsWith(" clip=" + clip + " p2-schedule=" + first + "@1;" + later + "@3"),
                c.describeEstimator());
    }

    @Test
    void badKnobsAreRefusedByTheConfiguration() {
        SimulationConfig.Builder b = config().toBuilder();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.clip(-1).build()).getMessage()
                .contains("clipping bound must be positive"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.clip(Float.NaN).build()).getMessage()
                .contains("clipping bound must be positive"));
        SimulationConfig.Builder mezo = config().toBuilder().clip(ZoSettings.NO_CLIP).estimator(EstimatorSpec.mezo(2, EPS))
                .scales(new BlockScales(EPS, EPS, 0, 1));
        assertTrue(assertThrows(IllegalArgumentException.class, mezo::build).getMessage().contains("MeZO has one block"));
        // A schedule whose largest count breaks the estimator's cap, and a round-1 count that is not P2.
        assertThrows(IllegalArgumentException.class, () -> config().toBuilder()
                .directions(DirectionSchedule.piecewise(new int[] {1, 2}, new int[] {2, 1 << 16})).build());
        SimulationConfig c = config();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SimulationConfig(c.clients(),
                c.alpha(), c.clientsPerRound(), c.localSteps(), c.rounds(), c.batchSize(), c.estimator(), c.learningRate(),
                c.finalLearningRate(), c.trainable(), c.splitLayer(), c.seed(), c.evalEvery(), c.devSize(), c.maxTokens(),
                c.aggregator(), null, null, ClientCaps.none(), ZoSettings.NO_CLIP, c.scales(), DirectionSchedule.constant(3)));
        assertTrue(e.getMessage().contains("round-1 count 3 differs from P2 = 2"), e.getMessage());
    }
}
