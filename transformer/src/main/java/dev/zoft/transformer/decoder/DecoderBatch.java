package dev.zoft.transformer.decoder;

import java.util.Arrays;
import java.util.List;

/**
 * A padded batch of token sequences for a decoder: {@code batchSize × seqLen} token ids and an
 * attention mask (1 = token, 0 = padding), flattened row-major (sequence b's token t is row
 * {@code b·seqLen + t}).
 *
 * <p><b>Padding, left or right.</b> Both work and give the same results for the real tokens. Each
 * real token's position is the number of real tokens before it in its sequence (what Hugging Face
 * computes from the mask when generating), so padding on either side, or any amount of it, does
 * not move a token's position; padding tokens get position 0 and are never attended to. Left
 * padding puts every sequence's last token in the last column, which suits generation and
 * label-word classification; right padding suits training on whole sequences. Padded rows'
 * outputs are computed (left-padded queries see no key and get zero attention) but never scored.
 *
 * <p>Immutable: the accessors return copies.
 */
public final class DecoderBatch {
    /** A label that scores nothing (padding, prompt tokens, the last token of a sequence). */
    public static final int IGNORE = -1;

    private final int batchSize;
    private final int seqLen;
    private final int[] ids;
    private final int[] mask;
    private final int[] positions;
    private final int[] lastRows;

    private DecoderBatch(int batchSize, int seqLen, int[] ids, int[] mask) {
        this.batchSize = batchSize;
        this.seqLen = seqLen;
        this.ids = ids;
        this.mask = mask;
        this.positions = new int[ids.length];
        this.lastRows = new int[batchSize];
        for (int b = 0; b < batchSize; b++) {
            int p = 0;
            for (int t = 0; t < seqLen; t++) {
                int r = b * seqLen + t;
                if (mask[r] != 0) {
                    positions[r] = p++;
                    lastRows[b] = r;
                }
            }
        }
    }

    /**
     * A batch from flattened arrays of {@code batchSize·seqLen} entries: token ids ≥ 0 and mask
     * values 0 or 1, each sequence with at least one real token.
     */
    public static DecoderBatch of(int batchSize, int seqLen, int[] ids, int[] mask) {
        if (batchSize <= 0 || seqLen <= 0) {
            throw new IllegalArgumentException("batch shape must be positive, got " + batchSize + " × " + seqLen);
        }
        long n = (long) batchSize * seqLen;
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("batch of " + n + " tokens is too large");
        }
        if (ids == null || mask == null || ids.length != n || mask.length != n) {
            throw new IllegalArgumentException("ids and mask must each have " + n + " entries (" + batchSize + " × "
                    + seqLen + ")");
        }
        for (int b = 0; b < batchSize; b++) {
            int real = 0;
            for (int t = 0; t < seqLen; t++) {
                int i = b * seqLen + t;
                if (mask[i] != 0 && mask[i] != 1) {
                    throw new IllegalArgumentException("mask[" + i + "] = " + mask[i] + ": mask values are 0 or 1");
                }
                if (ids[i] < 0) {
                    throw new IllegalArgumentException("negative token id " + ids[i] + " at sequence " + b + ", position " + t);
                }
                real += mask[i];
            }
            if (real == 0) {
                throw new IllegalArgumentException("sequence " + b + " has no real token (all masked)");
            }
        }
        return new DecoderBatch(batchSize, seqLen, ids.clone(), mask.clone());
    }

    /** Pads every sequence on the right with {@code padId} to the longest one. */
    public static DecoderBatch rightPadded(List<int[]> sequences, int padId) {
        return padded(sequences, padId, false);
    }

    /** Pads every sequence on the left with {@code padId} to the longest one (last tokens aligned). */
    public static DecoderBatch leftPadded(List<int[]> sequences, int padId) {
        return padded(sequences, padId, true);
    }

    private static DecoderBatch padded(List<int[]> sequences, int padId, boolean left) {
        if (sequences == null || sequences.isEmpty()) {
            throw new IllegalArgumentException("empty batch");
        }
        if (padId < 0) {
            throw new IllegalArgumentException("padId must be a token id >= 0, got " + padId);
        }
        int longest = 0;
        for (int[] s : sequences) {
            if (s == null || s.length == 0) {
                throw new IllegalArgumentException("a sequence of the batch is empty");
            }
            longest = Math.max(longest, s.length);
        }
        int batch = sequences.size();
        long n = (long) batch * longest;
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("batch of " + n + " tokens is too large");
        }
        int[] ids = new int[(int) n];
        int[] mask = new int[(int) n];
        Arrays.fill(ids, padId);
        for (int b = 0; b < batch; b++) {
            int[] s = sequences.get(b);
            int start = b * longest + (left ? longest - s.length : 0);
            System.arraycopy(s, 0, ids, start, s.length);
            Arrays.fill(mask, start, start + s.length, 1);
        }
        return of(batch, longest, ids, mask);
    }

    public int batchSize() {
        return batchSize;
    }

    public int seqLen() {
        return seqLen;
    }

    /** batchSize · seqLen. */
    public int tokens() {
        return ids.length;
    }

    public int[] ids() {
        return ids.clone();
    }

    public int[] mask() {
        return mask.clone();
    }

    /** Each row's position: the number of real tokens before it in its sequence (0 for padding). */
    public int[] positions() {
        return positions.clone();
    }

    /** The largest position in the batch (the longest sequence's real length − 1). */
    public int maxPosition() {
        int m = 0;
        for (int p : positions) {
            m = Math.max(m, p);
        }
        return m;
    }

    /** The flat row of sequence b's last real token (where a prompt ends). */
    public int lastRow(int b) {
        return lastRows[b];
    }

    /** Rows of every sequence's last real token, in sequence order. */
    public int[] lastRows() {
        return lastRows.clone();
    }

    /**
     * Causal-LM labels over the whole of each sequence: at every real token's row, the next real
     * token of the same sequence; {@link #IGNORE} at padding and at each sequence's last token.
     */
    public int[] nextTokenLabels() {
        return nextTokenLabels(new int[batchSize]);
    }

    /**
     * Causal-LM labels that score only the continuation: in sequence b the first
     * {@code promptLengths[b]} real tokens are a prompt, so the first label is the prediction of
     * real token {@code promptLengths[b]} (made at the prompt's last token).
     */
    public int[] nextTokenLabels(int[] promptLengths) {
        if (promptLengths == null || promptLengths.length != batchSize) {
            throw new IllegalArgumentException("one prompt length per sequence (" + batchSize + ") is needed");
        }
        int[] labels = new int[ids.length];
        Arrays.fill(labels, IGNORE);
        for (int b = 0; b < batchSize; b++) {
            if (promptLengths[b] < 0) {
                throw new IllegalArgumentException("prompt length of sequence " + b + " is negative");
            }
            int prev = -1;
            for (int t = 0; t < seqLen; t++) {
                int r = b * seqLen + t;
                if (mask[r] == 0) {
                    continue;
                }
                if (prev >= 0 && positions[r] >= Math.max(1, promptLengths[b])) {
                    labels[prev] = ids[r];
                }
                prev = r;
            }
        }
        return labels;
    }
}
