package dev.zoft.zo.train;

import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.zo.data.Dataset;
import dev.zoft.zo.estimate.BlockScales;
import dev.zoft.zo.estimate.Estimator;
import dev.zoft.zo.estimate.Seeds;
import dev.zoft.zo.estimate.StepResult;
import dev.zoft.zo.estimate.ZoSettings;
import dev.zoft.zo.estimate.ZoSgd;
import dev.zoft.zo.log.SeedLog;
import dev.zoft.zo.log.SeedLogWriter;
import dev.zoft.zo.metrics.RoundMetrics;
import dev.zoft.zo.params.Update;
import dev.zoft.zo.task.ClassifierTask;
import dev.zoft.zo.task.EncoderClassifier;
import dev.zoft.zo.task.Evaluation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Zeroth-order finetuning of a classifier on one device: an {@link EncoderClassifier}, or any
 * {@link ClassifierTask} such as a decoder LM through label words
 * ({@link dev.zoft.zo.task.DecoderClassifierTask}).
 *
 * <pre>{@code
 * Finetuner.Config config = new Finetuner.Config(EstimatorSpec.fedSpzo(2, 4, 1e-3f),
 *         LearningRateSpec.constant(1e-4), 16, 300, 42, 50, 0);
 * Finetuner.Result r = new Finetuner(classifier, pool, config)
 *         .run(train, dev, manifest.seedLogHeader(), runDir.resolve("seed-log.zosl"), listener);
 * }</pre>
 *
 * <p><b>Batches.</b> Epoch e visits the training set in the order
 * {@code train.shuffled(Seeds.derive(seed, EPOCH_DOMAIN, e))}, cut into consecutive batches of
 * {@code batchSize}; an epoch's last partial batch is dropped so every step sees the same batch
 * size (a training set smaller than one batch is used whole). <b>Steps</b> are {@link ZoSgd}
 * steps with step seeds {@code Seeds.step(seed, t)}. <b>Evaluation</b>: before the first step
 * (round 0, the zero-shot accuracy) and after every {@code evalEvery} steps and the last one,
 * on the dev set or, with {@code devSize > 0}, on its stratified subset of that size chosen by
 * {@code Seeds.derive(seed, DEV_DOMAIN, 0)}. Each evaluation closes a round: a {@link RoundMetrics}
 * row (round = evaluation number, train loss = mean over the round's steps of the step's mean
 * loss) goes to the {@link Listener}.
 *
 * <p><b>Seed log.</b> Every update is appended to an in-memory {@link SeedLog} and, when a file
 * is given, to a {@link SeedLogWriter} that is synced to disk at every evaluation, so a killed
 * run leaves a log that replays to its last evaluated weights (plus possibly a few steps).
 * Replaying the log onto a fresh classifier built with the same options reproduces the
 * finetuned weights bit for bit.
 *
 * <p>Deterministic: the same classifier options, data, config and seed give bit-identical
 * losses, log and weights, whatever the thread count.
 */
public final class Finetuner {

    /** Seed domain of the per-epoch shuffles. */
    public static final long EPOCH_DOMAIN = 32;
    /** Seed domain of the dev subset choice. */
    public static final long DEV_DOMAIN = 33;

    /**
     * What to run.
     *
     * @param estimator     the estimator
     * @param learningRate  the schedule (step index from 0)
     * @param batchSize     sentences per step
     * @param steps         steps to take (0: only the zero-shot evaluation)
     * @param seed          run seed: step seeds, shuffles, dev subset
     * @param evalEvery     steps per round (between dev evaluations)
     * @param devSize       evaluate on a stratified subset of this size (0: the whole dev set)
     * @param evalBatchSize sentences per evaluation batch (speed only: results do not depend on it)
     * @param clip          the bound on every projected-gradient scalar ({@link ZoSettings#NO_CLIP}: off);
     *                      the seed log's coefficients are computed from the clipped scalars
     * @param scales        FedSPZO's per-block ε and learning-rate factors ({@link BlockScales#uniform} at the
     *                      estimator's ε: off), carried by the seed log's coefficients
     */
    public record Config(EstimatorSpec estimator, LearningRateSpec learningRate, int batchSize, long steps, long seed,
                         int evalEvery, int devSize, int evalBatchSize, float clip, BlockScales scales) {
        public Config {
            Objects.requireNonNull(estimator, "estimator");
            Objects.requireNonNull(scales, "scales (BlockScales.uniform(epsilon) for none)");
            estimator.create(clip, scales); // the estimator's own checks: bound, per-block scales on MeZO
            Objects.requireNonNull(learningRate, "learningRate");
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
            }
            if (steps < 0) {
                throw new IllegalArgumentException("steps must be ≥ 0, got " + steps);
            }
            if (evalEvery < 1) {
                throw new IllegalArgumentException("evalEvery must be positive, got " + evalEvery);
            }
            if (devSize < 0) {
                throw new IllegalArgumentException("devSize must be ≥ 0, got " + devSize);
            }
            if (evalBatchSize < 1) {
                throw new IllegalArgumentException("evalBatchSize must be positive, got " + evalBatchSize);
            }
        }

        /** Without the knobs beyond the paper (no clipping, uniform block scales). */
        public Config(EstimatorSpec estimator, LearningRateSpec learningRate, int batchSize, long steps, long seed,
                      int evalEvery, int devSize, int evalBatchSize) {
            this(estimator, learningRate, batchSize, steps, seed, evalEvery, devSize, evalBatchSize, ZoSettings.NO_CLIP,
                    BlockScales.uniform(Objects.requireNonNull(estimator, "estimator").epsilon()));
        }

        /** Evaluation batches of 32, without the knobs beyond the paper. */
        public Config(EstimatorSpec estimator, LearningRateSpec learningRate, int batchSize, long steps, long seed,
                      int evalEvery, int devSize) {
            this(estimator, learningRate, batchSize, steps, seed, evalEvery, devSize, 32);
        }

        /** This configuration with clipping bound {@code bound} and block scales {@code s}. */
        public Config withKnobs(float bound, BlockScales s) {
            return new Config(estimator, learningRate, batchSize, steps, seed, evalEvery, devSize, evalBatchSize, bound, s);
        }

        /** A new estimator of this run: {@link #estimator} with {@link #clip} and {@link #scales}. */
        public Estimator createEstimator() {
            return estimator.create(clip, scales);
        }
    }

    /** Hears about a run's progress; every method has an empty default. Called on the training thread. */
    public interface Listener {
        /** Before the first step, with the zero-shot dev evaluation (round 0). */
        default void started(RoundMetrics zeroShot, Evaluation dev) {
        }

        /** After step {@code step} (from 1). */
        default void stepped(long step, StepResult result) {
        }

        /** After each evaluation (round ≥ 1). */
        default void round(RoundMetrics row, Evaluation dev) {
        }
    }

    /**
     * What a run did.
     *
     * @param zeroShot    dev evaluation before the first step
     * @param last        dev evaluation after the last step
     * @param rounds      every round's metrics, round 0 first
     * @param log         the seed log of the run (in memory)
     * @param devExamples examples in the evaluated dev set
     * @param wallSeconds the run's wall time
     */
    public record Result(Evaluation zeroShot, Evaluation last, List<RoundMetrics> rounds, SeedLog log, int devExamples,
                         double wallSeconds) {
        public Result {
            rounds = List.copyOf(rounds);
        }
    }

    private final ClassifierTask<?> task;
    private final WorkerPool pool;
    private final Config config;

    /**
     * @param classifier the model to train in place (its current parameters are the start)
     * @param pool       the pool for the perturbation passes (the classifier's kernels have their own)
     */
    public Finetuner(EncoderClassifier classifier, WorkerPool pool, Config config) {
        this(ClassifierTask.of(Objects.requireNonNull(classifier, "classifier")), pool, config);
    }

    /**
     * @param task the classifier to train in place (its current parameters are the start); stays the caller's
     * @param pool the pool for the perturbation passes (the task's kernels have their own)
     */
    public Finetuner(ClassifierTask<?> task, WorkerPool pool, Config config) {
        this.task = Objects.requireNonNull(task, "task");
        this.pool = Objects.requireNonNull(pool, "pool");
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * Trains on {@code train}, evaluating on {@code dev}, logging every update under
     * {@code header} (and to {@code seedLogFile} when not null, replacing it).
     *
     * @throws IllegalArgumentException if a dataset is empty, its classes differ from the head's,
     *     or the header's parameter count is not the classifier's
     * @throws IOException if the seed log cannot be written
     */
    public Result run(Dataset train, Dataset dev, SeedLog.Header header, Path seedLogFile, Listener listener)
            throws IOException {
        return run(task, train, dev, header, seedLogFile, listener);
    }

    private <B> Result run(ClassifierTask<B> classifier, Dataset train, Dataset dev, SeedLog.Header header,
                           Path seedLogFile, Listener listener) throws IOException {
        Objects.requireNonNull(listener, "listener");
        checkData(train, "training");
        checkData(dev, "dev");
        if (header.parameterCount() != classifier.parameters().size()) {
            throw new IllegalArgumentException("the seed log header is for " + header.parameterCount()
                    + " trainable parameters, the classifier has " + classifier.parameters().size());
        }
        long t0 = System.nanoTime();
        Dataset evalSet = devSubset(dev, config.devSize(), config.seed());
        List<B> devBatches = classifier.batches(evalSet.texts(), evalSet.labelArray(), config.evalBatchSize());

        SeedLog log = new SeedLog(header);
        List<RoundMetrics> rounds = new ArrayList<>();
        Evaluation zeroShot = classifier.evaluate(devBatches);
        RoundMetrics start = new RoundMetrics(0, 0, 0, 0, 0, 0, Double.NaN, zeroShot.accuracy(), seconds(t0));
        rounds.add(start);
        listener.started(start, zeroShot);

        Evaluation last = zeroShot;
        try (SeedLogWriter writer = seedLogFile == null ? null : SeedLogWriter.create(seedLogFile, header)) {
            Estimator estimator = config.createEstimator();
            ZoSgd<B> sgd = new ZoSgd<>(classifier, estimator, config.learningRate().schedule(), pool,
                    config.seed(), updates -> record(updates, log, writer));
            Batches<B> batches = new Batches<>(classifier, train);
            long passes = 0;
            long flops = 0;
            double lossSum = 0;
            int lossCount = 0;
            for (long t = 1; t <= config.steps(); t++) {
                StepResult r = sgd.step(batches.next());
                passes += r.block1Passes() + r.block2Passes();
                flops = Math.addExact(flops, r.forwardFlops());
                lossSum += r.meanLoss();
                lossCount++;
                listener.stepped(t, r);
                if (t % config.evalEvery() == 0 || t == config.steps()) {
                    if (writer != null) {
                        writer.sync();
                    }
                    last = classifier.evaluate(devBatches);
                    RoundMetrics row = new RoundMetrics(rounds.size(), t, passes, flops, 0, 0, lossSum / lossCount,
                            last.accuracy(), seconds(t0));
                    rounds.add(row);
                    listener.round(row, last);
                    lossSum = 0;
                    lossCount = 0;
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return new Result(zeroShot, last, rounds, log, evalSet.size(), seconds(t0));
    }

    /**
     * The dev examples a run with {@code seed} evaluates on: the stratified subset of {@code size}
     * chosen by {@code Seeds.derive(seed, DEV_DOMAIN, 0)}, or all of {@code dev} when {@code size}
     * is 0 or at least its size. Public so that a later evaluation can use the same subset.
     */
    public static Dataset devSubset(Dataset dev, int size, long seed) {
        if (size < 0) {
            throw new IllegalArgumentException("dev subset size must be ≥ 0, got " + size);
        }
        return size > 0 && size < dev.size() ? dev.stratified(size, Seeds.derive(seed, DEV_DOMAIN, 0)) : dev;
    }

    private static void record(List<Update> updates, SeedLog log, SeedLogWriter writer) {
        log.appendAll(updates);
        if (writer != null) {
            try {
                writer.appendAll(updates);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private void checkData(Dataset d, String what) {
        if (d.isEmpty()) {
            throw new IllegalArgumentException("the " + what + " set " + d.source() + " is empty");
        }
        int classes = task.numClasses();
        if (d.numLabels() != classes) {
            throw new IllegalArgumentException("the " + what + " set " + d.source() + " has " + d.numLabels()
                    + " classes " + d.labels().names() + " but the classifier has " + classes + " classes "
                    + task.classDescriptions());
        }
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** The training batches: seeded epoch shuffles cut into full batches. */
    private final class Batches<B> {
        private final ClassifierTask<B> classifier;
        private final Dataset train;
        private final int size;
        private long epoch = -1;
        private Dataset order;
        private int[] orderLabels;
        private int next;

        Batches(ClassifierTask<B> classifier, Dataset train) {
            this.classifier = classifier;
            this.train = train;
            this.size = Math.min(config.batchSize(), train.size());
        }

        B next() {
            if (order == null || next + size > order.size()) {
                epoch++;
                order = train.shuffled(Seeds.derive(config.seed(), EPOCH_DOMAIN, epoch));
                orderLabels = order.labelArray();
                next = 0;
            }
            List<String> texts = order.texts().subList(next, next + size);
            int[] labels = Arrays.copyOfRange(orderLabels, next, next + size);
            next += size;
            return classifier.encode(texts, labels);
        }
    }
}
