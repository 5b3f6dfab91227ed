package dev.zoft.cli;

import dev.zoft.tensor.random.Distribution;
import dev.zoft.zo.estimate.BlockScales;
import dev.zoft.zo.estimate.Estimator;
import dev.zoft.zo.estimate.RestoreMode;
import dev.zoft.zo.estimate.ZoSettings;
import dev.zoft.zo.task.BatchEncoder;
import dev.zoft.zo.task.ClassificationHead;
import dev.zoft.zo.task.ClassifierOptions;
import dev.zoft.zo.task.DecoderClassifierOptions;
import dev.zoft.zo.task.DecoderSubset;
import dev.zoft.zo.task.TrainableSubset;
import dev.zoft.zo.train.EstimatorSpec;
import dev.zoft.zo.train.Finetuner;
import dev.zoft.zo.train.LearningRateSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The training flags {@code zoft finetune} and {@code zoft simulate} share, parsed and validated in
 * one place so that both commands accept the same spelling, the same ranges and the same errors:
 *
 * <pre>
 *   --estimator mezo|fedspzo|fedspzo-decoupled   --p N  --p1 N  --p2 N
 *   --eps E  --lr LR  --lr-end LR  --distribution gaussian|rademacher  --restore snapshot|in-place|fused
 *   --subset all|top-K|head|bitfit  --split L|auto  --max-tokens N
 *   --seed S  --batch B  --threads N
 *   --clip B  --eps1 E  --eps2 E  --lr1 F  --lr2 F      (the knobs beyond the paper)
 * </pre>
 *
 * A command parses with {@code Args.parse(argv, TrainingOptions.withValued(own flags), flags)},
 * then {@link #parse(Args, Defaults)}; {@link #USAGE} is the matching help text.
 */
record TrainingOptions(EstimatorSpec estimator, double lr, Double lrEnd, TrainableSubset subset, int split,
                       int maxTokens, long seed, int batch, String subsetText, float clip, BlockScales scales) {

    /** The valued options read here ({@code --threads} included, applied by {@link Threads}). */
    static final Set<String> VALUED = Set.of("estimator", "p", "p1", "p2", "eps", "lr", "lr-end", "distribution",
            "restore", "subset", "split", "max-tokens", "seed", "batch", "threads", "clip", "eps1", "eps2", "lr1", "lr2");

    /** FedSPZO's per-block flags, refused on MeZO. */
    private static final List<String> BLOCK_FLAGS = List.of("eps1", "eps2", "lr1", "lr2");

    /** Help lines for the shared flags, for a command's usage text. */
    static final String USAGE = """
              --estimator NAME  mezo, fedspzo (nested split perturbation) or fedspzo-decoupled
              --p N             MeZO directions per step
              --p1 N, --p2 N    FedSPZO directions for block 1 and block 2
              --eps E           perturbation scale epsilon
              --lr LR           learning rate (constant unless --lr-end is given)
              --lr-end LR       decay the learning rate linearly from --lr to this over the run
              --distribution D  law of the directions: gaussian or rademacher
              --restore MODE    snapshot (exact, 4 bytes per trainable parameter), in-place, or fused
                                (decoders: perturbations generated inside the GEMMs, never written)
              --subset S        trainable tensors: all, top-K (top K layers), head (encoder only),
                                bitfit (decoders: norms, every norm and bias)
              --split L         block 1 = embeddings + layers [0, L); auto = floor(3/4 of the layers)
              --max-tokens N    truncate texts at N tokens
              --seed S          run seed (directions, shuffling, dev subset)
              --batch B         sentences per step
              --threads N       worker threads (default: the machine's cores)
              --clip B          clip every projected-gradient scalar (L+ - L-)/2eps to [-B, B]
                                before it is used, uploaded or logged (default: off)
              --eps1 E, --eps2 E  FedSPZO: block 1's and block 2's perturbation scale (default --eps)
              --lr1 F, --lr2 F  FedSPZO: factors on the learning rate of block 1 and block 2
                                (default 1; 0 freezes the block)""".indent(2).stripTrailing();

    /**
     * A command's defaults for the shared flags.
     *
     * @param method estimator when --estimator is absent
     */
    record Defaults(EstimatorSpec.Method method, int p, int p1, int p2, double eps, double lr, String subset,
                    long seed, int batch) {
        /**
         * Single-device finetuning of MiniLM on the demo set: BitFit with FedSPZO (2 × 4
         * directions) at lr 1e-3 took the demo dev set from 81.7 % to 87.5 % in 200 steps
         * (2m46s on 2 shared cores); lr 1e-4 moved it only to 82.5 %, 1e-2 diverged.
         */
        static final Defaults FINETUNE = new Defaults(EstimatorSpec.Method.FEDSPZO_NESTED, 4, 2, 4, 1e-3, 1e-3,
                "bitfit", 42, 16);

        Defaults withLr(double newLr) {
            return new Defaults(method, p, p1, p2, eps, newLr, subset, seed, batch);
        }

        Defaults withSubset(String newSubset) {
            return new Defaults(method, p, p1, p2, eps, lr, newSubset, seed, batch);
        }
    }

    /** {@link #VALUED} plus a command's own valued options. */
    static Set<String> withValued(String... own) {
        Set<String> all = new HashSet<>(VALUED);
        all.addAll(List.of(own));
        return all;
    }

    /**
     * Reads the shared flags from {@code args} (missing ones from {@code d}) and applies
     * {@code --threads}.
     *
     * @throws UsageException naming the flag and the accepted values
     */
    static TrainingOptions parse(Args args, Defaults d) {
        Threads.apply(args);
        EstimatorSpec.Method method;
        try {
            method = args.has("estimator") ? EstimatorSpec.Method.parse(args.string("estimator", "")) : d.method();
        } catch (IllegalArgumentException e) {
            throw new UsageException("--estimator: " + e.getMessage());
        }
        int p1;
        int p2;
        if (method == EstimatorSpec.Method.MEZO) {
            if (args.has("p1") || args.has("p2")) {
                throw new UsageException("--p1 and --p2 are FedSPZO's; MeZO takes --p");
            }
            p1 = args.integer("p", d.p(), 1, 4096);
            p2 = 1;
        } else {
            if (args.has("p")) {
                throw new UsageException("--p is MeZO's; FedSPZO takes --p1 and --p2");
            }
            p1 = args.integer("p1", d.p1(), 1, 4096);
            p2 = args.integer("p2", d.p2(), 1, 4096);
        }
        double eps = args.real("eps", d.eps(), Float.MIN_NORMAL, 1.0);
        Distribution distribution = Distribution.valueOf(
                args.choice("distribution", "gaussian", List.of("gaussian", "rademacher")).toUpperCase(Locale.ROOT));
        RestoreMode restore = switch (args.choice("restore", "snapshot", List.of("snapshot", "in-place", "fused"))) {
            case "in-place" -> RestoreMode.IN_PLACE;
            case "fused" -> RestoreMode.FUSED;
            default -> RestoreMode.SNAPSHOT;
        };
        EstimatorSpec spec;
        try {
            spec = new EstimatorSpec(method, p1, p2, (float) eps, distribution, restore);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        float clip = clip(args, spec);
        BlockScales scales = blockScales(args, spec);
        double lr = args.real("lr", d.lr(), 0, 1e3);
        Double lrEnd = args.has("lr-end") ? args.real("lr-end", 0, 0, 1e3) : null;
        TrainableSubset subset;
        String subsetText = args.string("subset", d.subset());
        try {
            // "norms" is the decoder spelling of BitFit; an encoder run reads it as bitfit.
            subset = TrainableSubset.parse(subsetText.trim().equalsIgnoreCase("norms") ? "bitfit" : subsetText);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--subset: " + e.getMessage());
        }
        String splitText = args.string("split", "auto");
        int split = splitText.equalsIgnoreCase("auto") ? ClassifierOptions.AUTO_SPLIT
                : args.integer("split", 0, 0, 1024);
        int maxTokens = args.integer("max-tokens", BatchEncoder.DEFAULT_MAX_TOKENS, 2, 512);
        long seed = args.longInteger("seed", d.seed(), Long.MIN_VALUE, Long.MAX_VALUE);
        int batch = args.integer("batch", d.batch(), 1, 4096);
        return new TrainingOptions(spec, lr, lrEnd, subset, split, maxTokens, seed, batch, subsetText, clip, scales);
    }

    /** {@code --clip}, checked by {@link ZoSettings}'s rule; {@link ZoSettings#NO_CLIP} when absent. */
    private static float clip(Args args, EstimatorSpec spec) {
        if (!args.has("clip")) {
            return ZoSettings.NO_CLIP;
        }
        // Args refuses NaN and the infinities (absence is "off"); ZoSettings refuses the rest.
        float bound = asFloat("clip", args.real("clip", 0, -Double.MAX_VALUE, Double.MAX_VALUE));
        try {
            spec.settings().withClip(bound);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--clip: " + e.getMessage());
        }
        return bound;
    }

    /**
     * {@code --eps1 --eps2 --lr1 --lr2}, each checked by {@link BlockScales}' rule; uniform at
     * {@code --eps} when none is given. MeZO has one block: any of them is a usage error there.
     */
    private static BlockScales blockScales(Args args, EstimatorSpec spec) {
        float eps = spec.epsilon();
        if (spec.method() == EstimatorSpec.Method.MEZO) {
            for (String f : BLOCK_FLAGS) {
                if (args.has(f)) {
                    throw new UsageException("--" + f + ": mezo has one block: eps1/eps2/lr1/lr2 are FedSPZO's");
                }
            }
            return BlockScales.uniform(eps);
        }
        float eps1 = blockEpsilon(args, "eps1", eps);
        float eps2 = blockEpsilon(args, "eps2", eps);
        double lr1 = blockFactor(args, "lr1", eps);
        double lr2 = blockFactor(args, "lr2", eps);
        BlockScales scales = new BlockScales(eps1, eps2, lr1, lr2);
        try {
            spec.create(ZoSettings.NO_CLIP, scales); // the estimator's own check, so no rule lives here twice
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        return scales;
    }

    private static float blockEpsilon(Args args, String flag, float eps) {
        float e = asFloat(flag, args.real(flag, eps, -Double.MAX_VALUE, Double.MAX_VALUE));
        try {
            BlockScales.uniform(e);
        } catch (IllegalArgumentException ex) {
            throw new UsageException("--" + flag + ": " + ex.getMessage());
        }
        return e;
    }

    private static double blockFactor(Args args, String flag, float eps) {
        double f = args.real(flag, 1, -Double.MAX_VALUE, Double.MAX_VALUE);
        try {
            new BlockScales(eps, eps, f, 1);
        } catch (IllegalArgumentException ex) {
            throw new UsageException("--" + flag + ": " + ex.getMessage());
        }
        return f;
    }

    /** {@code value} as a float, refused when it overflows (a float infinity would silently mean "off"). */
    private static float asFloat(String flag, double value) {
        float f = (float) value;
        if (Float.isInfinite(f)) {
            throw new UsageException("--" + flag + " must fit a float (at most " + Float.MAX_VALUE + "), got " + value);
        }
        return f;
    }

    /** A new estimator of these options: {@link #estimator()} with {@link #clip()} and {@link #scales()}. */
    Estimator createEstimator() {
        return estimator.create(clip, scales);
    }

    /**
     * The single-device run of {@code steps} steps: the estimator, the learning-rate schedule, the
     * batch and seed, and the knobs beyond the paper ({@code zoft finetune}, classification and LM).
     */
    Finetuner.Config finetuneConfig(long steps, int evalEvery, int devSize) {
        return new Finetuner.Config(estimator, learningRate(steps), batch, steps, seed, evalEvery, devSize)
                .withKnobs(clip, scales);
    }

    /** The schedule over a run of {@code steps} steps: constant, or linear to {@code --lr-end}. */
    LearningRateSpec learningRate(long steps) {
        return lrEnd == null ? LearningRateSpec.constant(lr) : LearningRateSpec.linearDecay(lr, lrEnd, Math.max(1, steps));
    }

    /** The task: the sentiment prompts and temperature with this subset, split and token cap. */
    ClassifierOptions classifier() {
        return new ClassifierOptions(ClassifierOptions.SENTIMENT_PROMPTS, ClassificationHead.DEFAULT_TEMPERATURE,
                split, subset, maxTokens);
    }

    /**
     * The decoder subset {@code --subset} names: all, top-K, or norms (bitfit is read as norms:
     * every norm scale and shift and every bias).
     *
     * @throws UsageException for head, which has no decoder meaning (the LM head is the vocabulary)
     */
    DecoderSubset decoderSubset() {
        String s = subsetText.trim().toLowerCase(Locale.ROOT);
        if (s.equals("head")) {
            throw new UsageException("--subset head has no decoder meaning; a decoder trains all, top-K or norms (bitfit)");
        }
        try {
            return DecoderSubset.parse(s.equals("bitfit") ? "norms" : s);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--subset: " + e.getMessage());
        }
    }

    /** The decoder label-word task with this subset, split and token cap. */
    DecoderClassifierOptions decoderClassifier(String template, List<String> labelWords) {
        try {
            return new DecoderClassifierOptions(template, labelWords, decoderSubset(), split, maxTokens);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** One line for the run's header output. */
    String describe() {
        return describe(estimator.describe(clip, scales));
    }

    /** {@link #describe()} with {@code estimatorText} for the estimator (e.g. with a direction schedule). */
    String describe(String estimatorText) {
        return estimatorText + ", " + (lrEnd == null ? "lr " + lr : "lr " + lr + " → " + lrEnd)
                + ", subset " + subset.spec() + ", split " + (split == ClassifierOptions.AUTO_SPLIT ? "auto" : split)
                + ", batch " + batch + ", seed " + seed;
    }
}
