package dev.zoft.federation.method;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.federation.Client;
import dev.zoft.federation.ClientCaps;
import dev.zoft.federation.DirectionCaps;
import dev.zoft.federation.LocalRound;
import dev.zoft.federation.RoundLog;
import dev.zoft.federation.Server;
import dev.zoft.federation.SyncedModel;
import dev.zoft.federation.WeightedMean;
import dev.zoft.federation.cost.CostRecord;
import dev.zoft.federation.protocol.ClientUpload;
import dev.zoft.federation.protocol.CoverageMask;
import dev.zoft.federation.protocol.ProtocolCodec;
import dev.zoft.federation.protocol.ProtocolException;
import dev.zoft.federation.protocol.RoundPlan;
import dev.zoft.federation.protocol.RoundRecord;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.tensor.random.Distribution;
import dev.zoft.zo.data.Dataset;
import dev.zoft.zo.estimate.Estimator;
import dev.zoft.zo.estimate.FedSpzo;
import dev.zoft.zo.estimate.LearningRate;
import dev.zoft.zo.estimate.MeZo;
import dev.zoft.zo.estimate.RestoreMode;
import dev.zoft.zo.estimate.ZoSettings;
import dev.zoft.zo.params.ScopedViews;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Slow clients in the shared-seed protocol: a capped client computes exactly the round's scalars of
 * its sub-grid (same directions), steps locally as an estimator built with its own counts, uploads
 * them in the round's layout; a federation mixing capped and full clients keeps every device
 * (including one that joins after the last round) on the server's replay bit for bit; the counted
 * forward FLOPs of a capped client are DESIGN.md §1's formula at its counts.
 */
class SlowClientsTest {

    static final int S = 3;
    private static WorkerPool pool;

    @BeforeAll
    static void start() {
        pool = WorkerPool.create(2);
    }

    @AfterAll
    static void stop() {
        pool.close();
    }

    static ZoSettings settings(RestoreMode mode) {
        return new ZoSettings(1e-3f, Distribution.GAUSSIAN, mode, ZoSettings.NO_CLIP);
    }

    /**
     * Round estimator, caps, the capped estimator built directly, and where each of its K' scalars
     * sits in the round's K (written out by hand from the estimators' documented layouts).
     */
    static Stream<Arguments> cases() {
        return Stream.of(RestoreMode.SNAPSHOT, RestoreMode.IN_PLACE).flatMap(mode -> Stream.of(
                Arguments.of("nested 3×4 → 2×2 " + mode,
                        (Supplier<Estimator>) () -> new FedSpzo(3, 4, FedSpzo.Variant.NESTED, settings(mode)),
                        DirectionCaps.fedSpzo(2, 2),
                        (Supplier<Estimator>) () -> new FedSpzo(2, 2, FedSpzo.Variant.NESTED, settings(mode)),
                        new int[] {0, 1, 4, 5}),
                Arguments.of("decoupled 3+4 → 1+2 " + mode,
                        (Supplier<Estimator>) () -> new FedSpzo(3, 4, FedSpzo.Variant.DECOUPLED, settings(mode)),
                        DirectionCaps.fedSpzo(1, 2),
                        (Supplier<Estimator>) () -> new FedSpzo(1, 2, FedSpzo.Variant.DECOUPLED, settings(mode)),
                        new int[] {0, 3, 4}),
                Arguments.of("mezo 4 → 2 " + mode,
                        (Supplier<Estimator>) () -> new MeZo(4, settings(mode)),
                        DirectionCaps.mezo(2),
                        (Supplier<Estimator>) () -> new MeZo(2, settings(mode)),
                        new int[] {0, 1}),
                Arguments.of("nested 2×3, caps above P1 → 2×1 " + mode,
                        (Supplier<Estimator>) () -> new FedSpzo(2, 3, FedSpzo.Variant.NESTED, settings(mode)),
                        new DirectionCaps(DirectionCaps.UNCAPPED, 5, 1),
                        (Supplier<Estimator>) () -> new FedSpzo(2, 1, FedSpzo.Variant.NESTED, settings(mode)),
                        new int[] {0, 3})));
    }

    /** FLOPs of one step for block costs f1, f2 (DESIGN.md §1), by kind and counts. */
    static long formula(Estimator e, long f1, long f2) {
        return switch (e) {
            case MeZo m -> 2L * m.directions() * (f1 + f2);
            case FedSpzo f when f.variant() == FedSpzo.Variant.NESTED -> 2L * f.p1() * (f1 + (long) f.p2() * f2);
            case FedSpzo f -> f1 + 2L * f.p1() * (f1 + f2) + 2L * f.p2() * f2;
            default -> throw new IllegalArgumentException(e.toString());
        };
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aCappedClientRunsASubGridOfTheRoundsDirections(String name, Supplier<Estimator> round, DirectionCaps caps,
                                                        Supplier<Estimator> direct, int[] place) {
        Dataset shard = LabelQuadratic.shards(6, 5).get(1);
        RoundPlan plan = new RoundPlan(1, 0xC0FFEEL, S, 4, 0.05, List.of());
        try (LabelQuadratic qFull = new LabelQuadratic(9); LabelQuadratic qCap = new LabelQuadratic(9);
             LabelQuadratic qRef = new LabelQuadratic(9)) {
            float[] start = qCap.values();
            LocalRound full = new Client<>(1, shard, LabelQuadratic.BATCHES, new SyncedModel<>(qFull, round.get(), pool)).run(plan);
            LocalRound capped = new Client<>(1, shard, LabelQuadratic.BATCHES, new SyncedModel<>(qCap, round.get(), pool), null,
                    caps).run(plan);
            LocalRound ref = new Client<>(1, shard, LabelQuadratic.BATCHES, new SyncedModel<>(qRef, direct.get(), pool)).run(plan);
            int k = round.get().scalarsPerStep();
            int kc = direct.get().scalarsPerStep();
            ClientUpload up = capped.upload();
            // The mask: exactly the places of the capped scalars.
            boolean[] want = new boolean[k];
            for (int p : place) {
                want[p] = true;
            }
            assertEquals(CoverageMask.of(want), up.coverage(), name);
            float[] got = up.scalars().values();
            float[] r = ref.upload().scalars().values();
            float[] f = full.upload().scalars().values();
            for (int s = 0; s < S; s++) {
                // Every step: the scalars of the estimator built with the capped counts (its own local
                // updates in between), put in place; the rest exactly +0.
                float[] expected = new float[k];
                for (int i = 0; i < kc; i++) {
                    expected[place[i]] = r[s * kc + i];
                }
                assertArrayEquals(bits(expected), bits(java.util.Arrays.copyOfRange(got, s * k, s * k + k)), name + " step " + s);
            }
            // Step 0 starts from the same model: the capped client's directions are the round's. With
            // snapshot restores the pairs evaluate at identical weights, so the scalars agree bit for
            // bit; in-place restores (θ + ε·z regenerated) leave a few ulps of drift that depend on how
            // many directions ran before, so there they agree to float rounding.
            boolean exact = round.get().settings().restore() == RestoreMode.SNAPSHOT;
            for (int p : place) {
                if (exact) {
                    assertEquals(Float.floatToRawIntBits(f[p]), Float.floatToRawIntBits(got[p]), name + " step 0 scalar " + p);
                } else {
                    assertEquals(f[p], got[p], 1e-5 * Math.max(1, Math.abs(f[p])), name + " step 0 scalar " + p);
                }
            }
            // Counted FLOPs: the formula at the capped counts, below the full client's.
            int b = Math.min(4, shard.size());
            long f1 = qCap.block1Flops(new double[b]);
            long f2 = qCap.block2Flops(new double[b]);
            assertEquals(S * formula(direct.get(), f1, f2), capped.forwardFlops(), name);
            assertEquals(S * formula(round.get(), f1, f2), full.forwardFlops(), name);
            assertTrue(capped.forwardFlops() < full.forwardFlops());
            assertEquals(ref.forwardFlops(), capped.forwardFlops());
            assertArrayEquals(bits(start), bits(qCap.values()), "the client is back at the round's start");
        }
    }

    static Stream<Arguments> federations() {
        return Stream.of(
                Arguments.of("nested", (Supplier<Estimator>) () -> new FedSpzo(2, 3, FedSpzo.Variant.NESTED,
                        settings(RestoreMode.SNAPSHOT))),
                Arguments.of("decoupled", (Supplier<Estimator>) () -> new FedSpzo(3, 2, FedSpzo.Variant.DECOUPLED,
                        settings(RestoreMode.IN_PLACE))),
                Arguments.of("mezo", (Supplier<Estimator>) () -> new MeZo(3, settings(RestoreMode.SNAPSHOT))));
    }

    /** Clients 1 and 4 slow with different caps, client 2 capped at P' / P2' = 1, the others full. */
    static DirectionCaps capsOf(int id) {
        return switch (id) {
            case 1 -> new DirectionCaps(2, 1, 2);
            case 2 -> new DirectionCaps(1, 2, 1);
            case 4 -> new DirectionCaps(1, 1, 1);
            default -> null;
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("federations")
    void aMixedFederationKeepsEveryDeviceOnTheServersReplay(String name, Supplier<Estimator> estimator)
            throws IOException, ProtocolException {
        int n = 6;
        int rounds = 6;
        List<Dataset> shards = LabelQuadratic.shards(n, 5);
        List<LabelQuadratic> models = new ArrayList<>();
        List<SyncedModel<double[]>> synced = new ArrayList<>();
        List<Client<double[]>> devices = new ArrayList<>();
        try (RoundLog log = RoundLog.inMemory(LabelQuadratic.HEADER); LabelQuadratic late = new LabelQuadratic(8);
             LabelQuadratic replay = new LabelQuadratic(8); LabelQuadratic uncapped = new LabelQuadratic(8)) {
            for (int c = 0; c < n; c++) {
                LabelQuadratic q = new LabelQuadratic(8);
                models.add(q);
                synced.add(new SyncedModel<>(q, estimator.get(), pool));
                devices.add(new Client<>(c, shards.get(c), LabelQuadratic.BATCHES, synced.get(c), null, capsOf(c)));
            }
            Server server = new Server(n, 3, 2, 4, LearningRate.constant(0.05), 99, estimator.get(), new WeightedMean(), log);
            int partial = 0;
            for (int r = 1; r <= rounds; r++) {
                Server.OpenRound open = server.startRound();
                for (int c : open.clients()) {
                    RoundPlan plan = ProtocolCodec.decodePlan(ProtocolCodec.encode(server.plan(c)));
                    ClientUpload up = ProtocolCodec.decodeUpload(ProtocolCodec.encode(devices.get(c).run(plan).upload()));
                    partial += up.coverage().isFull() ? 0 : 1;
                    server.accept(up);
                }
                RoundRecord rec = server.finishRound();
                assertEquals(r, rec.aggregate().round());
            }
            assertTrue(partial > 0, "some slow client took part");
            ScopedViews.of(replay);
            server.log().seedLog().apply(ScopedViews.of(replay), pool);
            float[] global = replay.values();
            for (int c = 0; c < n; c++) {
                devices.get(c).sync(server.catchUp(c));
                assertArrayEquals(bits(global), bits(models.get(c).values()), name + ": device " + c);
            }
            // A device that joins after the last round replays the catch-up message bit for bit.
            SyncedModel<double[]> lateModel = new SyncedModel<>(late, estimator.get(), pool);
            var all = ProtocolCodec.decodeCatchUp(ProtocolCodec.encodeCatchUp(
                    server.log().records().stream().map(RoundRecord::aggregate).toList()));
            assertEquals(rounds, lateModel.catchUp(all));
            assertArrayEquals(bits(global), bits(late.values()), name + ": late device");
            lateModel.close();
            // The slow clients mattered: the same rounds with nobody capped end elsewhere.
            assertNotEquals(java.util.Arrays.toString(bits(global)),
                    java.util.Arrays.toString(bits(uncappedRun(estimator, shards, uncapped, rounds))), name);
        } finally {
            for (SyncedModel<double[]> s : synced) {
                s.close();
            }
            for (LabelQuadratic q : models) {
                q.close();
            }
        }
    }

    private static float[] uncappedRun(Supplier<Estimator> estimator, List<Dataset> shards, LabelQuadratic q, int rounds)
            throws IOException, ProtocolException {
        try (RoundLog log = RoundLog.inMemory(LabelQuadratic.HEADER); SyncedModel<double[]> m = new SyncedModel<>(q, estimator.get(), pool)) {
            Server server = new Server(shards.size(), 3, 2, 4, LearningRate.constant(0.05), 99, estimator.get(), new WeightedMean(), log);
            for (int r = 1; r <= rounds; r++) {
                for (int c : server.startRound().clients()) {
                    server.accept(new Client<>(c, shards.get(c), LabelQuadratic.BATCHES, m).run(server.plan(c)).upload());
                }
                m.catchUp(List.of(server.finishRound().aggregate()));
            }
            return q.values();
        }
    }

    static Stream<Arguments> specs() {
        return Stream.of(
                Arguments.of(MethodSpec.of(MethodKind.FEDSPZO, 3, 4, 1e-3f), DirectionCaps.fedSpzo(1, 2)),
                Arguments.of(MethodSpec.of(MethodKind.FEDSPZO_DECOUPLED, 3, 4, 1e-3f), DirectionCaps.fedSpzo(1, 2)),
                Arguments.of(MethodSpec.of(MethodKind.FEDSPZO, 1, 4, 1e-3f)
                        .withSchedule(DirectionSchedule.linear(4, 1, 4)), DirectionCaps.fedSpzo(1, 2)),
                Arguments.of(MethodSpec.of(MethodKind.DECOMFL, 4, 1, 1e-3f), new DirectionCaps(1, 1, 1)));
    }

    /**
     * Through {@link MethodSimulation} (what the experiment runner uses): the cost rows count the
     * forwards that ran, so a slow client's row is the formula at its capped counts; the run replays
     * from its log bit for bit.
     */
    @ParameterizedTest
    @MethodSource("specs")
    void costRowsCountTheSlowClientsFewerForwards(MethodSpec spec, DirectionCaps caps) throws IOException {
        try (LabelQuadratic q = new LabelQuadratic(3); LabelQuadratic fresh = new LabelQuadratic(3)) {
            MethodContext<double[]> plain = q.context(pool, 2);
            MethodContext<double[]> ctx = new MethodContext<>(plain.objective(), plain.pool(), plain.shards(), plain.batches(),
                    plain.perRound(), plain.localSteps(), plain.batchSize(), plain.schedule(), plain.runSeed(), plain.header(),
                    ClientCaps.every(2, caps));
            int rounds = 4;
            try (FederatedMethod<double[]> m = spec.create(ctx)) {
                MethodSimulation.Result res = new MethodSimulation<>(m, ctx, rounds, 0, () -> 0.5)
                        .run(MethodSimulation.Listener.none());
                int slow = 0;
                int fast = 0;
                for (CostRecord rec : res.clientCosts()) {
                    int b = Math.min(ctx.batchSize(), ctx.shards().get(rec.client()).size());
                    long f1 = q.block1Flops(new double[b]);
                    long f2 = q.block2Flops(new double[b]);
                    Estimator round = spec.createEstimator(rec.round());
                    boolean capped = rec.client() % 2 == 1;
                    Estimator ran = capped ? caps.capped(round) : round;
                    assertEquals(ctx.localSteps() * formula(ran, f1, f2), rec.forwardFlops(),
                            spec.describe() + " round " + rec.round() + " client " + rec.client());
                    if (capped && ran != round) {
                        assertTrue(rec.forwardFlops() < ctx.localSteps() * formula(round, f1, f2));
                        slow++;
                    } else {
                        fast++;
                    }
                }
                assertTrue(slow > 0 && fast > 0, "both kinds of client ran: " + slow + " slow, " + fast + " full");
                m.replay(ScopedViews.of(fresh), pool);
                assertArrayEquals(bits(q.values()), bits(fresh.values()), spec.describe());
            }
        }
    }
}
