package dev.zoft.federation.method;

import dev.zoft.federation.BatchSampler;
import dev.zoft.federation.FederationSeeds;
import dev.zoft.federation.cost.CostMeter;
import dev.zoft.federation.protocol.ProtocolException;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.zo.estimate.Estimator;
import dev.zoft.zo.estimate.Seeds;
import dev.zoft.zo.params.Perturbation;
import dev.zoft.zo.params.ScopedViews;
import dev.zoft.zo.params.Snapshot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * FedKSeed and FedKSeed-Pro (Qin et al., "Federated Full-Parameter Tuning of Billion-Sized Language
 * Models with Communication Cost under 18 Kilobytes", ICML 2024, arXiv 2312.06353).
 *
 * <p>A pool of K seeds {@code s_k = derive(runSeed, 37, k)}. Each local step samples P pool indices
 * (with replacement, from {@code SplittableRandom(derive(roundSeed, 38, client))}): uniformly, or
 * for Pro with probability {@code ∝ exp(ψ'_k)}, ψ'_k the pool's mean |scalar| per seed min–max
 * normalised to [0, 1] (the paper's form; uniform while all ψ are equal); runs SPSA on those
 * directions and updates its model locally; uploads S·P (index, scalar) pairs. The server keeps one
 * float accumulated scalar per seed, {@code A_k += coefficient(η, w_c·g, P)} over clients (id order),
 * steps and directions, and for Pro the running mean |g| per seed. The global model is, by definition,
 * <b>the base model plus {@code A_k·z(s_k)} for every k with {@code A_k ≠ 0}, in k order</b>: a client
 * rebuilds it from the base with at most K passes, whatever it missed, and that is also the replay
 * of the log. Plans carry only the pool entries changed since the client's last plan.
 *
 * <p>Departures: P directions per step (the paper uses one; P = 1 is the paper's setting); FedAvg
 * weights by sample count; the client keeps a copy of the base weights to rebuild from (the paper's
 * clients hold the pretrained model too).
 */
final class FedKSeedMethod<B> extends DirectionMethod<B> {

    private final boolean pro;
    private final int k;
    private final long[] poolSeeds;
    private final float[] accumulated;
    private final float[] meanAbs;
    private final double[] absSum;
    private final long[] absCount;
    /** The round in which each entry last changed (0 = never). */
    private final int[] changedIn;
    private final Snapshot base;
    /** Each client's copy of the pool state, as its plans built it. */
    private final float[][] clientAccumulated;
    private final float[][] clientMeanAbs;
    private final boolean[] participated;
    /** Per round, the entries that changed and their new values: the log. */
    private final List<int[]> logIndices = new ArrayList<>();
    private final List<float[]> logValues = new ArrayList<>();

    FedKSeedMethod(MethodSpec spec, MethodContext<B> context) {
        super(spec, context, true);
        this.pro = spec.kind() == MethodKind.FEDKSEED_PRO;
        this.k = spec.poolSize();
        this.poolSeeds = new long[k];
        for (int i = 0; i < k; i++) {
            poolSeeds[i] = Seeds.derive(context.runSeed(), POOL_DOMAIN, i);
        }
        this.accumulated = new float[k];
        this.meanAbs = new float[k];
        this.absSum = new double[k];
        this.absCount = new long[k];
        this.changedIn = new int[k];
        this.base = Snapshot.capture(views.all(), context.pool());
        this.clientAccumulated = new float[context.clients()][];
        this.clientMeanAbs = new float[context.clients()][];
        this.participated = new boolean[context.clients()];
    }

    /** The pool's seeds. */
    long[] poolSeeds() {
        return poolSeeds.clone();
    }

    /** The server's accumulated scalar per seed. */
    float[] accumulated() {
        return accumulated.clone();
    }

    @Override
    public byte[] plan(int client) {
        requireChosen(client);
        int since = sentThrough[client];
        int m = 0;
        for (int i = 0; i < k; i++) {
            if (changedIn[i] > since) {
                m++;
            }
        }
        int[] idx = new int[m];
        float[] acc = new float[m];
        float[] abs = pro ? new float[m] : null;
        int j = 0;
        for (int i = 0; i < k; i++) {
            if (changedIn[i] > since) {
                idx[j] = i;
                acc[j] = accumulated[i];
                if (pro) {
                    abs[j] = meanAbs[i];
                }
                j++;
            }
        }
        sentThrough[client] = openRound - 1;
        return MethodMessages.encode(new MethodMessages.PoolPlan(header(), idx, acc, abs));
    }

    @Override
    public byte[] runClient(int client, byte[] planBytes, CostMeter meter) throws ProtocolException {
        MethodMessages.PoolPlan plan = MethodMessages.decodePoolPlan(planBytes, pro, k);
        if (clientAccumulated[client] == null) {
            clientAccumulated[client] = new float[k];
            clientMeanAbs[client] = new float[k];
        }
        float[] acc = clientAccumulated[client];
        float[] abs = clientMeanAbs[client];
        for (int i = 0; i < plan.indices().length; i++) {
            acc[plan.indices()[i]] = plan.accumulated()[i];
            if (pro) {
                abs[plan.indices()[i]] = plan.meanAbs()[i];
            }
        }
        if (!Arrays.equals(acc, accumulated) || (pro && !Arrays.equals(abs, meanAbs))) {
            throw new IllegalStateException("client " + client + "'s pool state differs from the server's after its plan");
        }
        long n = views.all().size();
        // A device rebuilds base + Σ A_k z_k when the pool changed or its own steps moved its model.
        if (plan.indices().length > 0 || participated[client]) {
            for (float a : acc) {
                if (a != 0) {
                    meter.sync(n);
                }
            }
        }
        participated[client] = true;
        MethodMessages.Header h = plan.header();
        int steps = h.localSteps();
        int p = spec.directionsAt(h.round());
        int[][] picks = BatchSampler.sample(context.shards().get(client).size(), h.batchSize(), steps,
                FederationSeeds.batches(h.roundSeed(), client));
        int[][] chosenIdx = sample(h.roundSeed(), client, steps, p, abs);
        long[] dirs = new long[steps * p];
        float[] scalars = new float[steps * p];
        double lossSum = 0;
        markRoundStart();
        try {
            for (int s = 0; s < steps; s++) {
                B batch = context.batches().batch(context.shards().get(client), picks[s]);
                long[] seeds = new long[p];
                for (int j = 0; j < p; j++) {
                    seeds[j] = poolSeeds[chosenIdx[s][j]];
                    dirs[s * p + j] = chosenIdx[s][j];
                }
                double[] g = spsaStep(batch, seeds, h.learningRate(), meter);
                for (int j = 0; j < p; j++) {
                    scalars[s * p + j] = (float) g[j];
                }
                lossSum += g[p];
            }
        } finally {
            returnToRoundStart(meter);
        }
        // base copy + step snapshot + the pool state (K floats, 2K for Pro)
        meter.state(2 * modelCopyBytes() + 4L * k * (pro ? 2 : 1));
        return MethodMessages.encode(new MethodMessages.DirectionUpload(h.round(), client,
                context.shards().get(client).size(), steps, p, dirs, scalars, lossSum / steps), true);
    }

    /** The pool indices client c uses in the round: uniform, or Pro's probabilities from {@code abs}. */
    int[][] sample(long roundSeed, int client, int steps, int p, float[] abs) {
        SplittableRandom rng = new SplittableRandom(Seeds.derive(roundSeed, SAMPLING_DOMAIN, client));
        double[] cumulative = pro ? cumulative(abs) : null;
        int[][] out = new int[steps][p];
        for (int s = 0; s < steps; s++) {
            for (int j = 0; j < p; j++) {
                if (cumulative == null) {
                    out[s][j] = rng.nextInt(k);
                } else {
                    double u = rng.nextDouble() * cumulative[k - 1];
                    int i = Arrays.binarySearch(cumulative, u);
                    i = i >= 0 ? i + 1 : -i - 1;
                    out[s][j] = Math.min(i, k - 1);
                }
            }
        }
        return out;
    }

    /** Running sums of exp(ψ'_k), ψ' the min–max normalised mean |g| (StrictMath: the same on every JVM). */
    static double[] cumulative(float[] abs) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float a : abs) {
            min = Math.min(min, a);
            max = Math.max(max, a);
        }
        double range = (double) max - min;
        double[] c = new double[abs.length];
        double sum = 0;
        for (int i = 0; i < abs.length; i++) {
            double norm = range > 0 ? (abs[i] - (double) min) / range : 0;
            sum += StrictMath.exp(norm);
            c[i] = sum;
        }
        return c;
    }

    @Override
    void validateDirections(MethodMessages.DirectionUpload u) throws ProtocolException {
        int[][] expected = sample(roundSeed, u.client(), u.steps(), u.perStep(), meanAbs);
        for (int s = 0; s < u.steps(); s++) {
            for (int j = 0; j < u.perStep(); j++) {
                long got = u.directions()[s * u.perStep() + j];
                if (got != expected[s][j]) {
                    throw new ProtocolException("client " + u.client() + " sent pool index " + got + " for step " + s
                            + " direction " + j + ", its sampling gives " + expected[s][j]);
                }
            }
        }
    }

    @Override
    public void finishRound() {
        List<MethodMessages.DirectionUpload> ups = closeUploads();
        double[] w = weights(ups);
        boolean[] touched = new boolean[k];
        for (int c = 0; c < ups.size(); c++) {
            MethodMessages.DirectionUpload u = ups.get(c);
            for (int i = 0; i < u.scalars().length; i++) {
                int idx = (int) u.directions()[i];
                accumulated[idx] += Estimator.coefficient(learningRate, w[c] * u.scalars()[i], u.perStep());
                absSum[idx] += Math.abs((double) u.scalars()[i]);
                absCount[idx]++;
                touched[idx] = true;
            }
        }
        int m = 0;
        for (int i = 0; i < k; i++) {
            if (touched[i]) {
                meanAbs[i] = (float) (absSum[i] / absCount[i]);
                changedIn[i] = openRound;
                m++;
            }
        }
        int[] idx = new int[m];
        float[] val = new float[m];
        int j = 0;
        for (int i = 0; i < k; i++) {
            if (touched[i]) {
                idx[j] = i;
                val[j++] = accumulated[i];
            }
        }
        logIndices.add(idx);
        logValues.add(val);
        base.restore();
        rebuild(accumulated, views, perturbation);
        completed = openRound;
        openRound = 0;
    }

    /** θ += A_k·z(s_k) for every k with A_k ≠ 0, in k order; returns the passes. */
    private long rebuild(float[] acc, ScopedViews target, Perturbation p) {
        long passes = 0;
        for (int i = 0; i < k; i++) {
            if (acc[i] != 0) {
                p.axpy(target.all(), poolSeeds[i], acc[i]);
                passes++;
            }
        }
        return passes;
    }

    @Override
    public long replay(ScopedViews target, WorkerPool pool) {
        float[] acc = new float[k];
        for (int r = 0; r < logIndices.size(); r++) {
            int[] idx = logIndices.get(r);
            float[] val = logValues.get(r);
            for (int i = 0; i < idx.length; i++) {
                acc[idx[i]] = val[i];
            }
        }
        return rebuild(acc, target, new Perturbation(perturbation.distribution(), pool));
    }

    @Override
    public void close() {
        try {
            base.close();
        } finally {
            super.close();
        }
    }
}
