package dev.zoft.federation;

import dev.zoft.federation.aggregate.AggregatorSpec;
import dev.zoft.federation.method.RoundEstimators;
import dev.zoft.federation.privacy.CentralGaussianMean;
import dev.zoft.federation.privacy.DpSettings;
import dev.zoft.federation.privacy.LocalGaussianPrivacy;
import dev.zoft.federation.privacy.PrivacyReport;
import dev.zoft.federation.protocol.ClientUpload;
import dev.zoft.federation.protocol.ProtocolCodec;
import dev.zoft.federation.protocol.RoundPlan;
import dev.zoft.federation.protocol.RoundRecord;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.zo.data.Dataset;
import dev.zoft.zo.data.DatasetSplits;
import dev.zoft.zo.data.DirichletPartition;
import dev.zoft.zo.data.Partition;
import dev.zoft.zo.estimate.Estimator;
import dev.zoft.zo.estimate.Seeds;
import dev.zoft.zo.log.SeedLog;
import dev.zoft.zo.metrics.RoundMetrics;
import dev.zoft.zo.task.EncoderClassifier;
import dev.zoft.zo.task.LabelledBatch;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An in-process federation of simulated devices finetuning one {@link EncoderClassifier} with the
 * seed + scalar protocol (DESIGN.md §1): a {@link Server}, N {@link Client}s holding the shards of a
 * Dirichlet(α) label partition of the training set, and every message passed through its binary
 * form ({@link ProtocolCodec}), so the byte counts are exactly what a network would carry.
 *
 * <p><b>One model.</b> Every simulated client computes with the caller's classifier (memory = one
 * model plus a round-start snapshot of its trainable parameters and the estimator's own step
 * snapshot). Clients run one after the other, each from the round's start model (they restore it
 * exactly when done); after the last upload the server aggregates and the shared model applies the
 * round's aggregate, becoming the new global model. A client's sync then finds the rounds already
 * applied, which is what a device with its own model would compute (the tests check it against
 * independent models).
 *
 * <p>Per round a {@link RoundMetrics} row goes to the listener: cumulative local steps (S per
 * round), forward passes and FLOPs summed over clients (from each step's {@code StepResult}),
 * bytes up and down, the sample-weighted mean of the clients' train losses, dev accuracy when
 * evaluated, wall seconds since {@link #run} started. Row 0 is the zero-shot model.
 *
 * <p><b>Robustness and privacy.</b> The server aggregates with {@link SimulationConfig#aggregator}.
 * With {@link SimulationConfig#privacy} in local mode every client privatizes its uploads on the
 * device ({@link LocalGaussianPrivacy}, its secret seed derived from the run seed in domain
 * {@value #DP_SECRET_DOMAIN} so a run is reproducible) and the round metrics report the clients' true
 * losses (the simulator sees them; the server does not); in central mode the server aggregates with
 * {@link CentralGaussianMean} (its secret from domain {@value #CENTRAL_DP_SECRET_DOMAIN}). Either way
 * the result carries the run's {@link PrivacyReport}. With {@link SimulationConfig#poisoning} the chosen attacker clients
 * replace their uploads before sending them (simulation only). With {@link SimulationConfig#clientCaps}
 * the slow clients run fewer directions ({@link DirectionCaps}) and upload partial scalars, which the
 * server aggregates per coordinate; the round metrics count the forwards they really ran.
 *
 * <p><b>Knobs beyond the paper.</b> Every client and the server use {@link SimulationConfig#createEstimator()}:
 * scalars clipped to {@link SimulationConfig#clip} on the device (so the uploads, the aggregate and the
 * log hold clipped values) and FedSPZO's per-block ε and learning-rate factors
 * ({@link SimulationConfig#scales}), which the round log's updates carry; the seed log header names
 * the knobs that differ from their defaults.
 *
 * <p>Deterministic: the same configuration, data and base model give bit-identical metrics (wall
 * time aside), logs and weights, on any thread count.
 */
public final class FederatedSimulation implements AutoCloseable {

    /** Dev examples per evaluation batch. */
    public static final int EVAL_BATCH = 32;
    /** The seed domain of the simulated clients' secret DP seeds. */
    public static final long DP_SECRET_DOMAIN = 49;
    /** The seed domain of the simulated server's secret seed for central DP. */
    public static final long CENTRAL_DP_SECRET_DOMAIN = 50;

    private final SimulationConfig config;
    private final EncoderClassifier model;
    private final Partition partition;
    private final Dataset train;
    private final Dataset dev;
    private final Estimator estimator;
    private final RoundEstimators roundEstimators;
    private final SyncedModel<LabelledBatch> shared;
    private final RoundLog log;
    private final Server server;
    private final List<Client<LabelledBatch>> clients = new ArrayList<>();
    private final boolean[] attackers;
    private boolean ran;

    /**
     * Sets a simulation up (nothing runs until {@link #run}).
     *
     * @param config        the settings
     * @param model         the classifier at its base weights, built with {@link SimulationConfig#classifierOptions()}'s
     *                      subset, split and token limit; it stays the caller's
     * @param pool          runs the perturbation passes (use the classifier's kernel pool)
     * @param data          the training set (partitioned among the clients) and the dev set
     * @param modelName     the base model's name, for the seed log header
     * @param weightsSha256 SHA-256 of the base weights file, for the seed log header
     * @param logDirectory  where to write the round log as it grows, or null to keep it in memory only
     * @throws IllegalArgumentException if the model's options disagree with the configuration, or the
     *     training set is too small for the clients
     */
    public FederatedSimulation(SimulationConfig config, EncoderClassifier model, WorkerPool pool, DatasetSplits data,
                               String modelName, byte[] weightsSha256, Path logDirectory) throws IOException {
        this.config = Objects.requireNonNull(config, "config");
        this.model = Objects.requireNonNull(model, "model");
        checkModel(config, model);
        this.train = data.train();
        this.dev = config.devSize() == 0 || config.devSize() >= data.dev().size()
                ? data.dev() : data.dev().stratified(config.devSize(), config.seed());
        if (train.numLabels() > model.head().numClasses()) {
            throw new IllegalArgumentException("the training set has " + train.numLabels() + " classes, the classifier "
                    + model.head().numClasses());
        }
        this.partition = partition(config, train);
        RoundEstimators estimators = new RoundEstimators(config::estimatorAt, config::createEstimator);
        this.roundEstimators = estimators;
        this.estimator = estimators.apply(1);
        this.shared = new SyncedModel<>(model, estimators, pool);
        SeedLog.Header header = header(config, model, modelName, weightsSha256);
        this.log = logDirectory == null ? RoundLog.inMemory(header) : RoundLog.create(logDirectory, header);
        this.server = new Server(config.clients(), config.clientsPerRound(), config.localSteps(), config.batchSize(),
                config.schedule(), config.seed(), estimators, aggregator(config), log);
        BatchFactory<LabelledBatch> batches = batchFactory(model);
        for (int c = 0; c < config.clients(); c++) {
            LocalGaussianPrivacy dp = config.privacy() == null || config.privacy().mode() != DpSettings.Mode.LOCAL ? null
                    : new LocalGaussianPrivacy(config.privacy(), Seeds.derive(config.seed(), DP_SECRET_DOMAIN, c));
            DirectionCaps caps = config.clientCaps().of(c);
            if (caps != null) {
                caps.capped(estimator); // refuses an estimator caps do not apply to, before any round runs
            }
            clients.add(new Client<>(c, partition.clientDataset(train, c), batches, shared, dp, caps));
        }
        this.attackers = config.poisoning() == null ? new boolean[config.clients()]
                : config.poisoning().attackers(config.clients(), config.seed());
    }

    /** The configured aggregator, or the central DP mean when central DP is on. */
    private static Aggregator aggregator(SimulationConfig config) {
        if (config.privacy() != null && config.privacy().mode() == DpSettings.Mode.CENTRAL) {
            return new CentralGaussianMean(config.privacy(), Seeds.derive(config.seed(), CENTRAL_DP_SECRET_DOMAIN, 0));
        }
        return config.aggregator().create();
    }

    /** The seed log header's note of a non-default aggregator, DP and poisoning (empty for none). */
    private static String robustnessNote(SimulationConfig config) {
        String note = config.aggregator().equals(AggregatorSpec.mean()) ? "" : " aggregator=" + config.aggregator().format();
        if (config.privacy() != null) {
            note += " dp=" + (config.privacy().mode() == DpSettings.Mode.LOCAL ? "local" : "central") + "-gaussian("
                    + config.privacy().describe() + ")";
        }
        if (config.poisoning() != null) {
            note += " poisoning=" + config.poisoning().format() + "@" + config.poisoning().fraction();
        }
        if (config.clientCaps() != ClientCaps.none()) {
            note += " slow-clients=" + config.clientCaps().describe();
        }
        return note;
    }

    /** Whether simulated client {@code id} is an attacker ({@link SimulationConfig#poisoning}). */
    public boolean isAttacker(int id) {
        return attackers[id];
    }

    /**
     * The seed log header of a run of {@code config} on {@code model}: the base model's identity, the
     * law of z, the trainable subset, split and estimator, the trainable parameter count (a networked
     * server writes the same one).
     */
    public static SeedLog.Header header(SimulationConfig config, EncoderClassifier model, String modelName,
                                        byte[] weightsSha256) {
        return new SeedLog.Header(modelName, weightsSha256, config.estimator().settings().distribution(),
                "subset=" + config.trainable().spec() + " split=" + model.splitLayer() + " estimator=" + config.describeEstimator()
                        + robustnessNote(config),
                model.parameters().size());
    }

    /** The Dirichlet(α) label partition the configuration gives {@code train}: every client gets at least one example. */
    public static Partition partition(SimulationConfig config, Dataset train) {
        if (train.size() < config.clients()) {
            throw new IllegalArgumentException("cannot split " + train.size() + " training examples among "
                    + config.clients() + " clients");
        }
        return DirichletPartition.of(config.clients(), config.alpha()).split(train, FederationSeeds.partition(config.seed()));
    }

    /** Batches of a dataset's examples encoded by {@code model}'s tokenizer settings. */
    public static BatchFactory<LabelledBatch> batchFactory(EncoderClassifier model) {
        return (data, indices) -> {
            List<String> texts = new ArrayList<>(indices.length);
            int[] labels = new int[indices.length];
            for (int i = 0; i < indices.length; i++) {
                texts.add(data.text(indices[i]));
                labels[i] = data.label(indices[i]);
            }
            return model.encode(texts, labels);
        };
    }

    private static void checkModel(SimulationConfig config, EncoderClassifier model) {
        var want = config.classifierOptions();
        var have = model.options();
        if (!want.trainable().equals(have.trainable()) || want.maxTokens() != have.maxTokens()
                || want.splitLayer() != have.splitLayer()) {
            throw new IllegalArgumentException("the classifier was built with subset " + have.trainable().spec() + ", split "
                    + have.splitLayer() + ", " + have.maxTokens() + " tokens; the configuration asks for "
                    + want.trainable().spec() + ", split " + want.splitLayer() + ", " + want.maxTokens() + " tokens");
        }
    }

    public SimulationConfig config() {
        return config;
    }

    public Partition partition() {
        return partition;
    }

    /** The dev examples evaluated (the whole dev set or its stratified subset). */
    public Dataset devSet() {
        return dev;
    }

    public Estimator estimator() {
        return estimator;
    }

    public Server server() {
        return server;
    }

    /** The round log (in memory; on disk too when a directory was given). */
    public RoundLog log() {
        return log;
    }

    /** The simulated clients, by id. */
    public List<Client<LabelledBatch>> clients() {
        return List.copyOf(clients);
    }

    /** Runs every round; the classifier ends at the final global model. */
    public SimulationResult run(RoundListener listener) throws IOException {
        if (ran) {
            throw new IllegalStateException("a simulation runs once");
        }
        ran = true;
        long start = System.nanoTime();
        List<LabelledBatch> devBatches = model.batches(dev.texts(), dev.labelArray(), EVAL_BATCH);
        List<RoundMetrics> rows = new ArrayList<>();
        double zeroShot = model.evaluate(devBatches).accuracy();
        emit(listener, rows, new RoundMetrics(0, 0, 0, 0, 0, 0, Double.NaN, zeroShot, seconds(start)));
        long steps = 0;
        long passes = 0;
        long flops = 0;
        long up = 0;
        long down = 0;
        double accuracy = zeroShot;
        for (int r = 1; r <= config.rounds(); r++) {
            roundEstimators.pin(r);
            Server.OpenRound open = server.startRound();
            int[] chosen = open.clients();
            double[] losses = new double[chosen.length];
            int[] samples = new int[chosen.length];
            for (int i = 0; i < chosen.length; i++) {
                byte[] planBytes = ProtocolCodec.encode(server.plan(chosen[i]));
                down += planBytes.length;
                RoundPlan plan = ProtocolCodec.decodePlan(planBytes);
                LocalRound local = clients.get(chosen[i]).run(plan);
                ClientUpload sent = attackers[chosen[i]] ? config.poisoning().apply(local.upload(), config.seed()) : local.upload();
                byte[] uploadBytes = ProtocolCodec.encode(sent);
                up += uploadBytes.length;
                ClientUpload upload = ProtocolCodec.decodeUpload(uploadBytes);
                server.accept(upload);
                passes = Math.addExact(passes, local.forwardPasses());
                flops = Math.addExact(flops, local.forwardFlops());
                losses[i] = local.meanTrainLoss();
                samples[i] = upload.sampleCount();
                listener.onClient(r, i + 1, chosen.length);
            }
            RoundRecord record = server.finishRound();
            // The shared model moves to the new global model; the clients' next syncs find it applied.
            shared.catchUp(List.of(record.aggregate()));
            steps += config.localSteps();
            double dev = Double.NaN;
            if (config.evaluatesAfter(r)) {
                accuracy = model.evaluate(devBatches).accuracy();
                dev = accuracy;
            }
            emit(listener, rows, new RoundMetrics(r, steps, passes, flops, up, down, weightedMean(losses, samples), dev,
                    seconds(start)));
        }
        PrivacyReport privacy = config.privacy() == null ? null
                : PrivacyReport.afterRounds(config.privacy(), log.records(), log.rounds());
        return new SimulationResult(rows, log.records(), zeroShot, accuracy, privacy);
    }

    private static void emit(RoundListener listener, List<RoundMetrics> rows, RoundMetrics m) {
        rows.add(m);
        listener.onRound(m);
    }

    private static double weightedMean(double[] values, int[] weights) {
        double sum = 0;
        double total = 0;
        for (int i = 0; i < values.length; i++) {
            sum += weights[i] * values[i];
            total += weights[i];
        }
        return sum / total;
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    /** Frees the round-start snapshot and closes the log files (the classifier stays the caller's). */
    @Override
    public void close() throws IOException {
        try (log) {
            shared.close();
        }
    }

    @Override
    public String toString() {
        return "FederatedSimulation[" + config.clients() + " clients, " + config.clientsPerRound() + " per round, "
                + config.rounds() + " rounds, " + estimator + ", partition sizes " + Arrays.toString(partition.sizes()) + "]";
    }
}
