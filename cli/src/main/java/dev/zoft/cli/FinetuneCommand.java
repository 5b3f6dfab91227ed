package dev.zoft.cli;

import dev.zoft.zo.data.DatasetSplits;
import dev.zoft.zo.estimate.StepResult;
import dev.zoft.zo.metrics.RoundMetrics;
import dev.zoft.zo.task.ClassifierTask;
import dev.zoft.zo.task.DecoderClassifierTask;
import dev.zoft.zo.task.Evaluation;
import dev.zoft.zo.train.BaseModel;
import dev.zoft.zo.train.Finetuner;
import dev.zoft.zo.train.RunManifest;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code zoft finetune}: single-device zeroth-order finetuning of the bundled MiniLM classifier
 * ({@link Finetuner}), writing a run directory that {@code eval}, {@code apply} and {@code export}
 * read back.
 */
final class FinetuneCommand implements Command {
    static final String METRICS_CSV = "metrics.csv";
    static final String METRICS_PNG = "metrics.png";

    @Override
    public String name() {
        return "finetune";
    }

    @Override
    public String summary() {
        return "finetune MiniLM or a decoder LM (--model) on one device with forward passes only";
    }

    @Override
    public String usage() {
        return """
                usage: zoft finetune [--model PATH [--task classify|lm] [--template T] [--label-words W1,W2]]
                                     [--data FILE|SST2_DIR] [--dev FILE] [--steps N] [--eval-every K]
                                     [--dev-size N] [--skip-malformed] [--out DIR] [training options]

                Finetunes the bundled all-MiniLM-L6-v2 as a sentiment classifier (cosine head started
                from the prompts "It was terrible." / "It was great.") with zeroth-order steps, and
                writes the run into --out: manifest.json (what to rebuild it from), seed-log.zosl (every
                update as seed + coefficient), metrics.csv and metrics.png (dev accuracy and train loss
                per round). Prints the zero-shot and the final dev accuracy.

                With --model, finetunes a decoder LM instead (a GGUF file with tokenizer metadata,
                or a Hugging Face folder with config.json, safetensors and tokenizer.json) as MeZO
                does on OPT: each sentence fills the prompt template and the classes are the LM's
                logits of the label words as the next token. The run's base is the model's path,
                identified by SHA-256 (of the file; of the weight, config and tokenizer files of a
                folder). With --task lm, finetunes it as a causal LM on a UTF-8 text file instead
                (--data FILE.txt, optional --dev FILE.txt, else its last tenth): the text is cut into
                chunks of --max-tokens tokens and the loss is the next-token NLL inside the chunks.

                decoder:
                """ + DecoderOptions.USAGE + "\n" + """

                data:
                  --data PATH       a .tsv/.csv/.jsonl file (text or sentence, label) or a GLUE SST-2
                                    folder with train.tsv and dev.tsv (default: the bundled demo set)
                  --dev FILE        the dev set (default: dev.tsv of the folder, or a held-out fifth
                                    of the --data file)
                  --skip-malformed  skip malformed rows (and print what was skipped) instead of failing
                run:
                  --steps N         ZO steps (default 200)
                  --eval-every K    steps per round, between dev evaluations (default 25)
                  --dev-size N      evaluate on a stratified subset of N dev sentences (default: all)
                  --out DIR         run directory (default runs/finetune-<date-time>); must not hold a run
                training options (defaults: fedspzo, P1 2, P2 4, eps 1e-3, lr 1e-3, subset bitfit, batch 16, seed 42):
                """ + TrainingOptions.USAGE;
    }

    @Override
    public int run(List<String> argv, PrintStream out) throws IOException {
        Args args = Args.parse(argv, TrainingOptions.withValued("data", "dev", "steps", "eval-every", "dev-size", "out",
                        "model", "template", "label-words", "task"),
                Set.of("skip-malformed"));
        args.noPositional(name());
        TrainingOptions training = TrainingOptions.parse(args, TrainingOptions.Defaults.FINETUNE);
        long steps = args.longInteger("steps", 200, 0, 100_000_000);
        int evalEvery = args.integer("eval-every", 25, 1, Integer.MAX_VALUE);
        int devSize = args.integer("dev-size", 0, 0, Integer.MAX_VALUE);
        Path dir = Path.of(args.string("out",
                "runs/finetune-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))));
        if (Files.exists(dir.resolve(RunManifest.FILE_NAME))) {
            throw new UsageException(dir + " already holds a run (" + RunManifest.FILE_NAME + "); choose another --out");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UsageException("--out " + dir + " is a file, not a directory");
        }
        String task = args.choice("task", "classify", List.of("classify", "lm"));
        if (task.equals("lm")) {
            if (!args.has("model")) {
                throw new UsageException("--task lm needs a decoder: --model PATH");
            }
            return LmFinetune.run(args, training, steps, evalEvery, dir, out);
        }
        // Data first: a malformed file fails before the model loads.
        DatasetSplits data = DataOptions.trainAndDev(args, training.seed(), out);
        Finetuner.Config config = training.finetuneConfig(steps, evalEvery, devSize);

        Files.createDirectories(dir);
        BaseModel base = args.has("model") ? DecoderOptions.base(args) : BaseModel.bundledMiniLm();
        try (Compute compute = Compute.open();
             ClassifierTask<?> classifier = base.isDecoder()
                     ? DecoderOptions.classifier(base, args, training, compute)
                     : ClassifierTask.of(base.classifier(compute.kernels(), training.classifier()))) {
            byte[] sha = base.sha256();
            RunManifest manifest = RunManifest.of(base.name(), sha, classifier, data.train().labels().names(), config,
                    data.train().source(), data.dev().source());
            manifest.write(dir.resolve(RunManifest.FILE_NAME));
            out.printf("zoft finetune: %s, %d trainable parameters (subset %s, split at layer %d), %d threads%n",
                    base.name(), classifier.parameters().size(), manifest.trainableSubset(), classifier.splitLayer(),
                    compute.pool().threads());
            if (classifier instanceof DecoderClassifierTask d) {
                out.printf("  prompt \"%s\", label words %s (tokens %s)%n", d.options().template(),
                        d.options().labelWords(), java.util.Arrays.toString(d.labelWordIds()));
            }
            out.printf("  train %s: %d sentences; dev %s: %d%n", data.train().source(), data.train().size(),
                    data.dev().source(), data.dev().size());
            out.printf("  %s; %d steps%n", training.describe(), steps);
            out.printf("  run directory %s%n", dir);
            out.flush();

            Finetuner.Result result;
            try (MetricsCsv csv = MetricsCsv.create(dir.resolve(METRICS_CSV));
                 Progress progress = new Progress(steps, csv, dir.resolve(METRICS_PNG), out)) {
                result = new Finetuner(classifier, compute.pool(), config)
                        .run(data.train(), data.dev(), manifest.seedLogHeader(), dir.resolve(manifest.seedLog()), progress);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            RoundMetrics last = result.rounds().get(result.rounds().size() - 1);
            out.printf(Locale.ROOT, "zero-shot dev accuracy %.2f %% -> final %.2f %% (%+.2f points) on %d dev sentences%n",
                    100 * result.zeroShot().accuracy(), 100 * result.last().accuracy(),
                    100 * (result.last().accuracy() - result.zeroShot().accuracy()), result.devExamples());
            out.printf(Locale.ROOT, "  dev loss %.4f -> %.4f; %d steps, %d forward passes, %.3f TFLOPs forward, %.1f s%n",
                    result.zeroShot().meanLoss(), result.last().meanLoss(), last.steps(), last.forwardPasses(),
                    last.forwardFlops() / 1e12, result.wallSeconds());
            out.printf("  wrote %s (%d updates), %s, %s, %s%n", dir.resolve(manifest.seedLog()), result.log().size(),
                    dir.resolve(RunManifest.FILE_NAME), dir.resolve(METRICS_CSV), dir.resolve(METRICS_PNG));
        }
        return 0;
    }

    /** The listener: metrics rows to CSV and the plot (redrawn each round), the progress bar on stderr. */
    private static final class Progress implements Finetuner.Listener, AutoCloseable {
        private final ProgressBar bar;
        private final MetricsCsv csv;
        private final Path png;
        private final PrintStream out;
        private String dev = "";
        private String loss = "";

        Progress(long steps, MetricsCsv csv, Path png, PrintStream out) {
            this.bar = steps > 0 ? ProgressBar.onStderr("finetune", "step", steps) : null;
            this.csv = csv;
            this.png = png;
            this.out = out;
        }

        @Override
        public void started(RoundMetrics zeroShot, Evaluation e) {
            out.printf(Locale.ROOT, "zero-shot: dev accuracy %.2f %% (%d/%d), dev loss %.4f%n",
                    100 * e.accuracy(), e.correct(), e.total(), e.meanLoss());
            out.flush();
            write(zeroShot);
            dev = String.format(Locale.ROOT, "dev %.1f %%", 100 * e.accuracy());
        }

        @Override
        public void stepped(long step, StepResult r) {
            loss = String.format(Locale.ROOT, "loss %.4f", r.meanLoss());
            if (bar != null) {
                bar.update(step, loss + "  " + dev);
            }
        }

        @Override
        public void round(RoundMetrics row, Evaluation e) {
            write(row);
            dev = String.format(Locale.ROOT, "dev %.1f %%", 100 * e.accuracy());
            if (bar != null) {
                // Redraw with the new accuracy, so the bar never ends on a stale one.
                bar.update(bar.done(), loss + "  " + dev);
            }
        }

        private void write(RoundMetrics row) {
            try {
                csv.append(row);
                MetricsPlot.write(png, "zoft finetune", csv.rows());
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
