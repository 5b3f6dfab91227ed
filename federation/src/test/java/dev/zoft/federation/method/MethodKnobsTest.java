package dev.zoft.federation.method;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.federation.SyncedModel;
import dev.zoft.federation.cost.CostRecord;
import dev.zoft.federation.protocol.RoundAggregate;
import dev.zoft.federation.protocol.RoundRecord;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.zo.estimate.BlockScales;
import dev.zoft.zo.params.ScopedViews;
import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The knobs beyond the paper in the federated methods: runs with a direction-count schedule (and
 * clipping, and FedSPZO's block scales) replay bit for bit from their logs, a client that missed
 * rounds rebuilds the global model only with each round's own count, and the counted costs follow
 * the schedule round by round.
 */
class MethodKnobsTest {

    static final float EPS = 1e-3f;
    static final int K = 16;
    static final int ROUNDS = 5;
    private static WorkerPool pool;

    @BeforeAll
    static void start() {
        pool = WorkerPool.create(2);
    }

    @AfterAll
    static void stop() {
        pool.close();
    }

    static Stream<MethodSpec> scheduled() {
        return Stream.of(
                MethodSpec.of(MethodKind.DECOMFL, 1, 1, EPS).withSchedule(DirectionSchedule.linear(1, 4, ROUNDS)),
                MethodSpec.of(MethodKind.FEDSPZO, 1, 2, EPS).withSchedule(DirectionSchedule.piecewise(new int[] {1, 3}, new int[] {2, 4}))
                        .withScales(new BlockScales(2e-3f, 5e-4f, 0.5, 2.0)).withClip(30f),
                MethodSpec.of(MethodKind.FEDSPZO_DECOUPLED, 2, 3, EPS).withSchedule(DirectionSchedule.linear(3, 1, ROUNDS)),
                MethodSpec.of(MethodKind.FEDZO, 1, 1, EPS).withSchedule(DirectionSchedule.linear(1, 3, ROUNDS)).withClip(5f),
                new MethodSpec(MethodKind.FEDKSEED, 1, 1, K, EPS)
                        .withSchedule(DirectionSchedule.piecewise(new int[] {1, 2, 4}, new int[] {1, 3, 2})),
                new MethodSpec(MethodKind.FEDKSEED_PRO, 2, 1, K, EPS).withSchedule(DirectionSchedule.linear(2, 1, ROUNDS)));
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }

    @ParameterizedTest
    @MethodSource("scheduled")
    void scheduledRunsReplayBitForBitFromTheirLogs(MethodSpec spec) throws IOException {
        try (LabelQuadratic q = new LabelQuadratic(3); LabelQuadratic fresh = new LabelQuadratic(3)) {
            MethodContext<double[]> ctx = q.context(pool, 2);
            float[] base = q.values();
            try (FederatedMethod<double[]> m = spec.create(ctx)) {
                new MethodSimulation<>(m, ctx, ROUNDS, 0, () -> 0.5).run(MethodSimulation.Listener.none());
                float[] global = q.values();
                assertTrue(!java.util.Arrays.equals(bits(base), bits(global)), "the model moved");
                m.replay(ScopedViews.of(fresh), pool);
                assertArrayEquals(bits(global), bits(fresh.values()), spec.describe());
            }
        }
    }

    @Test
    void aLateClientReplaysEachMissedRoundWithThatRoundsCount() throws IOException {
        MethodSpec spec = MethodSpec.of(MethodKind.FEDSPZO, 1, 1, EPS)
                .withSchedule(DirectionSchedule.linear(1, 4, ROUNDS)).withScales(new BlockScales(3e-3f, 1e-3f, 1.0, 0.5));
        try (LabelQuadratic q = new LabelQuadratic(6); LabelQuadratic late = new LabelQuadratic(6);
             LabelQuadratic wrong = new LabelQuadratic(6)) {
            MethodContext<double[]> ctx = q.context(pool, 2);
            try (SharedSeedMethod<double[]> m = (SharedSeedMethod<double[]>) spec.create(ctx)) {
                new MethodSimulation<>(m, ctx, ROUNDS, 0, () -> 0.5).run(MethodSimulation.Listener.none());
                List<RoundRecord> records = m.log().records();
                List<RoundAggregate> aggregates = records.stream().map(RoundRecord::aggregate).toList();
                for (int r = 1; r <= ROUNDS; r++) {
                    // The log carries each round's own count: P1 · P2(r) scalars per step.
                    assertEquals(spec.p() * spec.directionsAt(r), aggregates.get(r - 1).scalars().perStep(), "round " + r);
                }
                // A device that missed every round rebuilds the global model from the aggregates alone,
                // deriving each round's estimator from the spec and the round index.
                try (SyncedModel<double[]> device = new SyncedModel<>(late, spec::createEstimator, pool)) {
                    assertEquals(ROUNDS, device.catchUp(aggregates));
                }
                assertArrayEquals(bits(q.values()), bits(late.values()));
                // With round 1's estimator for every round the replay is refused, not silently wrong.
                try (SyncedModel<double[]> device = new SyncedModel<>(wrong, spec.createEstimator(1), pool)) {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> device.catchUp(aggregates));
                    assertTrue(e.getMessage().contains("scalars per step"), e.getMessage());
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("scheduled")
    void countedCostsFollowTheScheduleRoundByRound(MethodSpec spec) throws IOException {
        try (LabelQuadratic q = new LabelQuadratic(4)) {
            MethodContext<double[]> ctx = q.context(pool, 2);
            long n1 = q.block1().size();
            long n2 = q.block2().size();
            int s = ctx.localSteps();
            try (FederatedMethod<double[]> m = spec.create(ctx)) {
                MethodSimulation.Result r = new MethodSimulation<>(m, ctx, ROUNDS, 0, () -> 0.5).run(MethodSimulation.Listener.none());
                int[] seen = new int[ROUNDS + 1];
                for (CostRecord c : r.clientCosts()) {
                    int b = Math.min(ctx.batchSize(), ctx.shards().get(c.client()).size());
                    long f1 = 3 * n1 * b + 7;
                    long f2 = 3 * n2 * b + 1;
                    int count = spec.directionsAt(c.round());
                    int p1 = spec.p();
                    long flops = switch (spec.kind()) {
                        case FEDSPZO -> s * 2L * p1 * (f1 + (long) count * f2);
                        case FEDSPZO_DECOUPLED -> s * (f1 + 2L * p1 * (f1 + f2) + 2L * count * f2);
                        default -> s * 2L * count * (f1 + f2);
                    };
                    assertEquals(flops, c.forwardFlops(), spec.describe() + " round " + c.round() + " client " + c.client());
                    int scalars = s * (spec.kind() == MethodKind.FEDSPZO ? p1 * count
                            : spec.kind() == MethodKind.FEDSPZO_DECOUPLED ? p1 + count : count);
                    long up = switch (spec.kind()) {
                        case FEDZO -> 34 + 12L * scalars;
                        case FEDKSEED, FEDKSEED_PRO -> 34 + 8L * scalars;
                        default -> 34 + 4L * scalars;
                    };
                    assertEquals(up, c.bytesUp(), spec.describe() + " round " + c.round());
                    seen[c.round()]++;
                }
                for (int round = 1; round <= ROUNDS; round++) {
                    assertEquals(ctx.perRound(), seen[round], "clients of round " + round);
                }
                assertTrue(!spec.schedule().isConstant());
            }
        }
    }

    @Test
    void onlyTheOpenRoundsEstimatorIsKept() {
        MethodSpec spec = MethodSpec.of(MethodKind.DECOMFL, 1, 1, EPS)
                .withSchedule(DirectionSchedule.piecewise(new int[] {1, 3}, new int[] {1, 2}));
        RoundEstimators e = new RoundEstimators(spec);
        assertTrue(e.apply(1) == e.apply(2), "rounds with the open round's count share its estimator (and its snapshot)");
        assertTrue(e.apply(3) != e.apply(3), "another count: a fresh estimator for its updates, nothing kept");
        assertEquals(2, e.apply(3).scalarsPerStep());
        e.pin(3);
        assertTrue(e.apply(3) == e.apply(4));
        assertTrue(e.apply(1) != e.apply(1));
        assertEquals(1, e.apply(1).scalarsPerStep());
    }
}
