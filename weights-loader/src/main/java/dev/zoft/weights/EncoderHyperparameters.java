package dev.zoft.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The hyperparameters of a BERT-style encoder, named as in Hugging Face's {@code BertConfig}.
 *
 * @param vocabSize             rows of {@code embeddings.word_embeddings.weight}
 * @param hiddenSize            model width
 * @param numHiddenLayers       number of encoder layers
 * @param numAttentionHeads     heads per attention layer; {@code hiddenSize} must be a multiple
 * @param intermediateSize      width of the feed-forward layer
 * @param maxPositionEmbeddings rows of {@code embeddings.position_embeddings.weight}
 * @param typeVocabSize         rows of {@code embeddings.token_type_embeddings.weight}
 * @param layerNormEps          epsilon added to the variance in every LayerNorm
 * @param hiddenAct             feed-forward activation as Hugging Face names it ({@code "gelu"} is
 *                              the exact erf form, {@code "gelu_new"} the tanh approximation)
 */
public record EncoderHyperparameters(
        int vocabSize,
        int hiddenSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int intermediateSize,
        int maxPositionEmbeddings,
        int typeVocabSize,
        double layerNormEps,
        String hiddenAct) {

    /** Hugging Face's {@code BertConfig} defaults for the keys that may be absent from config.json. */
    public static final int DEFAULT_TYPE_VOCAB_SIZE = 2;
    public static final double DEFAULT_LAYER_NORM_EPS = 1e-12;
    public static final String DEFAULT_HIDDEN_ACT = "gelu";

    /** config.json files are a few KB; anything this large is not a model config. */
    private static final long MAX_CONFIG_BYTES = 16L << 20;

    public EncoderHyperparameters {
        requirePositive("vocab_size", vocabSize);
        requirePositive("hidden_size", hiddenSize);
        requirePositive("num_hidden_layers", numHiddenLayers);
        requirePositive("num_attention_heads", numAttentionHeads);
        requirePositive("intermediate_size", intermediateSize);
        requirePositive("max_position_embeddings", maxPositionEmbeddings);
        requirePositive("type_vocab_size", typeVocabSize);
        if (hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("hidden_size " + hiddenSize + " is not a multiple of num_attention_heads "
                    + numAttentionHeads);
        }
        if (!(layerNormEps > 0) || Double.isInfinite(layerNormEps)) {
            throw new IllegalArgumentException("layer_norm_eps must be a positive finite number, got " + layerNormEps);
        }
        if (hiddenAct == null || hiddenAct.isBlank()) {
            throw new IllegalArgumentException("hidden_act is missing");
        }
    }

    /** Width of one attention head. */
    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    /**
     * Reads a Hugging Face {@code config.json}. {@code type_vocab_size}, {@code layer_norm_eps} and
     * {@code hidden_act} default as in {@code BertConfig}; the other keys are required.
     *
     * @throws WeightFormatException naming the file and the key when the file is unreadable,
     *                               not JSON, or has a missing or out-of-range value
     */
    public static EncoderHyperparameters fromConfigJson(Path configJson) {
        JsonNode root;
        try {
            long size = Files.size(configJson);
            if (size > MAX_CONFIG_BYTES) {
                throw new WeightFormatException(configJson, "config of " + size + " bytes is too large for a model config");
            }
            root = new ObjectMapper().readTree(Files.readAllBytes(configJson));
        } catch (IOException e) {
            throw new WeightFormatException(configJson, "cannot read config.json: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new WeightFormatException(configJson, "config.json is not a JSON object");
        }
        try {
            return new EncoderHyperparameters(
                    intKey(configJson, root, "vocab_size", null),
                    intKey(configJson, root, "hidden_size", null),
                    intKey(configJson, root, "num_hidden_layers", null),
                    intKey(configJson, root, "num_attention_heads", null),
                    intKey(configJson, root, "intermediate_size", null),
                    intKey(configJson, root, "max_position_embeddings", null),
                    intKey(configJson, root, "type_vocab_size", DEFAULT_TYPE_VOCAB_SIZE),
                    doubleKey(configJson, root, "layer_norm_eps", DEFAULT_LAYER_NORM_EPS),
                    stringKey(configJson, root, "hidden_act", DEFAULT_HIDDEN_ACT));
        } catch (IllegalArgumentException e) {
            throw new WeightFormatException(configJson, e.getMessage(), e);
        }
    }

    /**
     * Checks that {@code other} (say, read from config.json) describes the same network as this
     * (say, derived from tensor shapes), naming the first key that differs.
     */
    public void requireSameAs(EncoderHyperparameters other, String source) {
        check(source, "vocab_size", vocabSize, other.vocabSize);
        check(source, "hidden_size", hiddenSize, other.hiddenSize);
        check(source, "num_hidden_layers", numHiddenLayers, other.numHiddenLayers);
        check(source, "num_attention_heads", numAttentionHeads, other.numAttentionHeads);
        check(source, "intermediate_size", intermediateSize, other.intermediateSize);
        check(source, "max_position_embeddings", maxPositionEmbeddings, other.maxPositionEmbeddings);
        check(source, "type_vocab_size", typeVocabSize, other.typeVocabSize);
        if (Math.abs(layerNormEps - other.layerNormEps) > 1e-6 * Math.max(layerNormEps, other.layerNormEps)) {
            throw new WeightFormatException(source, "layer_norm_eps differs: " + layerNormEps + " vs " + other.layerNormEps);
        }
        if (!hiddenAct.equals(other.hiddenAct)) {
            throw new WeightFormatException(source, "hidden_act differs: " + hiddenAct + " vs " + other.hiddenAct);
        }
    }

    private static void check(String source, String key, int a, int b) {
        if (a != b) {
            throw new WeightFormatException(source, key + " differs: " + a + " vs " + b);
        }
    }

    private static void requirePositive(String key, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + " must be positive, got " + value);
        }
    }

    private static int intKey(Path file, JsonNode root, String key, Integer dflt) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            if (dflt == null) {
                throw new WeightFormatException(file, "config.json has no '" + key + "'");
            }
            return dflt;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new WeightFormatException(file, "'" + key + "' must be an integer that fits in 32 bits, got " + n);
        }
        return n.intValue();
    }

    private static double doubleKey(Path file, JsonNode root, String key, double dflt) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isNumber()) {
            throw new WeightFormatException(file, "'" + key + "' must be a number, got " + n);
        }
        return n.doubleValue();
    }

    private static String stringKey(Path file, JsonNode root, String key, String dflt) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isTextual()) {
            throw new WeightFormatException(file, "'" + key + "' must be a string, got " + n);
        }
        return n.textValue().toLowerCase(Locale.ROOT);
    }
}
