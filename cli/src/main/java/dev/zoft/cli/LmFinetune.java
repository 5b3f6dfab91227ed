package dev.zoft.cli;

import dev.zoft.zo.estimate.StepResult;
import dev.zoft.zo.metrics.RoundMetrics;
import dev.zoft.zo.task.CausalLmTask;
import dev.zoft.zo.task.Evaluation;
import dev.zoft.zo.train.BaseModel;
import dev.zoft.zo.train.Finetuner;
import dev.zoft.zo.train.LmFinetuner;
import dev.zoft.zo.train.RunManifest;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code zoft finetune --model PATH --task lm --data FILE.txt}: causal-LM finetuning of a decoder
 * on text chunks ({@link LmFinetuner}), writing the same run directory as classification
 * (manifest, seed log, metrics.csv with the train loss; the dev NLL is printed).
 */
final class LmFinetune {
    private LmFinetune() {
    }

    static int run(Args args, TrainingOptions training, long steps, int evalEvery, Path dir, PrintStream out)
            throws IOException {
        if (!args.has("data")) {
            throw new UsageException("--task lm needs --data FILE.txt (UTF-8 text)");
        }
        if (args.has("template") || args.has("label-words")) {
            throw new UsageException("--template and --label-words are for classification, not --task lm");
        }
        Path trainFile = Path.of(args.string("data", ""));
        Path devFile = args.has("dev") ? Path.of(args.string("dev", "")) : null;
        LmData.read(trainFile); // fail on a bad file before the model loads
        BaseModel base = DecoderOptions.base(args);
        Finetuner.Config config = training.finetuneConfig(steps, evalEvery, 0);
        try (Compute compute = Compute.open();
             CausalLmTask task = base.causalLm(compute.kernels(), training.decoderSubset(), training.split(),
                     training.maxTokens())) {
            LmData.Chunks data = LmData.chunks(task, trainFile, devFile);
            Files.createDirectories(dir);
            RunManifest manifest = RunManifest.ofLm(base.name(), base.sha256(), task, config, data.trainSource(),
                    data.devSource());
            manifest.write(dir.resolve(RunManifest.FILE_NAME));
            out.printf("zoft finetune --task lm: %s, %d trainable parameters (subset %s, split at layer %d), %d threads%n",
                    base.name(), task.parameters().size(), manifest.trainableSubset(), task.splitLayer(),
                    compute.pool().threads());
            out.printf("  train %s: %d chunks of %d tokens; dev %s: %d%n", data.trainSource(), data.train().size(),
                    task.chunkTokens(), data.devSource(), data.dev().size());
            out.printf("  %s; %d steps%n  run directory %s%n", training.describe(), steps, dir);
            out.flush();
            LmFinetuner.Result result;
            try (MetricsCsv csv = MetricsCsv.create(dir.resolve(FinetuneCommand.METRICS_CSV));
                 Progress progress = new Progress(steps, csv, out)) {
                result = new LmFinetuner(task, compute.pool(), config)
                        .run(data.train(), data.dev(), manifest.seedLogHeader(), dir.resolve(manifest.seedLog()), progress);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            out.printf(Locale.ROOT, "dev loss %.4f -> %.4f (perplexity %.2f -> %.2f) on %d dev chunks, %.1f s%n",
                    result.zeroShotLoss(), result.lastLoss(), Math.exp(result.zeroShotLoss()), Math.exp(result.lastLoss()),
                    result.devChunks(), result.wallSeconds());
            out.printf("  wrote %s (%d updates), %s, %s%n", dir.resolve(manifest.seedLog()), result.log().size(),
                    dir.resolve(RunManifest.FILE_NAME), dir.resolve(FinetuneCommand.METRICS_CSV));
        }
        return 0;
    }

    /** Metrics rows to CSV, the progress bar on stderr, dev losses on stdout. */
    private static final class Progress implements Finetuner.Listener, AutoCloseable {
        private final ProgressBar bar;
        private final MetricsCsv csv;
        private final PrintStream out;
        private String dev = "";

        Progress(long steps, MetricsCsv csv, PrintStream out) {
            this.bar = steps > 0 ? ProgressBar.onStderr("finetune", "step", steps) : null;
            this.csv = csv;
            this.out = out;
        }

        @Override
        public void started(RoundMetrics zeroShot, Evaluation e) {
            out.printf(Locale.ROOT, "zero-shot: dev loss %.4f%n", e.meanLoss());
            out.flush();
            write(zeroShot);
            dev = String.format(Locale.ROOT, "dev loss %.4f", e.meanLoss());
        }

        @Override
        public void stepped(long step, StepResult r) {
            if (bar != null) {
                bar.update(step, String.format(Locale.ROOT, "loss %.4f  %s", r.meanLoss(), dev));
            }
        }

        @Override
        public void round(RoundMetrics row, Evaluation e) {
            write(row);
            dev = String.format(Locale.ROOT, "dev loss %.4f", e.meanLoss());
        }

        private void write(RoundMetrics row) {
            try {
                csv.append(row);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }
}
