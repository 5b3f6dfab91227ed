package dev.zoft.transformer.bert;

import dev.zoft.weights.EncoderHyperparameters;

/**
 * Hyperparameters of a BERT encoder (the fields of a Hugging Face {@code BertConfig} that the
 * forward pass needs). Post-LayerNorm, exact-erf GELU, absolute learned positions.
 *
 * @param vocabSize        rows of the word embedding table
 * @param hiddenSize       H, the width of every hidden state
 * @param numLayers        encoder layers
 * @param numHeads         attention heads; must divide H
 * @param intermediateSize width of the feed-forward layer
 * @param maxPositions     rows of the position embedding table, the longest sequence
 * @param typeVocabSize    rows of the token-type (segment) table
 * @param layerNormEps     epsilon of every LayerNorm
 */
public record BertConfig(int vocabSize, int hiddenSize, int numLayers, int numHeads, int intermediateSize,
                         int maxPositions, int typeVocabSize, float layerNormEps) {

    public BertConfig {
        requirePositive("vocabSize", vocabSize);
        requirePositive("hiddenSize", hiddenSize);
        requirePositive("numLayers", numLayers);
        requirePositive("numHeads", numHeads);
        requirePositive("intermediateSize", intermediateSize);
        requirePositive("maxPositions", maxPositions);
        requirePositive("typeVocabSize", typeVocabSize);
        if (hiddenSize % numHeads != 0) {
            throw new IllegalArgumentException("hiddenSize " + hiddenSize + " is not a multiple of numHeads " + numHeads);
        }
        if (!(layerNormEps > 0) || !Float.isFinite(layerNormEps)) {
            throw new IllegalArgumentException("layerNormEps must be positive and finite, got " + layerNormEps);
        }
    }

    /** sentence-transformers/all-MiniLM-L6-v2: 6 layers, H 384, 12 heads, FFN 1536, eps 1e-12. */
    public static BertConfig allMiniLmL6V2() {
        return new BertConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12f);
    }

    /**
     * The config of a Hugging Face {@code config.json} (as read by the weights loader). Only the
     * exact erf GELU ({@code hidden_act = "gelu"}) is implemented; other activations are refused
     * rather than silently replaced.
     */
    public static BertConfig of(EncoderHyperparameters hp) {
        if (!"gelu".equals(hp.hiddenAct())) {
            throw new IllegalArgumentException("hidden_act '" + hp.hiddenAct() + "' is not supported (only the exact erf 'gelu')");
        }
        return new BertConfig(hp.vocabSize(), hp.hiddenSize(), hp.numHiddenLayers(), hp.numAttentionHeads(),
                hp.intermediateSize(), hp.maxPositionEmbeddings(), hp.typeVocabSize(), (float) hp.layerNormEps());
    }

    /** Width of one attention head, H / heads. */
    public int headDim() {
        return hiddenSize / numHeads;
    }

    /**
     * Bytes of activations {@link BertModel} holds for a batch of {@code batch × seqLen} tokens:
     * the hidden states plus one layer's scratch (Q, K, V, attention context: 4 × H floats a token;
     * feed-forward: intermediateSize floats a token). Independent of the number of layers. The
     * attention kernel's own per-thread scratch (a row of scores) is not counted.
     */
    public long activationBytes(int batch, int seqLen) {
        long tokens = (long) batch * seqLen;
        return tokens * (5L * hiddenSize + intermediateSize) * Float.BYTES;
    }

    /**
     * Forward FLOPs of one encoder layer on a padded batch of {@code batch × seqLen} tokens,
     * counting 2 per multiply-add of the layer's matrix products and nothing else:
     * <ul>
     *   <li>the six Linear layers as GEMMs over {@code M = batch·seqLen} rows, {@code 2·M·N·K} each:
     *       Q, K, V and the attention output ({@code N = K = H}), the intermediate
     *       ({@code N = intermediate, K = H}) and the output ({@code N = H, K = intermediate});</li>
     *   <li>attention's two batched products, {@code QKᵀ} and {@code PV}:
     *       {@code 2·batch·heads·seqLen·seqLen·headDim} each.</li>
     * </ul>
     * Bias adds, softmax, scaling, GELU, residual adds and LayerNorms (O(M·H) or O(M·intermediate),
     * about 1% of the total for MiniLM) are not counted. Padded tokens count: the kernels compute
     * them like real ones.
     */
    public long layerFlops(int batch, int seqLen) {
        if (batch <= 0 || seqLen <= 0) {
            throw new IllegalArgumentException("batch shape must be positive, got " + batch + " × " + seqLen);
        }
        long m = (long) batch * seqLen;
        long h = hiddenSize;
        long f = intermediateSize;
        long linear = Math.multiplyExact(2L * m, Math.addExact(4 * h * h, 2 * h * f));
        long attention = Math.multiplyExact(2L * 2L * batch * numHeads, (long) seqLen * seqLen * headDim());
        return Math.addExact(linear, attention);
    }

    private static void requirePositive(String name, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + v);
        }
    }
}
