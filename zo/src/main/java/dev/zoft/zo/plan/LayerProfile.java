package dev.zoft.zo.plan;

import dev.zoft.transformer.bert.BertConfig;
import dev.zoft.zo.task.EncoderClassifier;
import dev.zoft.zo.task.LabelledBatch;
import dev.zoft.zo.task.TrainableSubset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The cost of every stage of a network for one batch shape, in forward order: the embeddings,
 * each layer, the head. Split {@code s} puts stages {@code [0, s]} in block 1 (embeddings and
 * layers {@code [0, s)}, as {@link EncoderClassifier#splitLayer()} counts) and the rest in block 2,
 * so {@code s} ranges over {@code [0, stages − 2]} and block 2 always holds the head.
 *
 * <p>FLOPs are exact and come from the objective's own counting ({@link EncoderClassifier#stageFlops}),
 * so a plan's FLOP cost is what the cost meters of a run will count. Seconds, when measured
 * ({@link #measure}), are the median wall time of each stage over several real forwards on this
 * device, after a warm-up; they are NaN in a FLOPs-only profile.
 *
 * @param batchSize sequences per batch
 * @param seqLen    padded tokens per sequence (a plan made at the longest length bounds every shorter batch)
 * @param stages    at least two: something before the split and the head after it
 */
public record LayerProfile(int batchSize, int seqLen, List<Stage> stages) {

    /**
     * One stage.
     *
     * @param name                {@code embeddings}, {@code layer 3}, {@code head}
     * @param flops               forward FLOPs, ≥ 0
     * @param seconds             measured median wall seconds, or NaN when not measured
     * @param trainableParameters trainable parameters of the stage, ≥ 0
     */
    public record Stage(String name, long flops, double seconds, long trainableParameters) {
        public Stage {
            Objects.requireNonNull(name, "name");
            if (flops < 0 || trainableParameters < 0) {
                throw new IllegalArgumentException("stage " + name + ": FLOPs and parameter counts are ≥ 0, got "
                        + flops + " and " + trainableParameters);
            }
            if (!Double.isNaN(seconds) && !(seconds >= 0 && Double.isFinite(seconds))) {
                throw new IllegalArgumentException("stage " + name + ": seconds must be ≥ 0 and finite (or NaN), got " + seconds);
            }
        }
    }

    public LayerProfile {
        if (batchSize < 1 || seqLen < 1) {
            throw new IllegalArgumentException("batch shape must be positive, got " + batchSize + " × " + seqLen);
        }
        stages = List.copyOf(stages);
        if (stages.size() < 2) {
            throw new IllegalArgumentException("a profile needs at least two stages (block 1 and the head), got " + stages.size());
        }
        boolean anyTimed = stages.stream().anyMatch(s -> !Double.isNaN(s.seconds()));
        boolean allTimed = stages.stream().noneMatch(s -> Double.isNaN(s.seconds()));
        if (anyTimed && !allTimed) {
            throw new IllegalArgumentException("a profile times every stage or none");
        }
        long trainable = 0;
        long flops = 0;
        for (Stage s : stages) {
            // Checked once here so that no sum over stages can overflow later.
            trainable = Math.addExact(trainable, s.trainableParameters());
            flops = Math.addExact(flops, s.flops());
        }
    }

    /**
     * The FLOP profile of {@code classifier} on padded {@code batchSize × seqLen} batches, with its
     * trainable parameters per stage. No forward runs.
     */
    public static LayerProfile flops(EncoderClassifier classifier, int batchSize, int seqLen) {
        return of(batchSize, seqLen, classifier.stageFlops(batchSize, seqLen), null, classifier.stageTrainableParameters());
    }

    /**
     * The FLOP profile of a classifier that would be built over {@code config} training {@code subset}
     * with {@code numClasses} classes, without loading a model (shapes only).
     */
    public static LayerProfile flops(BertConfig config, TrainableSubset subset, int numClasses, int batchSize, int seqLen) {
        return of(batchSize, seqLen, EncoderClassifier.stageFlops(config, numClasses, batchSize, seqLen), null,
                EncoderClassifier.stageTrainableParameters(config, subset, numClasses));
    }

    /**
     * The FLOPs and measured seconds of {@code classifier} on {@code batch}: {@code warmup} untimed
     * forwards (JIT compilation, scratch allocation), then the median per stage of {@code runs} timed
     * forwards ({@link EncoderClassifier#stageSeconds}). Runs on the classifier's kernels and threads.
     */
    public static LayerProfile measure(EncoderClassifier classifier, LabelledBatch batch, int warmup, int runs) {
        if (warmup < 0 || runs < 1) {
            throw new IllegalArgumentException("need warmup ≥ 0 and runs ≥ 1, got " + warmup + " and " + runs);
        }
        for (int i = 0; i < warmup; i++) {
            classifier.stageSeconds(batch);
        }
        double[][] samples = new double[classifier.numStages()][runs];
        for (int r = 0; r < runs; r++) {
            double[] s = classifier.stageSeconds(batch);
            for (int i = 0; i < s.length; i++) {
                samples[i][r] = s[i];
            }
        }
        double[] medians = new double[samples.length];
        for (int i = 0; i < samples.length; i++) {
            medians[i] = median(samples[i]);
        }
        return of(batch.size(), batch.seqLen(), classifier.stageFlops(batch.size(), batch.seqLen()), medians,
                classifier.stageTrainableParameters());
    }

    /**
     * {@link #measure} on a batch of {@code batchSize} copies of a text long enough to fill the
     * classifier's token limit ({@link dev.zoft.zo.task.ClassifierOptions#maxTokens}), so every
     * sequence has exactly that many tokens: the worst case a plan must fit.
     */
    public static LayerProfile measureFull(EncoderClassifier classifier, int batchSize, int warmup, int runs) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        int tokens = classifier.options().maxTokens();
        String text = String.join(" ", java.util.Collections.nCopies(tokens, "the film was a quiet delight"));
        LabelledBatch batch = classifier.encode(java.util.Collections.nCopies(batchSize, text), new int[batchSize]);
        return measure(classifier, batch, warmup, runs);
    }

    private static LayerProfile of(int batchSize, int seqLen, long[] flops, double[] seconds, long[] trainable) {
        List<Stage> stages = new ArrayList<>(flops.length);
        for (int i = 0; i < flops.length; i++) {
            String name = i == 0 ? "embeddings" : i == flops.length - 1 ? "head" : "layer " + (i - 1);
            stages.add(new Stage(name, flops[i], seconds == null ? Double.NaN : seconds[i], trainable[i]));
        }
        return new LayerProfile(batchSize, seqLen, stages);
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /** Whether every stage has measured seconds. */
    public boolean measured() {
        return !Double.isNaN(stages.getFirst().seconds());
    }

    /** The last split: block 1 = every stage but the head. */
    public int maxSplit() {
        return stages.size() - 2;
    }

    /** Each stage's cost in {@code unit}. */
    public double[] costs(Budget.Unit unit) {
        if (unit == Budget.Unit.SECONDS && !measured()) {
            throw new IllegalArgumentException("a budget in seconds needs a measured profile (this one has FLOPs only)");
        }
        double[] c = new double[stages.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = unit == Budget.Unit.FLOPS ? stages.get(i).flops() : stages.get(i).seconds();
        }
        return c;
    }

    /** Exact forward FLOPs of block 1 (stages {@code [0, split]}). */
    public long block1Flops(int split) {
        requireSplit(split);
        long f = 0;
        for (int i = 0; i <= split; i++) {
            f = Math.addExact(f, stages.get(i).flops());
        }
        return f;
    }

    /** Exact forward FLOPs of block 2 (stages after {@code split}). */
    public long block2Flops(int split) {
        requireSplit(split);
        long f = 0;
        for (int i = split + 1; i < stages.size(); i++) {
            f = Math.addExact(f, stages.get(i).flops());
        }
        return f;
    }

    /** Trainable parameters of block 1 at {@code split}. */
    public long block1Trainable(int split) {
        requireSplit(split);
        long n = 0;
        for (int i = 0; i <= split; i++) {
            n += stages.get(i).trainableParameters();
        }
        return n;
    }

    /** Every trainable parameter. */
    public long totalTrainable() {
        long n = 0;
        for (Stage s : stages) {
            n += s.trainableParameters();
        }
        return n;
    }

    void requireSplit(int split) {
        if (split < 0 || split > maxSplit()) {
            throw new IllegalArgumentException("split " + split + " outside [0, " + maxSplit() + "]");
        }
    }

    /** A table: one row per stage with its FLOPs, seconds (if measured), share of the forward and trainable parameters. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        long totalFlops = block1Flops(maxSplit()) + block2Flops(maxSplit());
        double totalSeconds = 0;
        for (Stage s : stages) {
            totalSeconds += measured() ? s.seconds() : 0;
        }
        sb.append(String.format(Locale.ROOT, "%-12s %14s %8s %12s %8s %14s%n", "stage", "FLOPs", "share", "seconds", "share",
                "trainable"));
        for (Stage s : stages) {
            sb.append(String.format(Locale.ROOT, "%-12s %14.4e %7.1f%% %12s %8s %,14d%n", s.name(), (double) s.flops(),
                    totalFlops == 0 ? 0.0 : 100.0 * s.flops() / totalFlops,
                    measured() ? String.format(Locale.ROOT, "%.6f", s.seconds()) : "-",
                    measured() && totalSeconds > 0 ? String.format(Locale.ROOT, "%.1f%%", 100 * s.seconds() / totalSeconds) : "-",
                    s.trainableParameters()));
        }
        sb.append(String.format(Locale.ROOT, "%-12s %14.4e %8s %12s %8s %,14d%n", "forward", (double) totalFlops, "",
                measured() ? String.format(Locale.ROOT, "%.6f", totalSeconds) : "-", "", totalTrainable()));
        return sb.toString();
    }
}
