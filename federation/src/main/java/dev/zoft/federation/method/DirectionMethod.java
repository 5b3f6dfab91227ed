package dev.zoft.federation.method;

import dev.zoft.federation.cost.CostMeter;
import dev.zoft.federation.protocol.ProtocolException;
import dev.zoft.zo.SplitObjective;
import dev.zoft.zo.estimate.RestoreMode;
import dev.zoft.zo.estimate.ZoSettings;
import dev.zoft.zo.params.Perturbation;
import dev.zoft.zo.params.ScopedViews;
import dev.zoft.zo.params.Snapshot;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the baselines whose clients pick their own directions (FedZO, FedKSeed) share: the open round,
 * upload validation, sample-count weights, the simulated model's round-start snapshot, and an SPSA
 * step over explicit direction seeds.
 */
abstract class DirectionMethod<B> implements FederatedMethod<B> {

    /** Seed domains of these methods (FederationSeeds uses 32–35). */
    static final long CLIENT_DOMAIN = 36;
    static final long POOL_DOMAIN = 37;
    static final long SAMPLING_DOMAIN = 38;

    final MethodSpec spec;
    final MethodContext<B> context;
    final ScopedViews views;
    final Perturbation perturbation;
    final float epsilon;
    /** ε, the law of z and the clipping bound of the SPSA steps (the same rule as the estimators'). */
    private final ZoSettings settings;
    private final boolean pooled;
    private Snapshot roundStart;
    private Snapshot stepSnapshot;

    int openRound;
    long roundSeed;
    double learningRate;
    int[] chosen;
    final TreeMap<Integer, MethodMessages.DirectionUpload> uploads = new TreeMap<>();
    /** For every client, the last round it has been sent (0 = none). */
    final int[] sentThrough;
    int completed;

    DirectionMethod(MethodSpec spec, MethodContext<B> context, boolean pooled) {
        this.spec = spec;
        this.context = context;
        this.views = ScopedViews.of(context.objective());
        this.perturbation = new Perturbation(spec.estimator().distribution(), context.pool());
        this.epsilon = spec.epsilon();
        this.settings = new ZoSettings(epsilon, perturbation.distribution(), RestoreMode.SNAPSHOT, spec.clip());
        this.pooled = pooled;
        this.sentThrough = new int[context.clients()];
    }

    @Override
    public MethodSpec spec() {
        return spec;
    }

    @Override
    public int completedRounds() {
        return completed;
    }

    @Override
    public void startRound(int round, long seed, double lr, int[] clients) {
        if (openRound != 0) {
            throw new IllegalStateException("round " + openRound + " is still open");
        }
        if (round != completed + 1) {
            throw new IllegalArgumentException("round " + round + " after " + completed + " completed rounds");
        }
        this.openRound = round;
        this.roundSeed = seed;
        this.learningRate = lr;
        this.chosen = clients.clone();
        uploads.clear();
    }

    MethodMessages.Header header() {
        return new MethodMessages.Header(openRound, roundSeed, context.localSteps(), context.batchSize(), learningRate);
    }

    void requireChosen(int client) {
        if (openRound == 0 || Arrays.binarySearch(chosen, client) < 0) {
            throw new IllegalArgumentException("client " + client + " is not part of the open round " + openRound);
        }
    }

    /** Remembers the shared model's weights as the round's start (simulation: clients share one model). */
    void markRoundStart() {
        if (roundStart == null) {
            roundStart = Snapshot.capture(views.all(), context.pool());
        } else {
            roundStart.recapture();
        }
    }

    /** Puts the shared model back to the round's start, bit for bit (one copy pass, counted). */
    void returnToRoundStart(CostMeter meter) {
        roundStart.restore();
        meter.restore(views.all().size(), false);
    }

    /** Off-heap bytes of one copy of the trainable parameters. */
    long modelCopyBytes() {
        return 4 * views.all().size();
    }

    @Override
    public Accepted accept(byte[] bytes) throws ProtocolException {
        MethodMessages.DirectionUpload u = MethodMessages.decodeUpload(bytes, pooled);
        if (openRound == 0 || u.round() != openRound) {
            throw new ProtocolException("upload from client " + u.client() + " for round " + u.round()
                    + ", the open round is " + openRound);
        }
        if (Arrays.binarySearch(chosen, u.client()) < 0) {
            throw new ProtocolException("client " + u.client() + " was not chosen for round " + openRound);
        }
        if (uploads.containsKey(u.client())) {
            throw new ProtocolException("client " + u.client() + " already uploaded for round " + openRound);
        }
        int perStep = spec.directionsAt(openRound);
        if (u.steps() != context.localSteps() || u.perStep() != perStep) {
            throw new ProtocolException("client " + u.client() + " uploaded " + u.steps() + " × " + u.perStep()
                    + " pairs, round " + openRound + " expects " + context.localSteps() + " × " + perStep);
        }
        if (u.sampleCount() != context.shards().get(u.client()).size()) {
            throw new ProtocolException("client " + u.client() + " claims " + u.sampleCount() + " examples, it holds "
                    + context.shards().get(u.client()).size());
        }
        validateDirections(u);
        uploads.put(u.client(), u);
        return new Accepted(u.client(), u.sampleCount(), u.meanTrainLoss());
    }

    /** Method-specific checks of an upload's directions. */
    abstract void validateDirections(MethodMessages.DirectionUpload u) throws ProtocolException;

    /** The uploads of the open round in client order, all chosen clients present. */
    List<MethodMessages.DirectionUpload> closeUploads() {
        if (openRound == 0) {
            throw new IllegalStateException("no round is open");
        }
        if (uploads.size() != chosen.length) {
            throw new IllegalStateException("round " + openRound + " has " + uploads.size() + " of " + chosen.length + " uploads");
        }
        return List.copyOf(uploads.values());
    }

    /** Weight n_c / Σ n of each upload (FedAvg), in order. */
    static double[] weights(List<MethodMessages.DirectionUpload> ups) {
        double total = 0;
        for (MethodMessages.DirectionUpload u : ups) {
            total += u.sampleCount();
        }
        double[] w = new double[ups.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = ups.get(i).sampleCount() / total;
        }
        return w;
    }

    /**
     * One SPSA step over the directions {@code seeds} (all trainable parameters), central differences,
     * exact restores from a snapshot: {@code g_p = (L(θ + εz_p) − L(θ − εz_p)) / 2ε} (clamped to
     * {@code [−clip, clip]} when the spec clips), then
     * {@code θ += coefficient(η, g_p, P)·z_p} for p in order (the same arithmetic as MeZO's updates).
     *
     * @return the P scalars g_p and, appended, the mean of the 2P losses
     */
    double[] spsaStep(B batch, long[] seeds, double lr, CostMeter meter) {
        SplitObjective<B> objective = context.objective();
        long n = views.all().size();
        if (stepSnapshot == null) {
            stepSnapshot = Snapshot.capture(views.all(), context.pool());
        } else {
            stepSnapshot.recapture();
        }
        int p = seeds.length;
        double[] out = new double[p + 1];
        double lossSum = 0;
        for (int i = 0; i < p; i++) {
            perturbation.axpy(views.all(), seeds[i], epsilon);
            meter.perturb(n);
            double plus = objective.loss(batch);
            perturbation.axpy(views.all(), seeds[i], -2 * epsilon);
            meter.perturb(n);
            double minus = objective.loss(batch);
            stepSnapshot.restore();
            meter.restore(n, false);
            if (!Double.isFinite(plus) || !Double.isFinite(minus)) {
                throw new IllegalStateException("the loss is not finite (" + plus + ", " + minus
                        + "); perturbation undone, no update applied (lower ε or the learning rate)");
            }
            out[i] = settings.clip((plus - minus) / (2.0 * epsilon));
            lossSum += plus + minus;
        }
        for (int i = 0; i < p; i++) {
            float c = dev.zoft.zo.estimate.Estimator.coefficient(lr, out[i], p);
            perturbation.axpy(views.all(), seeds[i], c);
            meter.update(n);
        }
        out[p] = lossSum / (2 * p);
        return out;
    }

    @Override
    public void close() {
        if (roundStart != null) {
            roundStart.close();
        }
        if (stepSnapshot != null) {
            stepSnapshot.close();
        }
    }

    @Override
    public String toString() {
        return spec.describe();
    }

    static <T> T nonNull(T t, String what) {
        return Objects.requireNonNull(t, what);
    }
}
