package dev.zoft.cli;

import dev.zoft.zo.data.Dataset;
import dev.zoft.zo.task.CausalLmTask;
import dev.zoft.zo.task.ClassifierOptions;
import dev.zoft.zo.task.ClassifierTask;
import dev.zoft.zo.task.DecoderClassifierOptions;
import dev.zoft.zo.task.DecoderClassifierTask;
import dev.zoft.zo.task.DecoderSubset;
import dev.zoft.zo.task.EncoderClassifier;
import dev.zoft.zo.task.Evaluation;
import dev.zoft.zo.task.TrainableSubset;
import dev.zoft.zo.train.BaseModel;
import dev.zoft.zo.train.FinetunedRun;
import dev.zoft.zo.train.Finetuner;
import dev.zoft.zo.train.RunManifest;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code zoft eval}: the accuracy of the zero-shot base classifier, or of a run's finetuned one
 * (rebuilt by replaying its seed log), on a labelled dataset.
 */
final class EvalCommand implements Command {
    @Override
    public String name() {
        return "eval";
    }

    @Override
    public String summary() {
        return "accuracy of the zero-shot model or of a finetuned run on a dataset";
    }

    @Override
    public String usage() {
        return """
                usage: zoft eval [--run DIR | --model PATH [--template T] [--label-words W1,W2]]
                                 [--data FILE|SST2_DIR] [--dev-size N] [--seed S]
                                 [--batch B] [--skip-malformed] [--threads N]

                Evaluates a sentiment classifier on a labelled dataset and prints its accuracy and
                mean cross-entropy. Without --run it is the zero-shot MiniLM classifier (prompts
                "It was terrible." / "It was great."); with --run, the run's finetuned model, rebuilt
                from the base weights (checked against the run's SHA-256) and its seed log.

                  --run DIR         a run directory written by zoft finetune (encoder or decoder)
                  --model PATH      zero-shot accuracy of a decoder LM (.gguf or Hugging Face folder)
                                    through label words after the prompt template
                  --template T      prompt template with {sentence} (default "{sentence} It was")
                  --label-words W,W label words in label order (default " terrible, great")
                  --task lm         with --model: zero-shot next-token loss and perplexity of the
                                    decoder on --data FILE.txt, in chunks of --max-tokens (default 64);
                                    a causal-LM --run is evaluated this way too
                  --data PATH       a .tsv/.csv/.jsonl file, or a GLUE folder (its dev.tsv);
                                    default: the bundled demo set's dev split
                  --dev-size N      evaluate a stratified subset of N sentences, chosen as zoft
                                    finetune --dev-size chooses it (so a run's figures can be redone)
                  --seed S          seed of that subset (default: the run's seed, else 42)
                  --batch B         sentences per forward pass (default 32; does not change results)
                  --skip-malformed  skip malformed rows (and print what was skipped) instead of failing
                  --threads N       worker threads (default: the machine's cores)""";
    }

    @Override
    public int run(List<String> argv, PrintStream out) throws IOException {
        Args args = Args.parse(argv, Set.of("run", "data", "dev-size", "seed", "batch", "threads", "model",
                "template", "label-words", "task", "max-tokens"), Set.of("skip-malformed"));
        args.noPositional(name());
        Threads.apply(args);
        int devSize = args.integer("dev-size", 0, 0, Integer.MAX_VALUE);
        int batch = args.integer("batch", 32, 1, 4096);
        String run = args.string("run", null);
        String task = args.choice("task", "classify", List.of("classify", "lm"));
        if (task.equals("lm") || run != null && isLmRun(Path.of(run))) {
            return evaluateLm(args, run, batch, out);
        }
        Dataset all = DataOptions.evaluationSet(args, out);
        try (Compute compute = Compute.open()) {
            if (run != null && args.has("model")) {
                throw new UsageException("--run and --model exclude each other: a run names its own base model");
            }
            if (run == null && args.has("model")) {
                BaseModel base = DecoderOptions.base(args);
                long seed = args.longInteger("seed", 42, Long.MIN_VALUE, Long.MAX_VALUE);
                Dataset data = Finetuner.devSubset(all, devSize, seed);
                // Only the norms are copied: zero-shot scoring needs no writable weights.
                DecoderClassifierOptions options;
                try {
                    options = new DecoderClassifierOptions(
                            args.string("template", DecoderClassifierOptions.DEFAULT_TEMPLATE),
                            DecoderOptions.labelWords(args), DecoderSubset.norms(), DecoderClassifierOptions.AUTO_SPLIT,
                            DecoderClassifierOptions.DEFAULT_MAX_TOKENS);
                } catch (IllegalArgumentException e) {
                    throw new UsageException(e.getMessage());
                }
                try (DecoderClassifierTask c = base.decoderClassifier(compute.kernels(), options)) {
                    report(out, "zero-shot " + base.name(), c, data, batch);
                }
            } else if (run == null) {
                // Only the head is copied: the zero-shot model needs no writable encoder tensors.
                ClassifierOptions options = ClassifierOptions.defaults().withTrainable(TrainableSubset.headOnly());
                long seed = args.longInteger("seed", 42, Long.MIN_VALUE, Long.MAX_VALUE);
                Dataset data = Finetuner.devSubset(all, devSize, seed);
                try (EncoderClassifier c = BaseModel.bundledMiniLm().classifier(compute.kernels(), options)) {
                    report(out, "zero-shot " + BaseModel.MINILM, c, data, batch);
                }
            } else {
                try (FinetunedRun r = FinetunedRun.load(Path.of(run), compute.kernels(), compute.pool())) {
                    long seed = args.longInteger("seed", r.manifest().seed(), Long.MIN_VALUE, Long.MAX_VALUE);
                    Dataset data = Finetuner.devSubset(all, devSize, seed);
                    out.printf("run %s: %d updates replayed onto %s (%s) in %.2f s%n", run, r.log().size(),
                            r.manifest().model(), r.manifest().trainableSubset(), r.replaySeconds());
                    report(out, "finetuned", r.task(), data, batch);
                }
            }
        }
        return 0;
    }

    /** Whether {@code run} holds a readable causal-LM manifest (anything else is left to FinetunedRun.load to report). */
    private static boolean isLmRun(Path run) {
        Path manifest = run.resolve(RunManifest.FILE_NAME);
        if (!Files.isRegularFile(manifest)) {
            return false;
        }
        try {
            return RunManifest.read(manifest).isLm();
        } catch (IOException e) {
            return false;
        }
    }

    /** Dev NLL and perplexity of a causal LM (zero-shot with --model, finetuned with --run) on --data FILE.txt. */
    private static int evaluateLm(Args args, String run, int batch, PrintStream out) throws IOException {
        if (!args.has("data")) {
            throw new UsageException("a causal-LM evaluation needs --data FILE.txt (UTF-8 text)");
        }
        Path file = Path.of(args.string("data", ""));
        String text = LmData.read(file);
        try (Compute compute = Compute.open()) {
            if (run == null) {
                if (!args.has("model")) {
                    throw new UsageException("--task lm needs --model PATH (or --run DIR of a causal-LM run)");
                }
                int chunk = args.integer("max-tokens", 64, 2, 1 << 20);
                BaseModel base = DecoderOptions.base(args);
                try (CausalLmTask lm = base.causalLm(compute.kernels(), DecoderSubset.norms(),
                        DecoderClassifierOptions.AUTO_SPLIT, chunk)) {
                    reportLm(out, "zero-shot " + base.name(), lm, text, file, batch);
                }
            } else {
                if (args.has("model")) {
                    throw new UsageException("--run and --model exclude each other: a run names its own base model");
                }
                try (FinetunedRun r = FinetunedRun.load(Path.of(run), compute.kernels(), compute.pool())) {
                    out.printf("run %s: %d updates replayed onto %s (%s) in %.2f s%n", run, r.log().size(),
                            r.manifest().model(), r.manifest().trainableSubset(), r.replaySeconds());
                    reportLm(out, "finetuned", r.lm(), text, file, batch);
                }
            }
        }
        return 0;
    }

    private static void reportLm(PrintStream out, String what, CausalLmTask lm, String text, Path file, int batch) {
        List<int[]> chunks;
        try {
            chunks = lm.chunks(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        double loss = lm.meanLoss(chunks, batch);
        out.printf(Locale.ROOT, "%s on %s: %d chunks of %d tokens, mean loss %.4f, perplexity %.3f%n", what, file,
                chunks.size(), lm.chunkTokens(), loss, Math.exp(loss));
    }

    static Evaluation evaluate(EncoderClassifier c, Dataset data, int batch) {
        return evaluate(ClassifierTask.of(c), data, batch);
    }

    static <B> Evaluation evaluate(ClassifierTask<B> c, Dataset data, int batch) {
        checkClasses(c, data);
        List<B> batches = c.batches(data.texts(), data.labelArray(), batch);
        int correct = 0;
        int total = 0;
        double lossSum = 0;
        try (ProgressBar bar = ProgressBar.onStderr("eval", "batch", batches.size())) {
            for (B b : batches) {
                Evaluation e = c.evaluate(List.of(b));
                correct += e.correct();
                total += e.total();
                lossSum += e.meanLoss() * e.total();
                bar.step(String.format(Locale.ROOT, "acc %.1f %%", 100.0 * correct / total));
            }
        }
        return new Evaluation(correct, total, lossSum / total);
    }

    private static void checkClasses(ClassifierTask<?> c, Dataset data) {
        if (data.numLabels() != c.numClasses()) {
            throw new IllegalArgumentException(data.source() + " has " + data.numLabels() + " classes but the classifier has "
                    + c.numClasses() + " " + c.classDescriptions());
        }
        if (data.isEmpty()) {
            throw new IllegalArgumentException(data.source() + " holds no examples");
        }
    }

    private static void report(PrintStream out, String what, EncoderClassifier c, Dataset data, int batch) {
        report(out, what, ClassifierTask.of(c), data, batch);
    }

    private static void report(PrintStream out, String what, ClassifierTask<?> c, Dataset data, int batch) {
        Evaluation e = evaluate(c, data, batch);
        out.printf(Locale.ROOT, "%s on %s: accuracy %.2f %% (%d/%d), mean loss %.4f%n", what, data.source(),
                100 * e.accuracy(), e.correct(), e.total(), e.meanLoss());
    }
}
