package dev.zoft.zo.data;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * An immutable labelled text dataset: examples in a fixed order, the class names, and a
 * description of where it came from.
 *
 * <p>Stored as parallel arrays (texts, class indices), not as a list of records, so a large
 * dataset costs little more than its strings. The helpers ({@link #firstN}, {@link #shuffled},
 * {@link #balanced}, {@link #stratified}, {@link #subset}) return new datasets sharing the
 * strings. Shuffles use {@link SplittableRandom} seeded with the given seed, so they are
 * deterministic for a seed.
 */
public final class Dataset implements Iterable<LabeledText> {

    private final String[] texts;
    private final int[] labels;
    private final Labels labelNames;
    private final String source;

    private Dataset(String[] texts, int[] labels, Labels labelNames, String source) {
        this.texts = texts;
        this.labels = labels;
        this.labelNames = labelNames;
        this.source = source;
    }

    /**
     * A dataset of {@code examples}; every label must be a class of {@code labels}.
     *
     * @param source a human-readable description of the origin (a path, "classpath:...", ...)
     */
    public static Dataset of(List<LabeledText> examples, Labels labels, String source) {
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(source, "source");
        String[] t = new String[examples.size()];
        int[] l = new int[t.length];
        for (int i = 0; i < t.length; i++) {
            LabeledText e = examples.get(i);
            if (e.label() >= labels.size()) {
                throw new IllegalArgumentException("example " + i + " has label " + e.label()
                        + " but there are only " + labels.size() + " classes " + labels.names());
            }
            t[i] = e.text();
            l[i] = e.label();
        }
        return new Dataset(t, l, labels, source);
    }

    /** Package-private: the readers hand over arrays they built and never touch again. */
    static Dataset wrap(String[] texts, int[] labels, Labels labelNames, String source) {
        return new Dataset(texts, labels, labelNames, source);
    }

    public int size() {
        return texts.length;
    }

    public boolean isEmpty() {
        return texts.length == 0;
    }

    public LabeledText get(int i) {
        return new LabeledText(texts[i], labels[i]);
    }

    public String text(int i) {
        return texts[i];
    }

    public int label(int i) {
        return labels[i];
    }

    /** The class names; {@code labels().size()} is the number of classes. */
    public Labels labels() {
        return labelNames;
    }

    public int numLabels() {
        return labelNames.size();
    }

    /** Where the data came from, with the derivations applied (e.g. "train.tsv (first 100)"). */
    public String source() {
        return source;
    }

    /** A copy of the class index of every example, in order. */
    public int[] labelArray() {
        return labels.clone();
    }

    /** All texts, in order (an unmodifiable view). */
    public List<String> texts() {
        return Collections.unmodifiableList(Arrays.asList(texts));
    }

    /** All examples, in order (an unmodifiable view; elements are created on access). */
    public List<LabeledText> examples() {
        return new AbstractList<>() {
            @Override
            public LabeledText get(int i) {
                return Dataset.this.get(i);
            }

            @Override
            public int size() {
                return texts.length;
            }
        };
    }

    @Override
    public Iterator<LabeledText> iterator() {
        return examples().iterator();
    }

    /** Number of examples of each class, indexed by class. */
    public int[] labelCounts() {
        int[] c = new int[labelNames.size()];
        for (int l : labels) {
            c[l]++;
        }
        return c;
    }

    /** The first {@code n} examples (all of them if there are fewer). */
    public Dataset firstN(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        int m = Math.min(n, texts.length);
        return new Dataset(Arrays.copyOf(texts, m), Arrays.copyOf(labels, m), labelNames,
                source + " (first " + m + ")");
    }

    /** The examples at {@code indices}, in that order (repeats allowed). */
    public Dataset subset(int[] indices, String description) {
        String[] t = new String[indices.length];
        int[] l = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            int k = Objects.checkIndex(indices[i], texts.length);
            t[i] = texts[k];
            l[i] = labels[k];
        }
        return new Dataset(t, l, labelNames, source + " (" + description + ")");
    }

    /** All examples in a random order determined by {@code seed}. */
    public Dataset shuffled(long seed) {
        return subset(permutation(texts.length, seed), "shuffled, seed " + seed);
    }

    /**
     * {@code perClass} examples of every class, chosen uniformly at random by {@code seed}, in a
     * random order.
     *
     * @throws IllegalArgumentException if some class has fewer than {@code perClass} examples
     */
    public Dataset balanced(int perClass, long seed) {
        if (perClass < 0) {
            throw new IllegalArgumentException("perClass must be >= 0, got " + perClass);
        }
        int[] counts = labelCounts();
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] < perClass) {
                throw new IllegalArgumentException("cannot take " + perClass + " examples per class from " + source
                        + ": class " + c + " (" + labelNames.name(c) + ") has only " + counts[c]);
            }
        }
        int[] quota = new int[counts.length];
        Arrays.fill(quota, perClass);
        return takeByQuota(quota, seed, "balanced, " + perClass + " per class, seed " + seed);
    }

    /**
     * {@code n} examples chosen at random by {@code seed} with the class proportions of the whole
     * dataset (largest-remainder rounding), in a random order. Handy for a quick but unbiased
     * evaluation subset.
     */
    public Dataset stratified(int n, long seed) {
        if (n < 0 || n > texts.length) {
            throw new IllegalArgumentException("n must be in [0, " + texts.length + "], got " + n);
        }
        int[] quota = Apportion.largestRemainder(labelCounts(), n);
        return takeByQuota(quota, seed, "stratified " + n + ", seed " + seed);
    }

    private Dataset takeByQuota(int[] quota, long seed, String description) {
        int[] perm = permutation(texts.length, seed);
        int total = 0;
        for (int q : quota) {
            total += q;
        }
        int[] taken = new int[quota.length];
        int[] pick = new int[total];
        int k = 0;
        for (int i = 0; i < perm.length && k < total; i++) {
            int l = labels[perm[i]];
            if (taken[l] < quota[l]) {
                taken[l]++;
                pick[k++] = perm[i];
            }
        }
        return subset(pick, description);
    }

    /** A uniformly random permutation of 0..n-1 (Fisher–Yates on a seeded SplittableRandom). */
    static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    @Override
    public String toString() {
        return "Dataset[" + source + ", " + texts.length + " examples, labels " + labelNames.names()
                + " counts " + Arrays.toString(labelCounts()) + "]";
    }
}
