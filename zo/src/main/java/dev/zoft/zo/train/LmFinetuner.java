package dev.zoft.zo.train;

import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.zo.estimate.Estimator;
import dev.zoft.zo.estimate.Seeds;
import dev.zoft.zo.estimate.StepResult;
import dev.zoft.zo.estimate.ZoSgd;
import dev.zoft.zo.log.SeedLog;
import dev.zoft.zo.log.SeedLogWriter;
import dev.zoft.zo.metrics.RoundMetrics;
import dev.zoft.zo.params.Update;
import dev.zoft.zo.task.CausalLmObjective;
import dev.zoft.zo.task.CausalLmTask;
import dev.zoft.zo.task.Evaluation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Zeroth-order causal-LM finetuning of a decoder on text chunks ({@link CausalLmTask}), with the
 * same run semantics as {@link Finetuner}: epoch e visits the training chunks in a Fisher–Yates
 * order drawn from {@code Seeds.derive(seed, Finetuner.EPOCH_DOMAIN, e)}, cut into full batches;
 * steps are {@link ZoSgd} steps; every update goes to the seed log (synced at each evaluation);
 * the dev chunks' mean next-token NLL is evaluated before the first step and every
 * {@code evalEvery} steps. Listeners get an {@link Evaluation} whose {@code meanLoss} is that NLL
 * ({@code correct = total = 0}: a language model has no accuracy here, and the rounds' dev
 * accuracy is NaN). {@code Config.devSize} is ignored (every dev chunk is evaluated).
 */
public final class LmFinetuner {
    private final CausalLmTask task;
    private final WorkerPool pool;
    private final Finetuner.Config config;

    /** What a run did; {@code zeroShotLoss}/{@code lastLoss} are dev mean NLLs. */
    public record Result(double zeroShotLoss, double lastLoss, List<RoundMetrics> rounds, SeedLog log, int devChunks,
                         double wallSeconds) {
        public Result {
            rounds = List.copyOf(rounds);
        }
    }

    public LmFinetuner(CausalLmTask task, WorkerPool pool, Finetuner.Config config) {
        this.task = Objects.requireNonNull(task, "task");
        this.pool = Objects.requireNonNull(pool, "pool");
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * Trains on {@code train} chunks, evaluating on {@code dev} chunks, logging under {@code header}
     * (and to {@code seedLogFile} when not null, replacing it).
     */
    public Result run(List<int[]> train, List<int[]> dev, SeedLog.Header header, Path seedLogFile,
                      Finetuner.Listener listener) throws IOException {
        Objects.requireNonNull(listener, "listener");
        if (train.isEmpty() || dev.isEmpty()) {
            throw new IllegalArgumentException("causal-LM finetuning needs training and dev chunks (got " + train.size()
                    + " and " + dev.size() + ")");
        }
        if (header.parameterCount() != task.parameters().size()) {
            throw new IllegalArgumentException("the seed log header is for " + header.parameterCount()
                    + " trainable parameters, the task has " + task.parameters().size());
        }
        long t0 = System.nanoTime();
        SeedLog log = new SeedLog(header);
        List<RoundMetrics> rounds = new ArrayList<>();
        double zeroShot = task.meanLoss(dev, config.evalBatchSize());
        RoundMetrics start = new RoundMetrics(0, 0, 0, 0, 0, 0, Double.NaN, Double.NaN, seconds(t0));
        rounds.add(start);
        listener.started(start, new Evaluation(0, 0, zeroShot));
        double last = zeroShot;
        try (SeedLogWriter writer = seedLogFile == null ? null : SeedLogWriter.create(seedLogFile, header)) {
            Estimator estimator = config.createEstimator();
            ZoSgd<CausalLmObjective.Batch> sgd = new ZoSgd<>(task, estimator, config.learningRate().schedule(), pool,
                    config.seed(), updates -> record(updates, log, writer));
            int size = Math.min(config.batchSize(), train.size());
            long epoch = -1;
            int[] order = null;
            int next = 0;
            long passes = 0;
            long flops = 0;
            double lossSum = 0;
            int lossCount = 0;
            for (long t = 1; t <= config.steps(); t++) {
                if (order == null || next + size > order.length) {
                    epoch++;
                    order = permutation(train.size(), Seeds.derive(config.seed(), Finetuner.EPOCH_DOMAIN, epoch));
                    next = 0;
                }
                List<int[]> chunks = new ArrayList<>(size);
                for (int i = 0; i < size; i++) {
                    chunks.add(train.get(order[next + i]));
                }
                next += size;
                StepResult r = sgd.step(task.batch(chunks));
                passes += r.block1Passes() + r.block2Passes();
                flops = Math.addExact(flops, r.forwardFlops());
                lossSum += r.meanLoss();
                lossCount++;
                listener.stepped(t, r);
                if (t % config.evalEvery() == 0 || t == config.steps()) {
                    if (writer != null) {
                        writer.sync();
                    }
                    last = task.meanLoss(dev, config.evalBatchSize());
                    RoundMetrics row = new RoundMetrics(rounds.size(), t, passes, flops, 0, 0, lossSum / lossCount,
                            Double.NaN, seconds(t0));
                    rounds.add(row);
                    listener.round(row, new Evaluation(0, 0, last));
                    lossSum = 0;
                    lossCount = 0;
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return new Result(zeroShot, last, rounds, log, dev.size(), seconds(t0));
    }

    /** A Fisher–Yates permutation of {@code [0, n)} from {@code seed}. */
    static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return p;
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

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
