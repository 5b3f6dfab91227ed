package dev.zoft.transformer;

import dev.zoft.tensor.Tensor;

import java.lang.foreign.Arena;

/**
 * What an encoder forward returns: the last hidden states {@code [batch·seqLen × H]} (rows of
 * padded tokens are computed but meaningless) and the masked mean-pooled embeddings
 * {@code [batch × H]}. Owns the off-heap memory of both; close it to free them.
 */
public final class EncoderOutput implements AutoCloseable {
    private final Arena arena;
    private final Tensor lastHidden;
    private final Tensor pooled;
    private final int batchSize;
    private final int seqLen;

    /** Takes ownership of {@code arena}, which holds both tensors. */
    public EncoderOutput(Arena arena, Tensor lastHidden, Tensor pooled, int batchSize, int seqLen) {
        this.arena = arena;
        this.lastHidden = lastHidden;
        this.pooled = pooled;
        this.batchSize = batchSize;
        this.seqLen = seqLen;
    }

    /** Last hidden states, {@code [batch·seqLen × H]}; sequence b's token t is row {@code b·seqLen + t}. */
    public Tensor lastHidden() {
        return lastHidden;
    }

    /** Masked mean pooling of the last hidden states, {@code [batch × H]}. */
    public Tensor pooled() {
        return pooled;
    }

    public int batchSize() {
        return batchSize;
    }

    public int seqLen() {
        return seqLen;
    }

    /** Hidden state of token t of sequence b, copied to the heap. */
    public float[] hidden(int b, int t) {
        if (b < 0 || b >= batchSize || t < 0 || t >= seqLen) {
            throw new IndexOutOfBoundsException("token (" + b + ", " + t + ") outside " + batchSize + " × " + seqLen);
        }
        long row = (long) b * seqLen + t;
        return lastHidden.slice(row, row + 1).toFloatArray();
    }

    /**
     * The pooled embeddings on the heap, one row per sequence; with {@code l2Normalize} each row is
     * divided by its Euclidean norm (what sentence-transformers' all-MiniLM-L6-v2 returns).
     */
    public float[][] embeddings(boolean l2Normalize) {
        float[][] out = new float[batchSize][];
        for (int b = 0; b < batchSize; b++) {
            out[b] = pooled.slice(b, b + 1).toFloatArray();
            if (l2Normalize) {
                l2NormalizeInPlace(out[b]);
            }
        }
        return out;
    }

    /**
     * Divides {@code v} by its Euclidean norm, as {@code torch.nn.functional.normalize} does (norm
     * clamped below at 1e-12 so a zero vector stays zero). The norm is accumulated in double.
     */
    public static void l2NormalizeInPlace(float[] v) {
        double sq = 0;
        for (float x : v) {
            sq += (double) x * x;
        }
        float norm = (float) Math.max(Math.sqrt(sq), 1e-12);
        for (int i = 0; i < v.length; i++) {
            v[i] /= norm;
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
