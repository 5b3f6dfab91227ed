package dev.zoft.federation.method;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.federation.BatchSampler;
import dev.zoft.federation.FederationSeeds;
import dev.zoft.federation.Server;
import dev.zoft.federation.cost.CostMeter;
import dev.zoft.federation.cost.CostRecord;
import dev.zoft.federation.protocol.ProtocolException;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.tensor.random.Distribution;
import dev.zoft.zo.estimate.Estimator;
import dev.zoft.zo.estimate.MeZo;
import dev.zoft.zo.estimate.Seeds;
import dev.zoft.zo.estimate.StepResult;
import dev.zoft.zo.estimate.ZoSettings;
import dev.zoft.zo.params.Perturbation;
import dev.zoft.zo.params.ScopedViews;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every method on a small federated quadratic: a round's global update equals a direct recomputation
 * from the definition, the log replays the global model bit for bit, and the counted costs follow the
 * closed forms.
 */
class FederatedMethodsTest {

    static final float EPS = 1e-3f;
    static final int K = 16;
    private static WorkerPool pool;

    @BeforeAll
    static void start() {
        pool = WorkerPool.create(2);
    }

    @AfterAll
    static void stop() {
        pool.close();
    }

    static Stream<MethodSpec> specs() {
        return Stream.of(
                MethodSpec.of(MethodKind.FEDZO, 2, 1, EPS),
                MethodSpec.of(MethodKind.DECOMFL, 2, 1, EPS),
                new MethodSpec(MethodKind.FEDKSEED, 2, 1, K, EPS),
                new MethodSpec(MethodKind.FEDKSEED_PRO, 1, 1, K, EPS),
                MethodSpec.of(MethodKind.FEDSPZO, 1, 3, EPS),
                MethodSpec.of(MethodKind.FEDSPZO_DECOUPLED, 2, 2, EPS));
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }

    @ParameterizedTest
    @MethodSource("specs")
    void replayingTheLogReproducesTheGlobalModelBitForBit(MethodSpec spec) throws IOException {
        try (LabelQuadratic q = new LabelQuadratic(3); LabelQuadratic fresh = new LabelQuadratic(3)) {
            MethodContext<double[]> ctx = q.context(pool, 2);
            float[] base = q.values();
            try (FederatedMethod<double[]> m = spec.create(ctx)) {
                new MethodSimulation<>(m, ctx, 5, 0, () -> 0.5).run(MethodSimulation.Listener.none());
                float[] global = q.values();
                assertNotEquals(bits(base).length == 0 ? 0 : java.util.Arrays.hashCode(bits(base)),
                        java.util.Arrays.hashCode(bits(global)), "the model moved");
                long passes = m.replay(ScopedViews.of(fresh), pool);
                assertArrayEquals(bits(global), bits(fresh.values()), spec.describe());
                if (spec.poolSize() > 0) {
                    assertTrue(passes <= spec.poolSize(), "FedKSeed rebuilds with at most K passes, got " + passes);
                    assertTrue(passes > 0);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("specs")
    void countedCostsFollowTheClosedForms(MethodSpec spec) throws IOException {
        try (LabelQuadratic q = new LabelQuadratic(4)) {
            MethodContext<double[]> ctx = q.context(pool, 2);
            long n = q.parameters().size();
            long n1 = q.block1().size();
            long n2 = q.block2().size();
            int s = ctx.localSteps();
            try (FederatedMethod<double[]> m = spec.create(ctx)) {
                MethodSimulation.Result r = new MethodSimulation<>(m, ctx, 3, 0, () -> 0.5).run(MethodSimulation.Listener.none());
                for (CostRecord c : r.clientCosts()) {
                    int b = Math.min(ctx.batchSize(), ctx.shards().get(c.client()).size());
                    long f1 = 3 * n1 * b + 7;
                    long f2 = 3 * n2 * b + 1;
                    int p = spec.p();
                    int p2 = spec.p2();
                    long flops = switch (spec.kind()) {
                        case FEDSPZO -> s * 2L * p * (f1 + (long) p2 * f2);
                        case FEDSPZO_DECOUPLED -> s * (f1 + 2L * p * (f1 + f2) + 2L * p2 * f2);
                        default -> s * 2L * p * (f1 + f2);
                    };
                    assertEquals(flops, c.forwardFlops(), spec.describe() + " client " + c.client());
                    long localDraws = switch (spec.kind()) {
                        case FEDSPZO -> s * (3L * p * n1 + 2L * p * p2 * n2 + (long) p2 * n2);
                        case FEDSPZO_DECOUPLED -> s * (3L * p * n1 + 3L * p2 * n2);
                        default -> s * 3L * p * n;
                    };
                    long syncDraws = c.syncPasses() * n;
                    if (spec.kind().isFedSpzo()) {
                        // shared-seed sync replays P1 block-1 and P2 block-2 updates per missed step
                        syncDraws = c.syncPasses() / (p + p2) * (p * n1 + p2 * n2);
                    }
                    assertEquals(localDraws + syncDraws, c.generatorDraws(), spec.describe());
                    int scalars = s * (spec.kind() == MethodKind.FEDSPZO ? p * p2
                            : spec.kind() == MethodKind.FEDSPZO_DECOUPLED ? p + p2 : p);
                    long up = switch (spec.kind()) {
                        case FEDZO -> 34 + 12L * scalars;
                        case FEDKSEED, FEDKSEED_PRO -> 34 + 8L * scalars;
                        default -> 34 + 4L * scalars;
                    };
                    assertEquals(up, c.bytesUp(), spec.describe());
                    assertTrue(c.bytesDown() >= 38, "a plan is at least its 38-byte header");
                    assertTrue(c.stateBytes() >= 4 * n);
                    assertTrue(c.peakHeapBytes() > 0);
                }
                for (CostRecord t : r.roundCosts()) {
                    List<CostRecord> of = r.clientCosts().stream().filter(c -> c.round() == t.round()).toList();
                    assertEquals(ctx.perRound(), of.size());
                    assertEquals(of.stream().mapToLong(CostRecord::forwardFlops).sum(), t.forwardFlops());
                    assertEquals(of.stream().mapToLong(CostRecord::bytesDown).sum(), t.bytesDown());
                }
                assertEquals(r.roundCosts().stream().mapToLong(CostRecord::forwardFlops).sum(), r.last().forwardFlops());
            }
        }
    }

    /** Drives one round by hand; returns the decoded uploads by client. */
    private static List<MethodMessages.DirectionUpload> round(FederatedMethod<double[]> m, MethodContext<double[]> ctx,
                                                               int r, boolean pooled) throws ProtocolException, IOException {
        int[] chosen = Server.select(ctx.clients(), ctx.perRound(), FederationSeeds.selection(ctx.runSeed(), r));
        m.startRound(r, FederationSeeds.round(ctx.runSeed(), r), ctx.schedule().at(r - 1), chosen);
        List<MethodMessages.DirectionUpload> ups = new ArrayList<>();
        for (int c : chosen) {
            byte[] up = m.runClient(c, m.plan(c), new CostMeter());
            ups.add(MethodMessages.decodeUpload(up, pooled));
            m.accept(up);
        }
        m.finishRound();
        return ups;
    }

    @Test
    void fedZoRoundIsTheFedAvgOfTheClientsLocalModels() throws IOException {
        try (LabelQuadratic q = new LabelQuadratic(7)) {
            MethodContext<double[]> ctx = q.context(pool, 3);
            MethodSpec spec = MethodSpec.of(MethodKind.FEDZO, 2, 1, EPS);
            try (FederatedMethod<double[]> m = spec.create(ctx)) {
                float[] start = q.values();
                List<MethodMessages.DirectionUpload> ups = round(m, ctx, 1, false);
                float[] global = q.values();
                // Direct recomputation: each client's S local MeZO steps from the start, then the
                // sample-weighted average of the local models.
                long roundSeed = FederationSeeds.round(ctx.runSeed(), 1);
                double total = ups.stream().mapToInt(MethodMessages.DirectionUpload::sampleCount).sum();
                double[] avg = new double[start.length];
                MeZo mezo = new MeZo(2, ZoSettings.gaussian(EPS));
                for (MethodMessages.DirectionUpload u : ups) {
                    q.set(start);
                    int[][] picks = BatchSampler.sample(ctx.shards().get(u.client()).size(), ctx.batchSize(), 3,
                            FederationSeeds.batches(roundSeed, u.client()));
                    for (int s = 0; s < 3; s++) {
                        double[] batch = LabelQuadratic.BATCHES.batch(ctx.shards().get(u.client()), picks[s]);
                        long stepSeed = Seeds.step(Seeds.derive(roundSeed, 36, u.client()), s);
                        StepResult r = mezo.step(q, batch, stepSeed, 0.05, pool);
                        for (int j = 0; j < 2; j++) {
                            assertEquals((float) r.projectedGradients()[j], u.scalars()[s * 2 + j], "uploaded scalar");
                        }
                    }
                    float[] local = q.values();
                    for (int i = 0; i < avg.length; i++) {
                        avg[i] += u.sampleCount() / total * local[i];
                    }
                }
                double moved = 0;
                for (int i = 0; i < avg.length; i++) {
                    assertEquals(avg[i], global[i], 2e-6, "parameter " + i);
                    moved = Math.max(moved, Math.abs(global[i] - start[i]));
                }
                assertTrue(moved > 1e-4, "the round moved the model by " + moved);
            }
        }
    }

    @Test
    void decomflRoundAppliesTheAveragedScalarsOfTheSharedDirections() throws IOException {
        try (LabelQuadratic q = new LabelQuadratic(8); LabelQuadratic expect = new LabelQuadratic(8)) {
            MethodContext<double[]> ctx = q.context(pool, 2);
            try (FederatedMethod<double[]> m = MethodSpec.of(MethodKind.DECOMFL, 3, 1, EPS).create(ctx)) {
                int[] chosen = Server.select(ctx.clients(), ctx.perRound(), FederationSeeds.selection(ctx.runSeed(), 1));
                long roundSeed = FederationSeeds.round(ctx.runSeed(), 1);
                m.startRound(1, roundSeed, 0.05, chosen);
                float[] start = q.values();
                // Each client's scalars, recomputed from the start model with the shared step seeds.
                MeZo mezo = new MeZo(3, ZoSettings.gaussian(EPS));
                double[][] weighted = new double[2][3];
                double total = 0;
                for (int c : chosen) {
                    total += ctx.shards().get(c).size();
                }
                for (int c : chosen) {
                    m.accept(m.runClient(c, m.plan(c), new CostMeter()));
                    expect.set(start);
                    int[][] picks = BatchSampler.sample(ctx.shards().get(c).size(), 4, 2, FederationSeeds.batches(roundSeed, c));
                    for (int s = 0; s < 2; s++) {
                        StepResult r = mezo.step(expect, LabelQuadratic.BATCHES.batch(ctx.shards().get(c), picks[s]),
                                Seeds.step(roundSeed, s), 0.05, pool);
                        for (int j = 0; j < 3; j++) {
                            weighted[s][j] += ctx.shards().get(c).size() * (double) (float) r.projectedGradients()[j];
                        }
                    }
                }
                m.finishRound();
                expect.set(start);
                Perturbation pert = new Perturbation(Distribution.GAUSSIAN, pool);
                for (int s = 0; s < 2; s++) {
                    for (int j = 0; j < 3; j++) {
                        float mean = (float) (weighted[s][j] / total);
                        pert.axpy(expect.parameters(), Seeds.direction(Seeds.step(roundSeed, s), dev.zoft.zo.params.Scope.ALL, j),
                                Estimator.coefficient(0.05, mean, 3));
                    }
                }
                assertArrayEquals(bits(expect.values()), bits(q.values()));
            }
        }
    }

    @Test
    void fedKSeedAccumulatesOneScalarPerPoolSeedFromTheUploads() throws IOException {
        try (LabelQuadratic q = new LabelQuadratic(9); LabelQuadratic z = new LabelQuadratic(9)) {
            MethodContext<double[]> ctx = q.context(pool, 2);
            MethodSpec spec = new MethodSpec(MethodKind.FEDKSEED, 2, 1, K, EPS);
            try (FedKSeedMethod<double[]> m = (FedKSeedMethod<double[]>) spec.create(ctx)) {
                float[] base = q.values();
                float[] acc = new float[K];
                Perturbation pert = new Perturbation(Distribution.GAUSSIAN, pool);
                long[] pool_ = m.poolSeeds();
                for (int r = 1; r <= 3; r++) {
                    float[] start = q.values();
                    List<MethodMessages.DirectionUpload> ups = round(m, ctx, r, true);
                    double total = ups.stream().mapToInt(MethodMessages.DirectionUpload::sampleCount).sum();
                    long roundSeed = FederationSeeds.round(ctx.runSeed(), r);
                    for (MethodMessages.DirectionUpload u : ups) {
                        // The first scalar of each client, recomputed from its definition at the round's start.
                        int[][] picks = BatchSampler.sample(ctx.shards().get(u.client()).size(), 4, 2,
                                FederationSeeds.batches(roundSeed, u.client()));
                        double[] batch = LabelQuadratic.BATCHES.batch(ctx.shards().get(u.client()), picks[0]);
                        z.set(new float[start.length]);
                        pert.axpy(z.parameters(), pool_[(int) u.directions()[0]], 1f);
                        float[] dir = z.values();
                        float[] plus = new float[start.length];
                        float[] minus = new float[start.length];
                        for (int i = 0; i < start.length; i++) {
                            plus[i] = start[i] + EPS * dir[i];
                            minus[i] = plus[i] + (-2 * EPS) * dir[i];
                        }
                        double g = (q.lossAt(plus, batch) - q.lossAt(minus, batch)) / (2.0 * EPS);
                        assertEquals((float) g, u.scalars()[0], "client " + u.client() + " round " + r);
                        for (int i = 0; i < u.scalars().length; i++) {
                            int k = (int) u.directions()[i];
                            acc[k] += Estimator.coefficient(0.05, u.sampleCount() / total * u.scalars()[i], 2);
                        }
                    }
                    assertArrayEquals(bits(acc), bits(m.accumulated()), "round " + r);
                }
                // The global model is base + Σ A_k z_k in pool order.
                z.set(base);
                for (int k = 0; k < K; k++) {
                    if (acc[k] != 0) {
                        pert.axpy(z.parameters(), pool_[k], acc[k]);
                    }
                }
                assertArrayEquals(bits(z.values()), bits(q.values()));
            }
        }
    }

    @Test
    void fedKSeedProFavoursSeedsWithLargerPastScalars() {
        float[] abs = new float[8];
        abs[3] = 2f;
        double[] c = FedKSeedMethod.cumulative(abs);
        double p3 = (c[3] - c[2]) / c[7];
        assertEquals(Math.E / (Math.E + 7), p3, 1e-12);
        double[] uniform = FedKSeedMethod.cumulative(new float[8]);
        for (int i = 0; i < 8; i++) {
            assertEquals(i + 1, uniform[i], 0);
        }
    }

    @Test
    void theServerRefusesForgedDuplicateAndStrayUploads() throws IOException {
        try (LabelQuadratic q = new LabelQuadratic(10)) {
            MethodContext<double[]> ctx = q.context(pool, 1);
            for (MethodSpec spec : List.of(MethodSpec.of(MethodKind.FEDZO, 2, 1, EPS), new MethodSpec(MethodKind.FEDKSEED, 2, 1, K, EPS))) {
                boolean pooled = spec.poolSize() > 0;
                try (FederatedMethod<double[]> m = spec.create(ctx)) {
                    int[] chosen = Server.select(6, 3, FederationSeeds.selection(ctx.runSeed(), 1));
                    m.startRound(1, FederationSeeds.round(ctx.runSeed(), 1), 0.05, chosen);
                    byte[] good = m.runClient(chosen[0], m.plan(chosen[0]), new CostMeter());
                    MethodMessages.DirectionUpload u = MethodMessages.decodeUpload(good, pooled);
                    long[] dirs = u.directions().clone();
                    dirs[1] = pooled ? (dirs[1] + 1) % K : dirs[1] ^ 1;
                    byte[] forged = MethodMessages.encode(new MethodMessages.DirectionUpload(u.round(), u.client(),
                            u.sampleCount(), u.steps(), u.perStep(), dirs, u.scalars(), u.meanTrainLoss()), pooled);
                    ProtocolException e = assertThrows(ProtocolException.class, () -> m.accept(forged));
                    assertTrue(e.getMessage().contains("client " + chosen[0]), e.getMessage());
                    m.accept(good);
                    assertThrows(ProtocolException.class, () -> m.accept(good), "duplicate");
                    int stray = 0;
                    while (java.util.Arrays.binarySearch(chosen, stray) >= 0) {
                        stray++;
                    }
                    byte[] strayBytes = MethodMessages.encode(new MethodMessages.DirectionUpload(1, stray,
                            ctx.shards().get(stray).size(), u.steps(), u.perStep(), u.directions(), u.scalars(), 0.1), pooled);
                    assertThrows(ProtocolException.class, () -> m.accept(strayBytes), "not chosen");
                    assertThrows(IllegalStateException.class, m::finishRound, "round incomplete");
                }
            }
        }
    }
}
