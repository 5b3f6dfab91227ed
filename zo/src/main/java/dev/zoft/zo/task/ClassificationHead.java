package dev.zoft.zo.task;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;

import java.lang.foreign.Arena;

/**
 * A cosine-similarity classifier over sentence embeddings: class c has a vector {@code w_c}
 * (a trainable parameter, {@value #PARAMETER_NAME}, {@code [classes × H]} F32 in a shared
 * arena), and
 *
 * <pre>
 *   logit_c = cos(e, w_c) / τ = e·w_c / (max(|e|, 1e-8) · max(|w_c|, 1e-8)) / τ
 *   loss    = mean over the batch of  −log softmax(logits)[label]
 * </pre>
 *
 * <p>Started from the embeddings of label prompts ("It was terrible." / "It was great."), it is a
 * zero-shot classifier before any training: the task alignment ZO needs. Everything after the
 * pooled embeddings is computed in double, one sequence after another in index order, so the loss
 * is a fixed sequence of operations on the pooled floats: bit-reproducible whatever the threads.
 */
public final class ClassificationHead implements AutoCloseable {
    /** The name of the class vectors in a task's parameter view. */
    public static final String PARAMETER_NAME = "head.class_vectors";
    /** The temperature of the task (logits span ±20 for cosines in [−1, 1]). */
    public static final double DEFAULT_TEMPERATURE = 0.05;
    /** The floor of a norm, as in {@code torch.nn.functional.cosine_similarity}. */
    private static final double NORM_EPS = 1e-8;

    private final Arena arena;
    private final Tensor classVectors;
    private final float[] initial;
    private final int classes;
    private final int hidden;
    private final double temperature;

    private ClassificationHead(float[][] vectors, double temperature) {
        if (vectors.length < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + vectors.length);
        }
        if (!(temperature > 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("temperature must be positive and finite, got " + temperature);
        }
        this.classes = vectors.length;
        this.hidden = vectors[0].length;
        this.initial = new float[classes * hidden];
        for (int c = 0; c < classes; c++) {
            if (vectors[c].length != hidden) {
                throw new IllegalArgumentException("class vector " + c + " has " + vectors[c].length + " values, class 0 has " + hidden);
            }
            for (float v : vectors[c]) {
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("class vector " + c + " holds a non-finite value");
                }
            }
            System.arraycopy(vectors[c], 0, initial, c * hidden, hidden);
        }
        this.temperature = temperature;
        this.arena = Arena.ofShared();
        this.classVectors = Tensor.of(arena, initial, classes, hidden);
    }

    /** A head whose class vectors start as copies of {@code classVectors} (one row per class). */
    public static ClassificationHead of(float[][] classVectors, double temperature) {
        return new ClassificationHead(classVectors, temperature);
    }

    /** The trainable class vectors, {@code [classes × H]}, writable F32. */
    public Tensor classVectors() {
        return classVectors;
    }

    public int numClasses() {
        return classes;
    }

    public int hiddenSize() {
        return hidden;
    }

    public double temperature() {
        return temperature;
    }

    /** Overwrites the class vectors with their initial values, bit for bit. */
    public void restoreInitial() {
        for (int i = 0; i < initial.length; i++) {
            classVectors.setFloat(i, initial[i]);
        }
    }

    /** {@code [B][classes]} logits of the pooled embeddings {@code pooled} ({@code [B × H]}). */
    public double[][] logits(Tensor pooled) {
        return logits(pooled, classVectors);
    }

    /**
     * The logits with {@code vectors} ({@code [classes × H]}, e.g. a perturbed copy of
     * {@link #classVectors()}) in place of the class vectors.
     */
    public double[][] logits(Tensor pooled, Tensor vectors) {
        requireShape(pooled);
        if (vectors.dtype() != DType.F32 || vectors.numel() != (long) classes * hidden) {
            throw new IllegalArgumentException("class vectors " + vectors + " for a head of " + classes + " × " + hidden);
        }
        Tensor classVectors = vectors;
        int batch = (int) pooled.rows();
        double[] classNorms = new double[classes];
        for (int c = 0; c < classes; c++) {
            classNorms[c] = Math.max(norm(classVectors, c), NORM_EPS);
        }
        double[][] out = new double[batch][classes];
        for (int b = 0; b < batch; b++) {
            double n = Math.max(norm(pooled, b), NORM_EPS);
            for (int c = 0; c < classes; c++) {
                double dot = 0;
                long pb = (long) b * hidden;
                long wc = (long) c * hidden;
                for (int i = 0; i < hidden; i++) {
                    dot += (double) pooled.getFloat(pb + i) * classVectors.getFloat(wc + i);
                }
                out[b][c] = dot / (n * classNorms[c]) / temperature;
            }
        }
        return out;
    }

    /** The mean cross-entropy of {@code labels} under the logits of {@code pooled}. */
    public double loss(Tensor pooled, int[] labels) {
        return meanCrossEntropy(logits(pooled), labels);
    }

    /** The argmax class of each row of {@code pooled} (the lowest class on a tie). */
    public int[] predict(Tensor pooled) {
        return argmax(logits(pooled));
    }

    /** The mean over rows of {@code −log softmax(logits[b])[labels[b]]}, in double, rows in order. */
    public static double meanCrossEntropy(double[][] logits, int[] labels) {
        if (labels.length != logits.length) {
            throw new IllegalArgumentException(labels.length + " labels for " + logits.length + " rows of logits");
        }
        double sum = 0;
        for (int b = 0; b < logits.length; b++) {
            double[] row = logits[b];
            int y = labels[b];
            if (y < 0 || y >= row.length) {
                throw new IllegalArgumentException("label " + y + " of row " + b + " is outside 0.." + (row.length - 1));
            }
            double max = Double.NEGATIVE_INFINITY;
            for (double v : row) {
                max = Math.max(max, v);
            }
            double s = 0;
            for (double v : row) {
                s += Math.exp(v - max);
            }
            sum += max + Math.log(s) - row[y];
        }
        return sum / logits.length;
    }

    /** The index of each row's largest value (the lowest index on a tie). */
    public static int[] argmax(double[][] logits) {
        int[] out = new int[logits.length];
        for (int b = 0; b < logits.length; b++) {
            int best = 0;
            for (int c = 1; c < logits[b].length; c++) {
                if (logits[b][c] > logits[b][best]) {
                    best = c;
                }
            }
            out[b] = best;
        }
        return out;
    }

    private double norm(Tensor t, int row) {
        double s = 0;
        long base = (long) row * hidden;
        for (int i = 0; i < hidden; i++) {
            double v = t.getFloat(base + i);
            s += v * v;
        }
        return Math.sqrt(s);
    }

    private void requireShape(Tensor pooled) {
        if (pooled.dtype() != DType.F32 || pooled.rank() != 2 || pooled.cols() != hidden) {
            throw new IllegalArgumentException("pooled embeddings " + pooled + " for a head of hidden size " + hidden);
        }
    }

    /** Frees the class vectors. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
