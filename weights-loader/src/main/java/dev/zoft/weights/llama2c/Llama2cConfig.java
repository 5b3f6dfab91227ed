package dev.zoft.weights.llama2c;

/**
 * The hyperparameters in a llama2.c checkpoint header.
 *
 * @param dim              model width
 * @param hiddenDim        SwiGLU hidden width (w1 and w3 have this many rows)
 * @param layers           transformer blocks
 * @param heads            query heads
 * @param kvHeads          key/value heads (fewer than {@code heads} for grouped-query attention)
 * @param vocabSize        vocabulary size (always positive here; the legacy sign flag is in
 *                         {@code sharedClassifier})
 * @param seqLen           maximum sequence length the model was trained for
 * @param sharedClassifier true when the output projection is the token embedding
 */
public record Llama2cConfig(int dim, int hiddenDim, int layers, int heads, int kvHeads, int vocabSize, int seqLen,
                            boolean sharedClassifier) {
    /** Validates the relations llama2.c relies on; messages name the offending field. */
    public Llama2cConfig {
        positive("dim", dim);
        positive("hidden_dim", hiddenDim);
        positive("n_layers", layers);
        positive("n_heads", heads);
        positive("n_kv_heads", kvHeads);
        positive("vocab_size", vocabSize);
        positive("seq_len", seqLen);
        if (dim % heads != 0) {
            throw new IllegalArgumentException("dim " + dim + " is not a multiple of n_heads " + heads);
        }
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("n_heads " + heads + " is not a multiple of n_kv_heads " + kvHeads);
        }
        if ((dim / heads) % 2 != 0) {
            throw new IllegalArgumentException("head size " + dim / heads + " is odd; RoPE rotates pairs");
        }
    }

    private static void positive(String name, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " is " + v + ", must be positive");
        }
    }

    /** Width of one attention head. */
    public int headSize() {
        return dim / heads;
    }

    /** Width of the key and value projections: {@code kvHeads * headSize}. */
    public int kvDim() {
        return kvHeads * headSize();
    }

    /**
     * Number of float32 weights the checkpoint holds (without the legacy freq_cis tables).
     *
     * @throws ArithmeticException when the count overflows 64 bits (a hostile header)
     */
    public long parameterCount() {
        long d = dim;
        long perLayer = Math.addExact(Math.addExact(2 * d, Math.multiplyExact(2 * d, d)),
                Math.addExact(Math.multiplyExact(2 * d, (long) kvDim()), Math.multiplyExact(3 * d, (long) hiddenDim)));
        long vd = Math.multiplyExact((long) vocabSize, d);
        long n = Math.addExact(Math.addExact(vd, Math.multiplyExact((long) layers, perLayer)), d);
        return sharedClassifier ? n : Math.addExact(n, vd);
    }
}
