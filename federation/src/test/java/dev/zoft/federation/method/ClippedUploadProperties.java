package dev.zoft.federation.method;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.federation.FederationSeeds;
import dev.zoft.federation.Server;
import dev.zoft.federation.cost.CostMeter;
import dev.zoft.federation.protocol.ProtocolCodec;
import dev.zoft.tensor.parallel.WorkerPool;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Scale;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * With {@code clip} set, no method uploads a scalar beyond the bound: what leaves a client (and so
 * what is aggregated and replayed) is the clipped value, as a float.
 */
class ClippedUploadProperties {

    private static WorkerPool pool;

    @BeforeContainer
    static void start() {
        pool = WorkerPool.create(1);
    }

    @AfterContainer
    static void stop() {
        pool.close();
    }

    private static MethodSpec spec(int which, float bound) {
        MethodSpec s = switch (which) {
            case 0 -> MethodSpec.of(MethodKind.FEDZO, 2, 1, 1e-3f);
            case 1 -> MethodSpec.of(MethodKind.DECOMFL, 2, 1, 1e-3f);
            case 2 -> new MethodSpec(MethodKind.FEDKSEED, 2, 1, 16, 1e-3f);
            case 3 -> new MethodSpec(MethodKind.FEDKSEED_PRO, 2, 1, 16, 1e-3f);
            case 4 -> MethodSpec.of(MethodKind.FEDSPZO, 2, 2, 1e-3f);
            default -> MethodSpec.of(MethodKind.FEDSPZO_DECOUPLED, 2, 2, 1e-3f);
        };
        return s.withClip(bound);
    }

    @Property(tries = 30)
    void noUploadedScalarExceedsTheBound(@ForAll @IntRange(min = 0, max = 5) int which,
                                         @ForAll @FloatRange(min = 1e-3f, max = 2f) @Scale(3) float bound,
                                         @ForAll @IntRange(min = 1, max = 50) int seed) throws Exception {
        MethodSpec spec = spec(which, bound);
        boolean shared = spec.kind() == MethodKind.DECOMFL || spec.kind().isFedSpzo();
        boolean pooled = spec.poolSize() > 0;
        int atBound = 0;
        try (LabelQuadratic q = new LabelQuadratic(seed)) {
            MethodContext<double[]> ctx = q.context(pool, 2);
            try (FederatedMethod<double[]> m = spec.create(ctx)) {
                for (int r = 1; r <= 2; r++) {
                    int[] chosen = Server.select(ctx.clients(), ctx.perRound(), FederationSeeds.selection(ctx.runSeed(), r));
                    m.startRound(r, FederationSeeds.round(ctx.runSeed(), r), ctx.schedule().at(r - 1), chosen);
                    for (int c : chosen) {
                        byte[] up = m.runClient(c, m.plan(c), new CostMeter());
                        float[] scalars = shared ? ProtocolCodec.decodeUpload(up).scalars().values()
                                : MethodMessages.decodeUpload(up, pooled).scalars();
                        for (float g : scalars) {
                            atBound += Math.abs(g) == bound ? 1 : 0;
                            assertTrue(Math.abs(g) <= bound, spec.describe() + ": uploaded " + g + " beyond " + bound);
                        }
                        m.accept(up);
                    }
                    m.finishRound();
                }
            }
        }
        assertTrue(spec.describe().contains(" clip=" + bound), spec.describe());
        if (bound <= 0.01f) {
            assertTrue(atBound > 0, spec.describe() + ": a bound this small clips some scalar");
        }
    }
}
