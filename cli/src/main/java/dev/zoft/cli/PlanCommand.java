package dev.zoft.cli;

import dev.zoft.tokenizer.HfTokenizer;
import dev.zoft.tokenizer.TokenizerJson;
import dev.zoft.transformer.bert.BertConfig;
import dev.zoft.transformer.bert.BertModel;
import dev.zoft.transformer.bert.BertWeights;
import dev.zoft.transformer.bert.MiniLm;
import dev.zoft.weights.EncoderCheckpoint;
import dev.zoft.weights.EncoderHyperparameters;
import dev.zoft.zo.estimate.FedSpzo;
import dev.zoft.zo.plan.Budget;
import dev.zoft.zo.plan.LayerProfile;
import dev.zoft.zo.plan.PlanConstraints;
import dev.zoft.zo.plan.SplitPlan;
import dev.zoft.zo.plan.SplitPlanner;
import dev.zoft.zo.task.ClassifierOptions;
import dev.zoft.zo.task.EncoderClassifier;
import dev.zoft.zo.task.TrainableSubset;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code zoft plan}: the per-stage cost profile of an encoder classifier and the FedSPZO split, P1
 * and P2 that {@link SplitPlanner} chooses for a budget. A thin layer over {@link LayerProfile} and
 * {@link SplitPlanner}.
 */
final class PlanCommand implements Command {

    @Override
    public String name() {
        return "plan";
    }

    @Override
    public String summary() {
        return "choose FedSPZO's split, P1 and P2 for a FLOP or seconds budget from a per-layer profile";
    }

    @Override
    public String usage() {
        return """
                usage: zoft plan (--budget-flops X | --budget-seconds S) [--per step|round] [--local-steps N]
                                 [--model DIR] [--trainable S] [--batch B] [--tokens T] [--classes C]
                                 [--variant nested|decoupled] [--max-p1 N] [--max-p2 N] [--min-share F]
                                 [--no-frozen] [--measure] [--warmup N] [--runs N] [--threads N]

                Prints the cost of every stage (embeddings, each layer, head) of the classifier on
                B × T token batches, then the FedSPZO plan for the budget: the split, P1 and P2 that give
                the most block-2 directions per step (then the most block-1 directions) within it, with
                block 2 holding at least --min-share of the trainable parameters. A seconds budget
                times real forwards on this machine (median of --runs after --warmup); a FLOP budget
                needs no forward unless --measure is given.

                  --budget-flops X      forward FLOPs allowed per step or per round (e.g. 2e11)
                  --budget-seconds S    wall seconds of forwards allowed per step or per round
                  --per step|round      what the budget covers (default round)
                  --local-steps N       local steps per round (default 2)
                  --model DIR           a Hugging Face BERT folder (config.json, model.safetensors,
                                        tokenizer.json; default: the bundled all-MiniLM-L6-v2)
                  --trainable S         all, top-K, head or bitfit (default all)
                  --batch B             sequences per batch (default 16)
                  --tokens T            tokens per sequence, padded (default 64): the plan bounds shorter batches
                  --classes C           classes of the task (default 2)
                  --variant V           nested (default) or decoupled
                  --max-p1 N, --max-p2 N  direction caps (default 4 and 16)
                  --min-share F         block 2's least share of the trainable parameters (default 0.1)
                  --no-frozen           refuse splits that leave block 1 without trainable parameters
                  --measure             time real forwards even for a FLOP budget
                  --warmup N, --runs N  untimed and timed forwards when measuring (default 3 and 5)
                  --threads N           worker threads (default: the machine's cores)""";
    }

    @Override
    public int run(List<String> argv, PrintStream out) throws IOException {
        Args args = Args.parse(argv, Set.of("budget-flops", "budget-seconds", "per", "local-steps", "model", "trainable",
                "batch", "tokens", "classes", "variant", "max-p1", "max-p2", "min-share", "warmup", "runs", "threads"),
                Set.of("no-frozen", "measure"));
        if (!args.positional().isEmpty()) {
            throw new UsageException("plan takes no positional arguments, got " + args.positional());
        }
        Threads.apply(args);
        boolean flops = args.has("budget-flops");
        if (flops == args.has("budget-seconds")) {
            throw new UsageException("give exactly one of --budget-flops and --budget-seconds");
        }
        Budget.Period period = switch (args.string("per", "round")) {
            case "step" -> Budget.Period.STEP;
            case "round" -> Budget.Period.ROUND;
            default -> throw new UsageException("--per must be step or round, got '" + args.string("per", "") + "'");
        };
        double amount = flops ? args.real("budget-flops", 0, Double.MIN_NORMAL, Double.MAX_VALUE)
                : args.real("budget-seconds", 0, Double.MIN_NORMAL, Double.MAX_VALUE);
        Budget budget = new Budget(flops ? Budget.Unit.FLOPS : Budget.Unit.SECONDS, period, amount);
        int localSteps = args.integer("local-steps", 2, 1, 1_000_000);
        int batch = args.integer("batch", 16, 1, 1 << 16);
        int tokens = args.integer("tokens", 64, 2, 1 << 16);
        int classes = args.integer("classes", 2, 2, 1 << 16);
        TrainableSubset subset;
        try {
            subset = TrainableSubset.parse(args.string("trainable", "all"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--trainable: " + e.getMessage());
        }
        FedSpzo.Variant variant = switch (args.string("variant", "nested")) {
            case "nested" -> FedSpzo.Variant.NESTED;
            case "decoupled" -> FedSpzo.Variant.DECOUPLED;
            default -> throw new UsageException("--variant must be nested or decoupled, got '" + args.string("variant", "") + "'");
        };
        PlanConstraints defaults = PlanConstraints.defaults();
        PlanConstraints constraints = new PlanConstraints(args.integer("max-p1", defaults.maxP1(), 1, 1 << 16),
                args.integer("max-p2", defaults.maxP2(), 1, 1 << 16), args.real("min-share", defaults.minBlock2Share(), 0, 1),
                !args.flag("no-frozen"));
        boolean measure = !flops || args.flag("measure");
        int warmup = args.integer("warmup", 3, 0, 1000);
        int runs = args.integer("runs", 5, 1, 1000);
        Path model = args.has("model") ? Path.of(args.string("model", null)) : null;
        if (model != null && !Files.isDirectory(model)) {
            throw new UsageException("--model must be a Hugging Face BERT folder, got " + model);
        }

        LayerProfile profile;
        String modelName = model == null ? "all-MiniLM-L6-v2 (bundled)" : model.toString();
        if (!measure) {
            BertConfig config = model == null ? MiniLm.CONFIG
                    : BertConfig.of(EncoderHyperparameters.fromConfigJson(model.resolve("config.json")));
            profile = LayerProfile.flops(config, subset, classes, batch, tokens);
        } else {
            profile = measured(model, subset, classes, batch, tokens, warmup, runs);
        }
        out.printf(Locale.ROOT, "%s, trainable %s, %d classes, batches of %d × %d tokens%s%n", modelName, subset.spec(),
                classes, batch, tokens, measure ? String.format(Locale.ROOT, ", seconds: median of %d forwards after %d warm-up", runs, warmup) : "");
        out.print(profile.table());
        out.println();
        out.printf(Locale.ROOT, "budget %s, %d local steps a round; P1 ≤ %d, P2 ≤ %d, block 2 ≥ %.1f %% of the trainable parameters%s%n",
                budget, localSteps, constraints.maxP1(), constraints.maxP2(), 100 * constraints.minBlock2Share(),
                constraints.allowFrozenBlock1() ? "" : ", block 1 must train");
        SplitPlan plan = SplitPlanner.plan(profile, budget, localSteps, variant, constraints);
        out.println(plan.describe());
        out.printf(Locale.ROOT, "as flags: --estimator %s --split %d --p1 %d --p2 %d --subset %s%n",
                variant == FedSpzo.Variant.NESTED ? "fedspzo" : "fedspzo-decoupled", plan.split(), plan.p1(), plan.p2(), subset.spec());
        return 0;
    }

    /** Times real forwards of the classifier on a B × T batch (texts long enough to fill T tokens). */
    private static LayerProfile measured(Path model, TrainableSubset subset, int classes, int batch, int tokens, int warmup,
                                         int runs) throws IOException {
        List<String> prompts = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            prompts.add(c < ClassifierOptions.SENTIMENT_PROMPTS.size() ? ClassifierOptions.SENTIMENT_PROMPTS.get(c) : "Class " + c + ".");
        }
        ClassifierOptions options = ClassifierOptions.defaults().withLabelPrompts(prompts).withTrainable(subset).withMaxTokens(tokens);
        try (Compute compute = Compute.open()) {
            if (model == null) {
                try (EncoderClassifier c = EncoderClassifier.miniLm(compute.kernels(), options)) {
                    return LayerProfile.measureFull(c, batch, warmup, runs);
                }
            }
            HfTokenizer tokenizer = TokenizerJson.load(model.resolve("tokenizer.json"));
            try (EncoderCheckpoint checkpoint = EncoderCheckpoint.openHuggingFace(model)) {
                BertConfig config = BertConfig.of(checkpoint.hyperparameters());
                BertWeights weights = BertModel.weightsOf(checkpoint.weights(), config);
                try (EncoderClassifier c = EncoderClassifier.create(config, weights, compute.kernels(), tokenizer, options)) {
                    return LayerProfile.measureFull(c, batch, warmup, runs);
                }
            }
        }
    }
}
