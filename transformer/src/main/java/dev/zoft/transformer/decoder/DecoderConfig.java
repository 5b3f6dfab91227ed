package dev.zoft.transformer.decoder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zoft.weights.DecoderCheckpoint;
import dev.zoft.weights.RopeLayout;
import dev.zoft.weights.WeightFormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Hyperparameters of a decoder-only language model, read from a Hugging Face {@code config.json}
 * ({@link #fromConfigJson}) or built directly.
 *
 * <p>Three architectures cover the supported families:
 * <ul>
 *   <li>{@link Architecture#LLAMA} ({@code model_type} llama, mistral, qwen2; also SmolLM/SmolLM2,
 *       TinyLlama): RMSNorm, rotary positions, SwiGLU, grouped-query attention, optional Q/K/V biases
 *       (always on for Qwen2), tied or separate output embeddings;</li>
 *   <li>{@link Architecture#GPT2}: LayerNorm before each block, learned absolute positions, tanh GELU,
 *       biases everywhere, tied output embeddings;</li>
 *   <li>{@link Architecture#OPT}: like GPT-2 with ReLU and learned positions offset by 2.</li>
 * </ul>
 * Anything these do not describe (OPT-350m's post-LayerNorm and projections, Mistral's sliding
 * window on sequences longer than it, other RoPE scalings) is refused with the key that asked for
 * it rather than silently run differently.
 *
 * @param architecture      the block structure
 * @param vocabSize         rows of the token embedding and of the LM head
 * @param hiddenSize        H
 * @param numLayers         decoder layers
 * @param numHeads          query heads
 * @param numKvHeads        key/value heads (grouped-query attention); divides numHeads
 * @param headDim           width of one head (usually H / numHeads)
 * @param intermediateSize  width of the feed-forward layer
 * @param maxPositions      longest sequence (rows of the position table for learned positions)
 * @param normEps           epsilon of every RMSNorm / LayerNorm
 * @param ropeTheta         RoPE base (LLAMA only)
 * @param ropeScaling       Llama-3 frequency scaling, or null
 * @param ropeLayout        how the Q/K rows pair dimensions for RoPE: Hugging Face's half split, GGUF
 *                          {@code llama} / llama2.c's interleaved pairs; {@link RopeLayout#NONE} for GPT-2 and OPT
 * @param tieWordEmbeddings the LM head is the token embedding table
 * @param attentionBias     Q, K and V projections have biases
 * @param outputBias        the attention output projection has a bias (GPT-2, OPT, Llama with
 *                          {@code attention_bias}; not Qwen2)
 * @param mlpBias           feed-forward projections have biases
 */
public record DecoderConfig(Architecture architecture, int vocabSize, int hiddenSize, int numLayers, int numHeads,
                            int numKvHeads, int headDim, int intermediateSize, int maxPositions, float normEps,
                            double ropeTheta, Llama3RopeScaling ropeScaling, RopeLayout ropeLayout,
                            boolean tieWordEmbeddings, boolean attentionBias, boolean outputBias,
                            boolean mlpBias) {

    /** The block structure of a family. */
    public enum Architecture {
        /** RMSNorm, RoPE, SwiGLU, GQA. */
        LLAMA,
        /** LayerNorm, learned positions, tanh GELU, fused Conv1D attention weights. */
        GPT2,
        /** LayerNorm, learned positions offset by 2, ReLU. */
        OPT;

        /** Rows of the learned position table before position 0 (OPT keeps two). */
        public int positionOffset() {
            return this == OPT ? 2 : 0;
        }

        /** RoPE (LLAMA) rather than a learned position table. */
        public boolean rotary() {
            return this == LLAMA;
        }
    }

    /**
     * Llama-3's {@code rope_scaling} ({@code rope_type = "llama3"}): wavelengths longer than
     * {@code originalMaxPositions / lowFreqFactor} are divided by {@code factor}, shorter than
     * {@code originalMaxPositions / highFreqFactor} kept, and the band between interpolated.
     */
    public record Llama3RopeScaling(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions) {
        public Llama3RopeScaling {
            if (!(factor > 0) || !(lowFreqFactor > 0) || !(highFreqFactor > lowFreqFactor) || originalMaxPositions <= 0
                    || Double.isInfinite(factor) || Double.isInfinite(highFreqFactor)) {
                throw new IllegalArgumentException("llama3 rope_scaling needs factor > 0, 0 < low_freq_factor < "
                        + "high_freq_factor and original_max_position_embeddings > 0; got factor=" + factor
                        + " low_freq_factor=" + lowFreqFactor + " high_freq_factor=" + highFreqFactor
                        + " original_max_position_embeddings=" + originalMaxPositions);
            }
        }
    }

    /** config.json files are a few KB; anything this large is not a model config. */
    private static final long MAX_CONFIG_BYTES = 16L << 20;

    public DecoderConfig {
        if (architecture == null || ropeLayout == null) {
            throw new IllegalArgumentException("architecture and ropeLayout are required");
        }
        positive("vocab_size", vocabSize);
        positive("hidden_size", hiddenSize);
        positive("num_hidden_layers", numLayers);
        positive("num_attention_heads", numHeads);
        positive("num_key_value_heads", numKvHeads);
        positive("head_dim", headDim);
        positive("intermediate_size", intermediateSize);
        positive("max_position_embeddings", maxPositions);
        if (numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads " + numHeads + " is not a multiple of num_key_value_heads "
                    + numKvHeads);
        }
        if (architecture.rotary() == (ropeLayout == RopeLayout.NONE)) {
            throw new IllegalArgumentException(architecture + " needs " + (architecture.rotary() ? "a RoPE layout" : "RopeLayout.NONE")
                    + ", got " + ropeLayout);
        }
        if (architecture.rotary() && headDim % 2 != 0) {
            throw new IllegalArgumentException("RoPE needs an even head_dim, got " + headDim);
        }
        if (!architecture.rotary() && (numKvHeads != numHeads || (long) headDim * numHeads != hiddenSize)) {
            throw new IllegalArgumentException(architecture + " has heads·head_dim = hidden_size and no grouped-query"
                    + " attention; got heads=" + numHeads + " kv heads=" + numKvHeads + " head_dim=" + headDim
                    + " hidden_size=" + hiddenSize);
        }
        if (!(normEps > 0) || Float.isInfinite(normEps)) {
            throw new IllegalArgumentException("norm epsilon must be positive and finite, got " + normEps);
        }
        if (architecture.rotary() && (!(ropeTheta > 1) || Double.isInfinite(ropeTheta))) {
            throw new IllegalArgumentException("rope_theta must be a finite number > 1, got " + ropeTheta);
        }
    }

    /** Width of the query projection, heads · headDim. */
    public int qWidth() {
        return numHeads * headDim;
    }

    /** Width of each of the key and value projections, kvHeads · headDim. */
    public int kvWidth() {
        return numKvHeads * headDim;
    }

    /**
     * The config of a checkpoint opened through {@link DecoderCheckpoint} (a Hugging Face folder, a
     * GGUF file or a llama2.c file): its Hugging Face style config with the checkpoint's RoPE layout.
     */
    public static DecoderConfig of(DecoderCheckpoint checkpoint) {
        DecoderConfig c = fromJson(checkpoint.config(), checkpoint.source());
        return c.architecture().rotary() ? c.withRopeLayout(checkpoint.ropeLayout()) : c;
    }

    /** This config with another RoPE layout (GGUF and llama2.c weights are permuted for interleaved pairs). */
    public DecoderConfig withRopeLayout(RopeLayout layout) {
        return new DecoderConfig(architecture, vocabSize, hiddenSize, numLayers, numHeads, numKvHeads, headDim,
                intermediateSize, maxPositions, normEps, ropeTheta, ropeScaling, layout, tieWordEmbeddings, attentionBias,
                outputBias, mlpBias);
    }

    /**
     * RoPE's inverse frequencies {@code θ^(−2i/headDim)}, i &lt; headDim/2, with the Llama-3 scaling
     * applied when configured, in double.
     */
    public double[] ropeInverseFrequencies() {
        int half = headDim / 2;
        double[] inv = new double[half];
        for (int i = 0; i < half; i++) {
            inv[i] = 1.0 / Math.pow(ropeTheta, (2.0 * i) / headDim);
        }
        if (ropeScaling != null) {
            Llama3RopeScaling s = ropeScaling;
            double lowWavelen = s.originalMaxPositions() / s.lowFreqFactor();
            double highWavelen = s.originalMaxPositions() / s.highFreqFactor();
            for (int i = 0; i < half; i++) {
                double wavelen = 2 * Math.PI / inv[i];
                if (wavelen > lowWavelen) {
                    inv[i] = inv[i] / s.factor();
                } else if (wavelen >= highWavelen) {
                    double smooth = (s.originalMaxPositions() / wavelen - s.lowFreqFactor())
                            / (s.highFreqFactor() - s.lowFreqFactor());
                    inv[i] = (1 - smooth) * inv[i] / s.factor() + smooth * inv[i];
                }
            }
        }
        return inv;
    }

    /**
     * Forward FLOPs of one decoder layer over a padded batch, 2 per multiply-add of the matrix
     * products: Q and O ({@code 2·M·H·qWidth} each), K and V ({@code 2·M·H·kvWidth} each), the
     * feed-forward (3 products of {@code 2·M·H·I} for SwiGLU, 2 for GPT-2/OPT), and attention's
     * {@code QKᵀ} and {@code PV} counted over the full {@code T × T} square ({@code 2·B·heads·T²·headDim}
     * each; the causal kernels skip about half of it). Norms, RoPE, activations and residuals are
     * not counted. Padded tokens count.
     */
    public long layerFlops(int batch, int seqLen) {
        if (batch <= 0 || seqLen <= 0) {
            throw new IllegalArgumentException("batch shape must be positive, got " + batch + " × " + seqLen);
        }
        long m = (long) batch * seqLen;
        long h = hiddenSize;
        long ffnProducts = architecture == Architecture.LLAMA ? 3 : 2;
        long linear = Math.multiplyExact(2L * m, Math.addExact(Math.addExact(2 * h * qWidth(), 2 * h * kvWidth()),
                ffnProducts * h * intermediateSize));
        long attention = Math.multiplyExact(4L * batch * numHeads, (long) seqLen * seqLen * headDim);
        return Math.addExact(linear, attention);
    }

    /** FLOPs of the LM head over {@code rows} scored positions: {@code 2·rows·H·vocab}. */
    public long headFlops(long rows) {
        return Math.multiplyExact(2L * rows, (long) hiddenSize * vocabSize);
    }

    /** Parameter count of the whole model (the tied head counted once). */
    public long parameterCount() {
        long h = hiddenSize;
        boolean llama = architecture == Architecture.LLAMA;
        long attn = h * qWidth() + 2 * h * kvWidth() + (long) qWidth() * h;
        if (attentionBias) {
            attn += qWidth() + 2L * kvWidth();
        }
        if (outputBias) {
            attn += h;
        }
        long mlp = (llama ? 3 : 2) * h * intermediateSize + (mlpBias ? (llama ? 2L * intermediateSize : intermediateSize) + h : 0);
        long norms = llama ? 2 * h : 4 * h;
        long layer = attn + mlp + norms;
        long embed = (long) vocabSize * h + (llama ? 0 : (long) (maxPositions + architecture.positionOffset()) * h);
        long head = tieWordEmbeddings ? 0 : (long) vocabSize * h;
        return embed + numLayers * layer + (llama ? h : 2 * h) + head;
    }

    /**
     * Reads a Hugging Face {@code config.json} of a llama, mistral, qwen2, gpt2 or opt model.
     *
     * @throws WeightFormatException naming the file and the key when the file is unreadable, not
     *     JSON, of another model type, or has a missing, out-of-range or unsupported value
     */
    public static DecoderConfig fromConfigJson(Path configJson) {
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
            return fromJson(root, configJson.toString());
        } catch (IllegalArgumentException e) {
            throw new WeightFormatException(configJson, e.getMessage(), e);
        }
    }

    /** {@link #fromConfigJson} on parsed JSON; {@code source} names it in errors. */
    public static DecoderConfig fromJson(JsonNode root, String source) {
        Json j = new Json(root, source);
        String type = j.string("model_type", null);
        if (type == null) {
            throw new WeightFormatException(source, "config.json has no 'model_type'");
        }
        return switch (type) {
            case "llama", "mistral", "qwen2" -> llama(j, type);
            case "gpt2" -> gpt2(j);
            case "opt" -> opt(j);
            default -> throw new WeightFormatException(source, "model_type '" + type
                    + "' is not supported (llama, mistral, qwen2, gpt2, opt)");
        };
    }

    private static DecoderConfig llama(Json j, String type) {
        String act = j.string("hidden_act", "silu");
        if (!act.equals("silu")) {
            throw new WeightFormatException(j.source, "hidden_act '" + act + "' is not supported for " + type + " (only silu)");
        }
        int hidden = j.integer("hidden_size", null);
        int heads = j.integer("num_attention_heads", null);
        int maxPos = j.integer("max_position_embeddings", null);
        if (j.has("sliding_window") && (type.equals("mistral") || j.bool("use_sliding_window", false))) {
            // Sequences up to the window see exactly the full causal attention: cap them there.
            maxPos = Math.min(maxPos, j.integer("sliding_window", null));
        }
        // Llama's attention_bias puts biases on Q, K, V and O; Qwen2 always has Q/K/V biases and never O's.
        boolean qwen2 = type.equals("qwen2");
        boolean qkvBias = qwen2 || j.bool("attention_bias", false);
        boolean outputBias = !qwen2 && j.bool("attention_bias", false);
        Llama3RopeScaling scaling = null;
        JsonNode rs = j.root.get("rope_scaling");
        // llama.cpp stores Llama-3 scaling already applied, as per-frequency factors (a tensor the
        // model reads): then the config's rope_scaling only describes them.
        if (rs != null && !rs.isNull() && !j.has("rope_freq_factors")) {
            Json r = new Json(rs, j.source + " rope_scaling");
            String ropeType = r.has("rope_type") ? r.string("rope_type", null) : r.string("type", "default");
            if (ropeType.equals("llama3")) {
                scaling = new Llama3RopeScaling(r.number("factor", null), r.number("low_freq_factor", null),
                        r.number("high_freq_factor", null), r.integer("original_max_position_embeddings", null));
            } else if (!ropeType.equals("default")) {
                throw new WeightFormatException(j.source, "rope_scaling type '" + ropeType
                        + "' is not supported (only llama3)");
            }
        }
        return new DecoderConfig(Architecture.LLAMA, j.integer("vocab_size", null), hidden,
                j.integer("num_hidden_layers", null), heads, j.integer("num_key_value_heads", heads),
                j.integer("head_dim", heads > 0 ? hidden / heads : 1), j.integer("intermediate_size", null), maxPos,
                (float) j.number("rms_norm_eps", 1e-6), j.number("rope_theta", 10000.0), scaling, RopeLayout.HALF_SPLIT,
                j.bool("tie_word_embeddings", false), qkvBias, outputBias, j.bool("mlp_bias", false));
    }

    private static DecoderConfig gpt2(Json j) {
        String act = j.string("activation_function", "gelu_new");
        if (!Set.of("gelu_new", "gelu_pytorch_tanh", "gelu_fast").contains(act)) {
            throw new WeightFormatException(j.source, "activation_function '" + act + "' is not supported for gpt2 "
                    + "(only the tanh GELU: gelu_new, gelu_pytorch_tanh)");
        }
        if (!j.bool("scale_attn_weights", true) || j.bool("scale_attn_by_inverse_layer_idx", false)
                || j.bool("reorder_and_upcast_attn", false)) {
            throw new WeightFormatException(j.source, "gpt2 attention scaling options other than the default are not supported");
        }
        if (!j.bool("tie_word_embeddings", true)) {
            throw new WeightFormatException(j.source, "gpt2 with an untied LM head is not supported");
        }
        int hidden = j.integer("n_embd", null);
        int heads = j.integer("n_head", null);
        if (heads <= 0 || hidden % heads != 0) {
            throw new WeightFormatException(j.source, "n_embd " + hidden + " is not a multiple of n_head " + heads);
        }
        return new DecoderConfig(Architecture.GPT2, j.integer("vocab_size", null), hidden, j.integer("n_layer", null),
                heads, heads, hidden / heads, j.integer("n_inner", 4 * hidden), j.integer("n_positions", null),
                (float) j.number("layer_norm_epsilon", 1e-5), 10000, null, RopeLayout.NONE, true, true, true, true);
    }

    private static DecoderConfig opt(Json j) {
        if (!j.bool("do_layer_norm_before", true)) {
            throw new WeightFormatException(j.source, "do_layer_norm_before = false (post-LayerNorm OPT-350m) is not supported");
        }
        int hidden = j.integer("hidden_size", null);
        if (j.integer("word_embed_proj_dim", hidden) != hidden) {
            throw new WeightFormatException(j.source, "word_embed_proj_dim != hidden_size (embedding projections) is not supported");
        }
        String act = j.string("activation_function", "relu");
        if (!act.equals("relu")) {
            throw new WeightFormatException(j.source, "activation_function '" + act + "' is not supported for opt (only relu)");
        }
        if (!j.bool("enable_bias", true) || !j.bool("layer_norm_elementwise_affine", true)) {
            throw new WeightFormatException(j.source, "opt without biases or affine LayerNorms is not supported");
        }
        if (!j.bool("tie_word_embeddings", true)) {
            throw new WeightFormatException(j.source, "opt with an untied LM head is not supported");
        }
        int heads = j.integer("num_attention_heads", null);
        if (heads <= 0 || hidden % heads != 0) {
            throw new WeightFormatException(j.source, "hidden_size " + hidden + " is not a multiple of num_attention_heads " + heads);
        }
        return new DecoderConfig(Architecture.OPT, j.integer("vocab_size", null), hidden,
                j.integer("num_hidden_layers", null), heads, heads, hidden / heads, j.integer("ffn_dim", null),
                j.integer("max_position_embeddings", null), 1e-5f, 10000, null, RopeLayout.NONE, true, true, true, true);
    }

    private static void positive(String key, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(key + " must be positive, got " + v);
        }
    }

    /** Typed access to config keys, each error naming the source and the key. */
    private record Json(JsonNode root, String source) {
        boolean has(String key) {
            JsonNode n = root.get(key);
            return n != null && !n.isNull();
        }

        int integer(String key, Integer dflt) {
            JsonNode n = root.get(key);
            if (n == null || n.isNull()) {
                if (dflt == null) {
                    throw new WeightFormatException(source, "config has no '" + key + "'");
                }
                return dflt;
            }
            if (!n.isIntegralNumber() || !n.canConvertToInt()) {
                throw new WeightFormatException(source, "'" + key + "' must be an integer that fits in 32 bits, got " + n);
            }
            return n.intValue();
        }

        double number(String key, Double dflt) {
            JsonNode n = root.get(key);
            if (n == null || n.isNull()) {
                if (dflt == null) {
                    throw new WeightFormatException(source, "config has no '" + key + "'");
                }
                return dflt;
            }
            if (!n.isNumber()) {
                throw new WeightFormatException(source, "'" + key + "' must be a number, got " + n);
            }
            return n.doubleValue();
        }

        boolean bool(String key, boolean dflt) {
            JsonNode n = root.get(key);
            if (n == null || n.isNull()) {
                return dflt;
            }
            if (!n.isBoolean()) {
                throw new WeightFormatException(source, "'" + key + "' must be true or false, got " + n);
            }
            return n.booleanValue();
        }

        String string(String key, String dflt) {
            JsonNode n = root.get(key);
            if (n == null || n.isNull()) {
                return dflt;
            }
            if (!n.isTextual()) {
                throw new WeightFormatException(source, "'" + key + "' must be a string, got " + n);
            }
            return n.textValue().toLowerCase(Locale.ROOT);
        }
    }
}
