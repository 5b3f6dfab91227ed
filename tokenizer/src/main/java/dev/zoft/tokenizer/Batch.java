package dev.zoft.tokenizer;

/**
 * A padded batch: {@code batchSize} rows of {@code seqLen} token ids with their attention mask
 * (1 = real token, 0 = padding) and type ids. Immutable: accessors return copies, or single values.
 */
public final class Batch {
    private final int[][] ids;
    private final int[][] attentionMask;
    private final int[][] typeIds;
    private final int seqLen;

    Batch(int[][] ids, int[][] attentionMask, int[][] typeIds, int seqLen) {
        this.ids = ids;
        this.attentionMask = attentionMask;
        this.typeIds = typeIds;
        this.seqLen = seqLen;
    }

    /** Number of rows (texts). */
    public int batchSize() {
        return ids.length;
    }

    /** Length of every row, padding included. */
    public int seqLen() {
        return seqLen;
    }

    /** Token ids, {@code [batchSize][seqLen]}. */
    public int[][] ids() {
        return deepCopy(ids);
    }

    /** Attention mask, {@code [batchSize][seqLen]}. */
    public int[][] attentionMask() {
        return deepCopy(attentionMask);
    }

    /** Type ids, {@code [batchSize][seqLen]}. */
    public int[][] typeIds() {
        return deepCopy(typeIds);
    }

    /** One id. */
    public int id(int row, int position) {
        return ids[row][position];
    }

    /** One attention-mask value. */
    public int mask(int row, int position) {
        return attentionMask[row][position];
    }

    /** Number of real (unpadded) tokens in a row. */
    public int length(int row) {
        int n = 0;
        for (int m : attentionMask[row]) {
            n += m;
        }
        return n;
    }

    private static int[][] deepCopy(int[][] a) {
        int[][] c = new int[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }
}
