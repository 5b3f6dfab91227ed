package dev.zoft.federation;

import dev.zoft.federation.aggregate.AggregatorSpec;
import dev.zoft.federation.aggregate.Poisoning;
import dev.zoft.federation.method.DirectionSchedule;
import dev.zoft.federation.privacy.DpSettings;
import dev.zoft.zo.estimate.BlockScales;
import dev.zoft.zo.estimate.Estimator;
import dev.zoft.zo.estimate.LearningRate;
import dev.zoft.zo.estimate.ZoSettings;
import dev.zoft.zo.train.EstimatorSpec;
import dev.zoft.zo.task.ClassifierOptions;
import dev.zoft.zo.task.TrainableSubset;
import java.util.Objects;

/**
 * The settings of a federated simulation. Build one with {@link #builder()} (defaults below).
 *
 * @param clients         N clients, the training set split among them by Dirichlet(α) on labels (default 20)
 * @param alpha           α of the label partition; small = skewed (default 0.5)
 * @param clientsPerRound C clients chosen per round (default 5)
 * @param localSteps      S local ZO steps per client per round (default 2)
 * @param rounds          R rounds (default 20)
 * @param batchSize       examples per local step (default 16)
 * @param estimator       the estimator with ε, the law of z and the restore mode (default nested FedSPZO,
 *                        P1 = 1, P2 = 4, ε = 1e-3, Gaussian, snapshot restore)
 * @param learningRate    η of round 1 (default 1e-4)
 * @param finalLearningRate η reached linearly at round R; NaN keeps η constant (default NaN)
 * @param trainable       the trainable encoder subset (default all)
 * @param splitLayer      FedSPZO's split layer, or {@link ClassifierOptions#AUTO_SPLIT} (default)
 * @param seed            the run seed: partition, client choice, batches and directions derive from it (default 42)
 * @param evalEvery       evaluate dev accuracy every k rounds (and after the last), 0 = only at the end (default 1)
 * @param devSize         evaluate on a stratified subset of this many dev examples, 0 = all (default 0)
 * @param maxTokens       texts truncated at this many tokens (default 64)
 * @param aggregator      how the server combines the uploads (default {@code mean}, FedAvg's weighted mean)
 * @param privacy         DP on the uploaded scalars (local, or central with the mean), or null for none (default none)
 * @param poisoning       simulated attacker clients, or null for none (default none; simulator only)
 * @param clientCaps      slow clients and their direction caps ({@link ClientCaps#none()}: every client runs the
 *                        round's counts, the default); applies to the shared-seed methods (DeComFL, FedSPZO)
 * @param clip            loss-difference clipping: every client's scalar is clamped to {@code [−clip, clip]}
 *                        before it is uploaded ({@link ZoSettings#NO_CLIP}, the default: off)
 * @param scales          FedSPZO's per-block ε and learning-rate factors (default {@link BlockScales#uniform}
 *                        at the estimator's ε, the paper's setting; MeZO accepts only that)
 * @param directions      a per-round schedule of the direction count (FedSPZO: P2; MeZO: P), or null for
 *                        the estimator's constant counts (the default). Its round-1 count must be the
 *                        estimator's; round r runs {@link #estimatorAt}{@code (r)}. The count is a function
 *                        of the round alone, so server and clients derive it without a message carrying it
 */
public record SimulationConfig(int clients, double alpha, int clientsPerRound, int localSteps, int rounds,
                               int batchSize, EstimatorSpec estimator, double learningRate,
                               double finalLearningRate, TrainableSubset trainable, int splitLayer, long seed,
                               int evalEvery, int devSize, int maxTokens, AggregatorSpec aggregator,
                               DpSettings privacy, Poisoning poisoning, ClientCaps clientCaps, float clip,
                               BlockScales scales, DirectionSchedule directions) {

    public SimulationConfig {
        positive(clients, "clients");
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("alpha must be positive and finite, got " + alpha);
        }
        if (clientsPerRound < 1 || clientsPerRound > clients) {
            throw new IllegalArgumentException("clients per round must be in [1, " + clients + "], got " + clientsPerRound);
        }
        positive(localSteps, "local steps");
        positive(rounds, "rounds");
        positive(batchSize, "batch size");
        Objects.requireNonNull(estimator, "estimator");
        if (!(learningRate >= 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be finite and ≥ 0, got " + learningRate);
        }
        if (!Double.isNaN(finalLearningRate) && (!(finalLearningRate >= 0) || !Double.isFinite(finalLearningRate))) {
            throw new IllegalArgumentException("final learning rate must be finite and ≥ 0 (or NaN), got " + finalLearningRate);
        }
        Objects.requireNonNull(trainable, "trainable");
        if (splitLayer < ClassifierOptions.AUTO_SPLIT) {
            throw new IllegalArgumentException("split layer must be ≥ 0 or AUTO_SPLIT, got " + splitLayer);
        }
        if (evalEvery < 0 || devSize < 0) {
            throw new IllegalArgumentException("evalEvery and devSize must be ≥ 0, got " + evalEvery + ", " + devSize);
        }
        if (maxTokens < 2) {
            throw new IllegalArgumentException("max tokens must be at least 2, got " + maxTokens);
        }
        Objects.requireNonNull(aggregator, "aggregator");
        if (privacy != null && privacy.mode() == DpSettings.Mode.CENTRAL && !aggregator.equals(AggregatorSpec.mean())) {
            throw new IllegalArgumentException("central DP noises the mean of the clipped uploads; it does not combine with the "
                    + aggregator.format() + " aggregator (use local DP, or the mean)");
        }
        Objects.requireNonNull(clientCaps, "clientCaps (ClientCaps.none() for none)");
        if (clientCaps != ClientCaps.none() && privacy != null && privacy.mode() == DpSettings.Mode.CENTRAL) {
            throw new IllegalArgumentException("central DP divides by every upload, so capped clients' uncovered scalars would"
                    + " shrink the mean; use local DP with slow clients (" + clientCaps.describe() + ")");
        }
        Objects.requireNonNull(scales, "scales (BlockScales.uniform(epsilon) for none)");
        estimator.create(clip, scales); // the estimator's own checks of the bound and of per-block scales on MeZO
        if (directions != null) {
            int first = scheduled(estimator);
            if (directions.at(1) != first) {
                throw new IllegalArgumentException("the direction schedule's round-1 count " + directions.at(1) + " differs from "
                        + (estimator.method() == EstimatorSpec.Method.MEZO ? "P = " : "P2 = ") + first);
            }
            withCount(estimator, directions.max()); // the largest count within the estimator's cap
        }
    }

    /** The count a schedule replaces: MeZO's P, FedSPZO's P2. */
    private static int scheduled(EstimatorSpec e) {
        return e.method() == EstimatorSpec.Method.MEZO ? e.p1() : e.p2();
    }

    /** {@code e} with its scheduled count set to {@code count}. */
    private static EstimatorSpec withCount(EstimatorSpec e, int count) {
        return e.method() == EstimatorSpec.Method.MEZO
                ? new EstimatorSpec(e.method(), count, 1, e.epsilon(), e.distribution(), e.restore())
                : new EstimatorSpec(e.method(), e.p1(), count, e.epsilon(), e.distribution(), e.restore());
    }

    /** As before the knobs beyond the paper existed: no clipping, uniform block scales. */
    public SimulationConfig(int clients, double alpha, int clientsPerRound, int localSteps, int rounds,
                            int batchSize, EstimatorSpec estimator, double learningRate,
                            double finalLearningRate, TrainableSubset trainable, int splitLayer, long seed,
                            int evalEvery, int devSize, int maxTokens, AggregatorSpec aggregator,
                            DpSettings privacy, Poisoning poisoning, ClientCaps clientCaps) {
        this(clients, alpha, clientsPerRound, localSteps, rounds, batchSize, estimator, learningRate, finalLearningRate,
                trainable, splitLayer, seed, evalEvery, devSize, maxTokens, aggregator, privacy, poisoning, clientCaps,
                ZoSettings.NO_CLIP, BlockScales.uniform(Objects.requireNonNull(estimator, "estimator").epsilon()), null);
    }

    /** As before slow clients existed: nobody capped. */
    public SimulationConfig(int clients, double alpha, int clientsPerRound, int localSteps, int rounds,
                            int batchSize, EstimatorSpec estimator, double learningRate,
                            double finalLearningRate, TrainableSubset trainable, int splitLayer, long seed,
                            int evalEvery, int devSize, int maxTokens, AggregatorSpec aggregator,
                            DpSettings privacy, Poisoning poisoning) {
        this(clients, alpha, clientsPerRound, localSteps, rounds, batchSize, estimator, learningRate, finalLearningRate,
                trainable, splitLayer, seed, evalEvery, devSize, maxTokens, aggregator, privacy, poisoning, ClientCaps.none());
    }

    /** A new estimator of round 1: {@link #estimator} with {@link #clip} and {@link #scales}. */
    public Estimator createEstimator() {
        return estimator.create(clip, scales);
    }

    /** The estimator spec of round {@code round}: {@link #estimator} with the count {@link #directions} gives it. */
    public EstimatorSpec estimatorAt(int round) {
        return directions == null ? estimator : withCount(estimator, directions.at(round));
    }

    /** A new estimator of round {@code round}, with {@link #clip} and {@link #scales}. */
    public Estimator createEstimator(int round) {
        return estimatorAt(round).create(clip, scales);
    }

    /**
     * The estimator as the seed log header and the networked status record it: its description
     * followed by the knobs that differ from their defaults ({@link EstimatorSpec#describe(float, BlockScales)})
     * and the direction schedule if any (e.g. {@code p2-schedule=2@1;8@20}).
     */
    public String describeEstimator() {
        return estimator.describe(clip, scales) + (directions == null ? ""
                : (estimator.method() == EstimatorSpec.Method.MEZO ? " p-schedule=" : " p2-schedule=") + directions.describe());
    }

    private static void positive(int v, String what) {
        if (v < 1) {
            throw new IllegalArgumentException(what + " must be ≥ 1, got " + v);
        }
    }

    /** η per round: constant, or linear from {@link #learningRate} at round 1 to {@link #finalLearningRate} at round R. */
    public LearningRate schedule() {
        if (Double.isNaN(finalLearningRate) || rounds == 1) {
            return LearningRate.constant(learningRate);
        }
        return LearningRate.linearDecay(learningRate, finalLearningRate, rounds - 1);
    }

    /** The classifier options this run needs: the sentiment task with this subset, split and length. */
    public ClassifierOptions classifierOptions() {
        return ClassifierOptions.defaults().withTrainable(trainable).withSplitLayer(splitLayer).withMaxTokens(maxTokens);
    }

    /** Whether dev accuracy is measured after round {@code round}. */
    public boolean evaluatesAfter(int round) {
        return round == rounds || (evalEvery > 0 && round % evalEvery == 0);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.clients = clients;
        b.alpha = alpha;
        b.clientsPerRound = clientsPerRound;
        b.localSteps = localSteps;
        b.rounds = rounds;
        b.batchSize = batchSize;
        b.estimator = estimator;
        b.learningRate = learningRate;
        b.finalLearningRate = finalLearningRate;
        b.trainable = trainable;
        b.splitLayer = splitLayer;
        b.seed = seed;
        b.evalEvery = evalEvery;
        b.devSize = devSize;
        b.maxTokens = maxTokens;
        b.aggregator = aggregator;
        b.privacy = privacy;
        b.poisoning = poisoning;
        b.clientCaps = clientCaps;
        b.clip = clip;
        // Uniform scales follow the estimator's ε if the builder changes it; explicit ones stay.
        b.scales = scales.isUniform(estimator.epsilon()) ? null : scales;
        b.directions = directions;
        return b;
    }

    /** Mutable builder; {@link #build} validates. */
    public static final class Builder {
        private int clients = 20;
        private double alpha = 0.5;
        private int clientsPerRound = 5;
        private int localSteps = 2;
        private int rounds = 20;
        private int batchSize = 16;
        private EstimatorSpec estimator = EstimatorSpec.fedSpzo(1, 4, 1e-3f);
        private double learningRate = 1e-4;
        private double finalLearningRate = Double.NaN;
        private TrainableSubset trainable = TrainableSubset.all();
        private int splitLayer = ClassifierOptions.AUTO_SPLIT;
        private long seed = 42;
        private int evalEvery = 1;
        private int devSize = 0;
        private int maxTokens = 64;
        private AggregatorSpec aggregator = AggregatorSpec.mean();
        private DpSettings privacy;
        private Poisoning poisoning;
        private ClientCaps clientCaps = ClientCaps.none();
        private float clip = ZoSettings.NO_CLIP;
        private BlockScales scales;
        private DirectionSchedule directions;

        private Builder() {
        }

        public Builder clients(int n) { clients = n; return this; }
        public Builder alpha(double a) { alpha = a; return this; }
        public Builder clientsPerRound(int c) { clientsPerRound = c; return this; }
        public Builder localSteps(int s) { localSteps = s; return this; }
        public Builder rounds(int r) { rounds = r; return this; }
        public Builder batchSize(int b) { batchSize = b; return this; }
        public Builder estimator(EstimatorSpec e) { estimator = e; return this; }
        public Builder learningRate(double lr) { learningRate = lr; return this; }
        public Builder finalLearningRate(double lr) { finalLearningRate = lr; return this; }
        public Builder trainable(TrainableSubset t) { trainable = t; return this; }
        public Builder splitLayer(int l) { splitLayer = l; return this; }
        public Builder seed(long s) { seed = s; return this; }
        public Builder evalEvery(int k) { evalEvery = k; return this; }
        public Builder devSize(int n) { devSize = n; return this; }
        public Builder maxTokens(int n) { maxTokens = n; return this; }
        public Builder aggregator(AggregatorSpec a) { aggregator = a; return this; }
        /** Local DP on the uploads, or null for none. */
        public Builder privacy(DpSettings p) { privacy = p; return this; }
        /** Simulated attackers, or null for none. */
        public Builder poisoning(Poisoning p) { poisoning = p; return this; }
        /** Slow clients and their direction caps ({@link ClientCaps#none()} for none). */
        public Builder clientCaps(ClientCaps c) { clientCaps = c; return this; }
        /** The bound on every scalar ({@link ZoSettings#NO_CLIP}, the default, for none). */
        public Builder clip(float bound) { clip = bound; return this; }
        /** FedSPZO's per-block ε and learning-rate factors, or null for uniform at the estimator's ε (the default). */
        public Builder scales(BlockScales s) { scales = s; return this; }
        /**
         * A per-round schedule of P2 (FedSPZO) or P (MeZO), or null for constant counts (the default).
         * At {@link #build} the estimator's scheduled count becomes the schedule's round-1 count.
         */
        public Builder directions(DirectionSchedule d) { directions = d; return this; }

        public SimulationConfig build() {
            EstimatorSpec first = directions == null || estimator == null ? estimator : withCount(estimator, directions.at(1));
            return new SimulationConfig(clients, alpha, clientsPerRound, localSteps, rounds, batchSize, first,
                    learningRate, finalLearningRate, trainable, splitLayer, seed, evalEvery, devSize, maxTokens, aggregator,
                    privacy, poisoning, clientCaps, clip, scales == null ? BlockScales.uniform(estimator.epsilon()) : scales,
                    directions);
        }
    }
}
