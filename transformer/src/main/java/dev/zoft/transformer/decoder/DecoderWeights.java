package dev.zoft.transformer.decoder;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.weights.DecoderCheckpoint;
import dev.zoft.transformer.decoder.DecoderConfig.Architecture;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The parameters of a decoder in one layout for every family, F32, each checked against a
 * {@link DecoderConfig}. Linear weights are {@code [out × in]} (PyTorch's Linear layout); biases,
 * the LayerNorm shifts, the position table and the SwiGLU gate are null where the family has none.
 *
 * <p><b>Memory.</b> Tensors of the source are used in place (views of the mapped file, never
 * copied). Matrices (embeddings, positions, Linear weights, the head) keep their stored dtype:
 * the GEMM and the embedding gather decode BF16 and F16 exactly as they read them, so a BF16
 * SmolLM2-135M (270 MB on disk) computes from its 270 MB mapping. Vectors (norms, biases, the
 * rope factors) are converted once to small F32 copies in the caller's arena.
 * Every Linear weight is {@code [out × in]}, the convention of {@code DecoderCheckpoint} (which
 * transposes GPT-2's Conv1D weights once); GPT-2's fused {@code c_attn} is split into Q, K and V
 * row views.
 *
 * @param tokenEmbeddings    {@code [vocab × H]}
 * @param positionEmbeddings {@code [positionOffset + maxPositions × H]} for learned positions, else null
 * @param layers             one entry per decoder layer
 * @param finalNormWeight    the last norm's scale {@code [H]}
 * @param finalNormBias      the last LayerNorm's shift, null for RMSNorm
 * @param lmHead             {@code [vocab × H]}; the same tensor as tokenEmbeddings when tied
 * @param ropeFreqFactors    Llama-3 RoPE frequency divisors {@code [headDim/2]} as llama.cpp stores
 *                           them ({@code rope_freqs.weight}), or null (then the config's scaling, if
 *                           any, gives the frequencies); a constant, never trained
 */
public record DecoderWeights(Tensor tokenEmbeddings, Tensor positionEmbeddings, List<Layer> layers,
                             Tensor finalNormWeight, Tensor finalNormBias, Tensor lmHead, Tensor ropeFreqFactors) {

    /** One decoder layer. */
    public record Layer(Tensor attnNormWeight, Tensor attnNormBias,
                        Tensor qWeight, Tensor qBias, Tensor kWeight, Tensor kBias, Tensor vWeight, Tensor vBias,
                        Tensor oWeight, Tensor oBias,
                        Tensor mlpNormWeight, Tensor mlpNormBias,
                        Tensor gateWeight, Tensor gateBias, Tensor upWeight, Tensor upBias,
                        Tensor downWeight, Tensor downBias) {
    }

    public DecoderWeights {
        layers = List.copyOf(layers);
    }

    /** Weights without stored RoPE frequency factors. */
    public DecoderWeights(Tensor tokenEmbeddings, Tensor positionEmbeddings, List<Layer> layers,
                          Tensor finalNormWeight, Tensor finalNormBias, Tensor lmHead) {
        this(tokenEmbeddings, positionEmbeddings, layers, finalNormWeight, finalNormBias, lmHead, null);
    }

    /**
     * Looks every parameter up under its Hugging Face name for the config's architecture
     * (detecting the {@code model.} / {@code transformer.} / {@code model.decoder.} prefixes),
     * converting non-F32 tensors into {@code arena}.
     *
     * @param lookup returns the tensor of a name, or null when there is none
     * @param source names the checkpoint in errors
     * @throws IllegalArgumentException naming the first missing or mis-shaped tensor
     */
    public static DecoderWeights load(DecoderConfig config, Function<String, Tensor> lookup, Arena arena, String source) {
        Getter g = new Getter(lookup, arena, source);
        return switch (config.architecture()) {
            case LLAMA -> llama(config, g);
            case GPT2 -> gpt2(config, g);
            case OPT -> opt(config, g);
        };
    }

    private static DecoderWeights llama(DecoderConfig c, Getter g) {
        String p = g.exists("model.embed_tokens.weight") ? "model." : "";
        int h = c.hiddenSize();
        int q = c.qWidth();
        int kv = c.kvWidth();
        int f = c.intermediateSize();
        boolean ab = c.attentionBias();
        boolean mb = c.mlpBias();
        Tensor embed = g.get(p + "embed_tokens.weight", c.vocabSize(), h);
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) {
            String l = p + "layers." + i + ".";
            layers.add(new Layer(
                    g.get(l + "input_layernorm.weight", h), null,
                    g.get(l + "self_attn.q_proj.weight", q, h), ab ? g.get(l + "self_attn.q_proj.bias", q) : null,
                    g.get(l + "self_attn.k_proj.weight", kv, h), ab ? g.get(l + "self_attn.k_proj.bias", kv) : null,
                    g.get(l + "self_attn.v_proj.weight", kv, h), ab ? g.get(l + "self_attn.v_proj.bias", kv) : null,
                    g.get(l + "self_attn.o_proj.weight", h, q), c.outputBias() ? g.get(l + "self_attn.o_proj.bias", h) : null,
                    g.get(l + "post_attention_layernorm.weight", h), null,
                    g.get(l + "mlp.gate_proj.weight", f, h), mb ? g.get(l + "mlp.gate_proj.bias", f) : null,
                    g.get(l + "mlp.up_proj.weight", f, h), mb ? g.get(l + "mlp.up_proj.bias", f) : null,
                    g.get(l + "mlp.down_proj.weight", h, f), mb ? g.get(l + "mlp.down_proj.bias", h) : null));
        }
        Tensor head;
        if (c.tieWordEmbeddings()) {
            head = embed;
        } else {
            head = g.get("lm_head.weight", c.vocabSize(), h);
        }
        Tensor freqs = g.lookup().apply(DecoderCheckpoint.ROPE_FREQS);
        if (freqs != null) {
            if (freqs.numel() != c.headDim() / 2) {
                throw new IllegalArgumentException(g.source() + ": '" + DecoderCheckpoint.ROPE_FREQS + "' must hold headDim/2 = "
                        + c.headDim() / 2 + " RoPE frequency factors, has " + freqs.numel());
            }
            freqs = freqs.toF32(g.arena());
        }
        return new DecoderWeights(embed, null, layers, g.get(p + "norm.weight", h), null, head, freqs);
    }

    private static DecoderWeights gpt2(DecoderConfig c, Getter g) {
        String p = g.exists("transformer.wte.weight") ? "transformer." : "";
        int h = c.hiddenSize();
        int f = c.intermediateSize();
        Tensor wte = g.get(p + "wte.weight", c.vocabSize(), h);
        Tensor wpe = g.get(p + "wpe.weight", c.maxPositions(), h);
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) {
            String l = p + "h." + i + ".";
            Tensor rawQkv = lookupOrNull(g, l + "attn.c_attn.weight");
            if (rawQkv != null && java.util.Arrays.equals(rawQkv.shape(), new long[] {h, 3L * h})) {
                throw new IllegalArgumentException(g.source() + ": " + l + "attn.c_attn.weight is in GPT-2's Conv1D layout"
                        + " [in, out]; open the checkpoint with DecoderCheckpoint, which transposes it to [out, in]");
            }
            Tensor qkv = g.get(l + "attn.c_attn.weight", 3L * h, h);
            Tensor qkvBias = g.get(l + "attn.c_attn.bias", 3 * h);
            layers.add(new Layer(
                    g.get(l + "ln_1.weight", h), g.get(l + "ln_1.bias", h),
                    qkv.slice(0, h), qkvBias.slice(0, h),
                    qkv.slice(h, 2L * h), qkvBias.slice(h, 2L * h),
                    qkv.slice(2L * h, 3L * h), qkvBias.slice(2L * h, 3L * h),
                    g.get(l + "attn.c_proj.weight", h, h), g.get(l + "attn.c_proj.bias", h),
                    g.get(l + "ln_2.weight", h), g.get(l + "ln_2.bias", h),
                    null, null,
                    g.get(l + "mlp.c_fc.weight", f, h), g.get(l + "mlp.c_fc.bias", f),
                    g.get(l + "mlp.c_proj.weight", h, f), g.get(l + "mlp.c_proj.bias", h)));
        }
        return new DecoderWeights(wte, wpe, layers, g.get(p + "ln_f.weight", h), g.get(p + "ln_f.bias", h), wte);
    }

    private static DecoderWeights opt(DecoderConfig c, Getter g) {
        String p = g.exists("model.decoder.embed_tokens.weight") ? "model.decoder."
                : g.exists("decoder.embed_tokens.weight") ? "decoder." : "";
        int h = c.hiddenSize();
        int f = c.intermediateSize();
        Tensor embed = g.get(p + "embed_tokens.weight", c.vocabSize(), h);
        Tensor pos = g.get(p + "embed_positions.weight", c.maxPositions() + 2L, h);
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) {
            String l = p + "layers." + i + ".";
            layers.add(new Layer(
                    g.get(l + "self_attn_layer_norm.weight", h), g.get(l + "self_attn_layer_norm.bias", h),
                    g.get(l + "self_attn.q_proj.weight", h, h), g.get(l + "self_attn.q_proj.bias", h),
                    g.get(l + "self_attn.k_proj.weight", h, h), g.get(l + "self_attn.k_proj.bias", h),
                    g.get(l + "self_attn.v_proj.weight", h, h), g.get(l + "self_attn.v_proj.bias", h),
                    g.get(l + "self_attn.out_proj.weight", h, h), g.get(l + "self_attn.out_proj.bias", h),
                    g.get(l + "final_layer_norm.weight", h), g.get(l + "final_layer_norm.bias", h),
                    null, null,
                    g.get(l + "fc1.weight", f, h), g.get(l + "fc1.bias", f),
                    g.get(l + "fc2.weight", h, f), g.get(l + "fc2.bias", h)));
        }
        return new DecoderWeights(embed, pos, layers, g.get(p + "final_layer_norm.weight", h),
                g.get(p + "final_layer_norm.bias", h), embed);
    }

    private static Tensor lookupOrNull(Getter g, String name) {
        return g.lookup().apply(name);
    }

    /** Whether the LM head is the token embedding table (one tensor, counted and perturbed once). */
    public boolean tied() {
        return lmHead == tokenEmbeddings;
    }

    /**
     * Every distinct tensor under a stable name, in forward order: {@code embed}, {@code positions},
     * {@code layers.i.<field>} (the {@link Layer} component names), {@code norm.weight},
     * {@code norm.bias}, {@code lm_head} (absent when tied). Null components are left out.
     */
    public Map<String, Tensor> named() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("embed", tokenEmbeddings);
        if (positionEmbeddings != null) {
            m.put("positions", positionEmbeddings);
        }
        var fields = Layer.class.getRecordComponents();
        for (int i = 0; i < layers.size(); i++) {
            for (var f : fields) {
                try {
                    Tensor t = (Tensor) f.getAccessor().invoke(layers.get(i));
                    if (t != null) {
                        m.put("layers." + i + "." + f.getName(), t);
                    }
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        m.put("norm.weight", finalNormWeight);
        if (finalNormBias != null) {
            m.put("norm.bias", finalNormBias);
        }
        if (!tied()) {
            m.put("lm_head", lmHead);
        }
        return m;
    }

    /**
     * These weights with the tensors named in {@code replacements} ({@link #named()} names) swapped
     * for the given ones, e.g. writable copies of a trainable subset while the frozen tensors stay
     * mapped. When the head is tied, replacing {@code embed} replaces the head too.
     *
     * @throws IllegalArgumentException naming an unknown name, or a replacement that is not F32 or
     *     not of the replaced tensor's shape
     */
    public DecoderWeights withReplaced(Map<String, Tensor> replacements) {
        Map<String, Tensor> current = named();
        for (Map.Entry<String, Tensor> e : replacements.entrySet()) {
            Tensor old = current.get(e.getKey());
            if (old == null) {
                throw new IllegalArgumentException("'" + e.getKey() + "' is not a parameter of these decoder weights");
            }
            Tensor t = e.getValue();
            if (t.dtype() != DType.F32 || !Arrays.equals(t.shape(), old.shape())) {
                throw new IllegalArgumentException("replacement " + t + " for '" + e.getKey() + "' must be F32 of shape "
                        + Arrays.toString(old.shape()));
            }
        }
        java.util.function.UnaryOperator<Tensor> swap = t -> {
            if (t == null) {
                return null;
            }
            for (Map.Entry<String, Tensor> e : current.entrySet()) {
                if (e.getValue() == t && replacements.containsKey(e.getKey())) {
                    return replacements.get(e.getKey());
                }
            }
            return t;
        };
        List<Layer> newLayers = new ArrayList<>();
        var fields = Layer.class.getRecordComponents();
        for (Layer l : layers) {
            Object[] args = new Object[fields.length];
            Class<?>[] types = new Class<?>[fields.length];
            for (int i = 0; i < fields.length; i++) {
                types[i] = Tensor.class;
                try {
                    args[i] = swap.apply((Tensor) fields[i].getAccessor().invoke(l));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
            try {
                newLayers.add(Layer.class.getDeclaredConstructor(types).newInstance(args));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        Tensor embed = swap.apply(tokenEmbeddings);
        return new DecoderWeights(embed, swap.apply(positionEmbeddings), newLayers, swap.apply(finalNormWeight),
                swap.apply(finalNormBias), tied() ? embed : swap.apply(lmHead), ropeFreqFactors);
    }

    /** Number of parameters (elements of every distinct tensor). */
    public long parameterCount() {
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        long n = 0;
        for (Tensor t : named().values()) {
            if (seen.put(t, Boolean.TRUE) == null) {
                n += t.numel();
            }
        }
        return n;
    }

    /** Resolves names, checks shapes, converts to F32 where needed. */
    private record Getter(Function<String, Tensor> lookup, Arena arena, String source) {
        boolean exists(String name) {
            return lookup.apply(name) != null;
        }

            Tensor get(String name, long... shape) {
            Tensor t = raw(name);
            if (!Arrays.equals(t.shape(), shape)) {
                throw new IllegalArgumentException(source + ": decoder weight " + name + " has shape "
                        + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(shape));
            }
            // Matrices are only read by the GEMM and the gather, which decode half precision themselves.
            return t.dtype() == DType.F32 || t.rank() == 2 ? t : t.toF32(arena);
        }

        private Tensor raw(String name) {
            Tensor t = lookup.apply(name);
            if (t == null) {
                throw new IllegalArgumentException(source + ": decoder weight " + name + " is missing");
            }
            return t;
        }
    }

    /** Whether the architecture's norms are LayerNorms (with a shift) rather than RMSNorms. */
    static boolean layerNorm(Architecture a) {
        return a != Architecture.LLAMA;
    }
}
