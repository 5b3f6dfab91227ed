package dev.zoft.federation.method;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.zoft.federation.BatchSampler;
import dev.zoft.federation.DirectionCaps;
import dev.zoft.federation.FederationSeeds;
import dev.zoft.federation.Server;
import dev.zoft.federation.WeightedMean;
import dev.zoft.federation.protocol.RoundAggregate;
import dev.zoft.federation.protocol.StepScalars;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.tensor.random.Distribution;
import dev.zoft.zo.data.Dataset;
import dev.zoft.zo.estimate.Estimator;
import dev.zoft.zo.estimate.FedSpzo;
import dev.zoft.zo.estimate.MeZo;
import dev.zoft.zo.estimate.RestoreMode;
import dev.zoft.zo.estimate.Seeds;
import dev.zoft.zo.estimate.ZoSettings;
import dev.zoft.zo.params.Perturbation;
import dev.zoft.zo.params.ScopedViews;
import java.io.IOException;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.constraints.IntRange;

/**
 * With no slow client the protocol is the one before caps, for any seed and estimator: the
 * {@link ProtocolRun} federation (Server, Client, codec) ends at the weights of a from-scratch
 * reference of the uncapped protocol written here (each chosen client steps the estimator from the
 * round's start on its sampled batches, the server takes the sample-weighted mean of every upload,
 * the aggregate's updates apply), bit for bit, and so does the same run with caps that lower nothing.
 */
class UncappedProtocolProperties {

    private static WorkerPool pool;

    @BeforeContainer
    static void start() {
        pool = WorkerPool.create(2);
    }

    @AfterContainer
    static void stop() {
        pool.close();
    }

    static Estimator estimator(int kind, int p1, int p2, RestoreMode mode) {
        ZoSettings z = new ZoSettings(1e-3f, Distribution.GAUSSIAN, mode, ZoSettings.NO_CLIP);
        return switch (kind) {
            case 0 -> new MeZo(p1, z);
            case 1 -> new FedSpzo(p1, p2, FedSpzo.Variant.NESTED, z);
            default -> new FedSpzo(p1, p2, FedSpzo.Variant.DECOUPLED, z);
        };
    }

    /** The uncapped protocol from its definition, on {@code q} (at its base weights). */
    static float[] reference(long seed, Estimator e, LabelQuadratic q) {
        List<Dataset> shards = LabelQuadratic.shards(ProtocolRun.CLIENTS, seed);
        ScopedViews views = ScopedViews.of(q);
        Perturbation apply = new Perturbation(Distribution.GAUSSIAN, pool);
        int k = e.scalarsPerStep();
        for (int r = 1; r <= ProtocolRun.ROUNDS; r++) {
            long roundSeed = FederationSeeds.round(seed, r);
            int[] chosen = Server.select(ProtocolRun.CLIENTS, ProtocolRun.PER_ROUND, FederationSeeds.reselection(seed, r, 0));
            float[] start = q.values();
            float[][] uploads = new float[chosen.length][];
            for (int i = 0; i < chosen.length; i++) {
                Dataset shard = shards.get(chosen[i]);
                int[][] picks = BatchSampler.sample(shard.size(), ProtocolRun.BATCH, ProtocolRun.STEPS,
                        FederationSeeds.batches(roundSeed, chosen[i]));
                uploads[i] = new float[ProtocolRun.STEPS * k];
                for (int s = 0; s < ProtocolRun.STEPS; s++) {
                    double[] g = e.step(q, LabelQuadratic.BATCHES.batch(shard, picks[s]), Seeds.step(roundSeed, s), 0.05, pool)
                            .projectedGradients();
                    for (int j = 0; j < k; j++) {
                        uploads[i][s * k + j] = (float) g[j];
                    }
                }
                q.set(start);
            }
            double total = 0;
            for (int c : chosen) {
                total += shards.get(c).size();
            }
            float[] agg = new float[ProtocolRun.STEPS * k];
            for (int j = 0; j < agg.length; j++) {
                double sum = 0;
                for (int i = 0; i < chosen.length; i++) {
                    sum += (double) shards.get(chosen[i]).size() * uploads[i][j];
                }
                agg[j] = (float) (sum / total);
            }
            apply.applyAll(new RoundAggregate(r, roundSeed, 0.05, StepScalars.of(ProtocolRun.STEPS, k, agg)).updates(e), views);
        }
        return q.values();
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }

    @Property(tries = 25)
    void uncappedRunsAreThePreCapsProtocolBitForBit(@ForAll long seed, @ForAll @IntRange(min = 0, max = 2) int kind,
                                                    @ForAll @IntRange(min = 1, max = 3) int p1,
                                                    @ForAll @IntRange(min = 1, max = 3) int p2,
                                                    @ForAll boolean inPlace) throws IOException {
        RestoreMode mode = inPlace ? RestoreMode.IN_PLACE : RestoreMode.SNAPSHOT;
        long model = seed & 0xFFFF;
        try (LabelQuadratic a = new LabelQuadratic(model); LabelQuadratic b = new LabelQuadratic(model);
             LabelQuadratic c = new LabelQuadratic(model)) {
            float[] want = reference(seed, estimator(kind, p1, p2, mode), a);
            ProtocolRun.fingerprint(seed, estimator(kind, p1, p2, mode), new WeightedMean(), null, null, b, pool);
            assertArrayEquals(bits(want), bits(b.values()), "no caps");
            DirectionCaps loose = new DirectionCaps(p1, p1, p2);
            ProtocolRun.fingerprint(seed, estimator(kind, p1, p2, mode), new WeightedMean(), null, id -> loose, c, pool);
            assertArrayEquals(bits(want), bits(c.values()), "caps at the round's counts");
        }
    }
}
