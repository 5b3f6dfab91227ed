package dev.zoft.transformer;

import dev.zoft.tokenizer.Batch;

import java.util.Arrays;
import java.util.List;

/**
 * A padded batch of token sequences for an encoder: {@code batchSize × seqLen} token ids, token
 * type (segment) ids and an attention mask, flattened row-major (sequence b's token t is at
 * {@code b·seqLen + t}). A mask value of 0 marks padding: padded keys get no attention weight and
 * padded tokens are left out of pooling. Positions are the absolute index t, as in Hugging Face's
 * BERT, so right padding (what {@link #rightPadded} builds) leaves the real tokens' results
 * unchanged. Immutable: the accessors return copies.
 */
public final class EncoderBatch {
    private final int batchSize;
    private final int seqLen;
    private final int[] ids;
    private final int[] typeIds;
    private final int[] mask;

    private EncoderBatch(int batchSize, int seqLen, int[] ids, int[] typeIds, int[] mask) {
        this.batchSize = batchSize;
        this.seqLen = seqLen;
        this.ids = ids;
        this.typeIds = typeIds;
        this.mask = mask;
    }

    /**
     * A batch from flattened arrays, each of length {@code batchSize·seqLen}. Every mask value is 0
     * or 1 and every sequence has at least one real token (attention over no key is undefined).
     */
    public static EncoderBatch of(int batchSize, int seqLen, int[] ids, int[] typeIds, int[] mask) {
        if (batchSize <= 0 || seqLen <= 0) {
            throw new IllegalArgumentException("batch shape must be positive, got " + batchSize + " × " + seqLen);
        }
        long n = (long) batchSize * seqLen;
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("batch of " + n + " tokens is too large");
        }
        requireLength("ids", ids, n);
        requireLength("typeIds", typeIds, n);
        requireLength("mask", mask, n);
        for (int b = 0; b < batchSize; b++) {
            int real = 0;
            for (int t = 0; t < seqLen; t++) {
                int i = b * seqLen + t;
                if (mask[i] != 0 && mask[i] != 1) {
                    throw new IllegalArgumentException("mask[" + i + "] = " + mask[i] + ": mask values are 0 or 1");
                }
                if (ids[i] < 0 || typeIds[i] < 0) {
                    throw new IllegalArgumentException("negative token or type id at sequence " + b + ", position " + t);
                }
                real += mask[i];
            }
            if (real == 0) {
                throw new IllegalArgumentException("sequence " + b + " has no real token (all masked)");
            }
        }
        return new EncoderBatch(batchSize, seqLen, ids.clone(), typeIds.clone(), mask.clone());
    }

    /** Right-pads {@code sequences} with id 0 to the longest one; type ids 0. */
    public static EncoderBatch rightPadded(List<int[]> sequences) {
        int longest = 0;
        for (int[] s : sequences) {
            longest = Math.max(longest, s.length);
        }
        return rightPadded(sequences, longest, 0);
    }

    /** Right-pads every sequence with {@code padId} to exactly {@code seqLen} tokens; type ids 0. */
    public static EncoderBatch rightPadded(List<int[]> sequences, int seqLen, int padId) {
        if (sequences.isEmpty()) {
            throw new IllegalArgumentException("empty batch");
        }
        int batch = sequences.size();
        long n = (long) batch * seqLen;
        if (seqLen <= 0 || n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("bad batch shape " + batch + " × " + seqLen);
        }
        int[] ids = new int[(int) n];
        int[] mask = new int[(int) n];
        Arrays.fill(ids, padId);
        for (int b = 0; b < batch; b++) {
            int[] s = sequences.get(b);
            if (s.length > seqLen) {
                throw new IllegalArgumentException("sequence " + b + " has " + s.length + " tokens, more than seqLen " + seqLen);
            }
            System.arraycopy(s, 0, ids, b * seqLen, s.length);
            Arrays.fill(mask, b * seqLen, b * seqLen + s.length, 1);
        }
        return of(batch, seqLen, ids, new int[(int) n], mask);
    }

    /** The batch a tokenizer padded (its ids, type ids and attention mask, as they are). */
    public static EncoderBatch of(Batch tokens) {
        int batch = tokens.batchSize();
        int seqLen = tokens.seqLen();
        long n = (long) batch * seqLen;
        if (batch <= 0 || seqLen <= 0 || n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("bad batch shape " + batch + " × " + seqLen);
        }
        int[] ids = new int[(int) n];
        int[] typeIds = new int[(int) n];
        int[] mask = new int[(int) n];
        int[][] rowsIds = tokens.ids();
        int[][] rowsTypes = tokens.typeIds();
        int[][] rowsMask = tokens.attentionMask();
        for (int b = 0; b < batch; b++) {
            System.arraycopy(rowsIds[b], 0, ids, b * seqLen, seqLen);
            System.arraycopy(rowsTypes[b], 0, typeIds, b * seqLen, seqLen);
            System.arraycopy(rowsMask[b], 0, mask, b * seqLen, seqLen);
        }
        return of(batch, seqLen, ids, typeIds, mask);
    }

    public int batchSize() {
        return batchSize;
    }

    public int seqLen() {
        return seqLen;
    }

    /** batchSize · seqLen, the rows of the hidden states. */
    public int tokens() {
        return batchSize * seqLen;
    }

    public int[] ids() {
        return ids.clone();
    }

    public int[] typeIds() {
        return typeIds.clone();
    }

    public int[] mask() {
        return mask.clone();
    }

    /** Number of real (unmasked) tokens of sequence {@code b}. */
    public int realTokens(int b) {
        int n = 0;
        for (int t = 0; t < seqLen; t++) {
            n += mask[b * seqLen + t];
        }
        return n;
    }

    private static void requireLength(String name, int[] a, long n) {
        if (a == null || a.length != n) {
            throw new IllegalArgumentException(name + " must hold " + n + " values, got " + (a == null ? "null" : a.length));
        }
    }

    @Override
    public String toString() {
        return "EncoderBatch[" + batchSize + " × " + seqLen + "]";
    }
}
