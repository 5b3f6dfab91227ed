package dev.zoft.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zoft.tensor.Tensor;
import dev.zoft.weights.gguf.GgufFile;
import dev.zoft.weights.gguf.GgufMetadata;
import dev.zoft.weights.gguf.GgufTensorNames;
import dev.zoft.weights.llama2c.Llama2cCheckpoint;
import dev.zoft.weights.llama2c.Llama2cConfig;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A decoder language model's weights seen the same way whatever file they came from: tensors
 * under Hugging Face names, a Hugging Face style {@code config.json} object, and the RoPE layout
 * the Q/K weights are in.
 *
 * <p><b>Names.</b> Llama family ({@code llama}, {@code qwen2}, and Hugging Face {@code mistral}):
 * {@code model.embed_tokens.weight}, {@code model.layers.N.input_layernorm.weight},
 * {@code model.layers.N.self_attn.{q,k,v,o}_proj.weight} (and {@code .bias} for Qwen2's Q/K/V),
 * {@code model.layers.N.post_attention_layernorm.weight},
 * {@code model.layers.N.mlp.{gate,up,down}_proj.weight}, {@code model.norm.weight},
 * {@code lm_head.weight} (absent when tied). GPT-2: {@code wte.weight}, {@code wpe.weight},
 * {@code h.N.ln_1.*}, {@code h.N.attn.c_attn.*}, {@code h.N.attn.c_proj.*}, {@code h.N.ln_2.*},
 * {@code h.N.mlp.c_fc.*}, {@code h.N.mlp.c_proj.*}, {@code ln_f.*}. Other model types from a
 * Hugging Face folder (e.g. OPT) keep the folder's names. GGUF tensors without a Hugging Face
 * counterpart keep their GGUF name; in particular llama.cpp's {@value #ROPE_FREQS} (Llama-3.1/3.2
 * RoPE scaling, one divisor per rotated pair: llama.cpp uses {@code theta_i / factor_i}), which the
 * config then names under {@code "rope_freq_factors"} since GGUF has no {@code rope_scaling} for it.
 *
 * <p><b>Layout.</b> Every linear weight is {@code [out, in]} row-major. GPT-2's Hugging Face
 * checkpoints store {@code Conv1D} weights {@code [in, out]}: those four per layer are transposed
 * once into an off-heap F32 arena owned by this checkpoint (F32 whatever the source type). GGUF
 * files already hold them {@code [out, in]} and are mapped as they are. Q/K rows are left in the
 * file's RoPE order, reported by {@link #ropeLayout()}: {@link RopeLayout#INTERLEAVED} for GGUF
 * {@code llama} and llama2.c, {@link RopeLayout#HALF_SPLIT} for GGUF {@code qwen2} and Hugging
 * Face folders, {@link RopeLayout#NONE} for GPT-2 and OPT.
 *
 * <p><b>Memory.</b> Tensors are read-only slices of the mapped files (Q8_0 GGUF tensors are
 * dequantised at load, see {@link GgufFile}); nothing here ever writes to the user's file. A
 * trainer copies the tensors it perturbs into its own F32 arena.
 *
 * <p>{@link #validate()} runs at every open: each tensor the config implies must be present with
 * the implied shape.
 */
public final class DecoderCheckpoint implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_CONFIG_BYTES = 16L << 20;
    /** llama.cpp's tensor of Llama-3 RoPE frequency divisors ({@code theta_i / factor_i}), kept under this name. */
    public static final String ROPE_FREQS = "rope_freqs.weight";

    private final String source;
    private final TensorStore tensors;
    private final ObjectNode config;
    private final RopeLayout ropeLayout;
    private final GgufMetadata ggufMetadata;

    private DecoderCheckpoint(String source, TensorStore tensors, ObjectNode config, RopeLayout ropeLayout,
                              GgufMetadata ggufMetadata) {
        this.source = source;
        this.tensors = tensors;
        this.config = config;
        this.ropeLayout = ropeLayout;
        this.ggufMetadata = ggufMetadata;
    }

    /**
     * Opens {@code path} by its kind: a {@code .gguf} file, a llama2.c {@code .bin} file, or a
     * Hugging Face folder with {@code config.json}.
     */
    public static DecoderCheckpoint open(Path path) {
        if (Files.isDirectory(path)) {
            return openHuggingFace(path);
        }
        String name = String.valueOf(path.getFileName()).toLowerCase(Locale.ROOT);
        if (name.endsWith(".gguf")) {
            return openGguf(path);
        }
        if (name.endsWith(".bin")) {
            return openLlama2c(path);
        }
        throw new WeightFormatException(path, "not a decoder checkpoint: expected a .gguf file, a llama2.c .bin file "
                + "or a Hugging Face folder with config.json");
    }

    // ---------------------------------------------------------------- GGUF

    /** Opens a GGUF file of architecture {@code llama}, {@code qwen2} or {@code gpt2}. */
    public static DecoderCheckpoint openGguf(Path file) {
        GgufFile g = GgufFile.open(file);
        try {
            return fromGguf(g);
        } catch (RuntimeException e) {
            g.close();
            throw e;
        }
    }

    /** Wraps an open GGUF file, which the checkpoint then owns. */
    public static DecoderCheckpoint fromGguf(GgufFile g) {
        GgufMetadata m = g.metadata();
        String arch = m.getString("general.architecture");
        if (!GgufTensorNames.ARCHITECTURES.contains(arch)) {
            throw new WeightFormatException(g.path(), "GGUF architecture '" + arch + "' is not supported (supported: "
                    + GgufTensorNames.ARCHITECTURES + ")");
        }
        TensorStore raw = g.tensors();
        TensorStore.Builder b = TensorStore.builder(raw.source()).file(g.path()).owns(raw).metadata(raw.metadata());
        try {
            boolean gpt2 = arch.equals("gpt2");
            String embedding = gpt2 ? "wte.weight" : "model.embed_tokens.weight";
            for (Map.Entry<String, Tensor> e : raw) {
                String hf = GgufTensorNames.toHuggingFace(arch, e.getKey()).orElse(e.getKey());
                if (hf.equals("lm_head.weight") && raw.contains("token_embd.weight")
                        && sameBytes(e.getValue(), raw.get("token_embd.weight"))) {
                    continue; // llama.cpp's GPT-2 converter duplicates the tied embedding as output.weight
                }
                b.put(hf, e.getValue());
            }
            raw.unsupported().forEach((k, why) -> b.unsupported(GgufTensorNames.toHuggingFace(arch, k).orElse(k), why));
            boolean tied = !b.contains("lm_head.weight");
            ObjectNode config = gpt2 ? gpt2Config(g, m, tied) : llamaConfig(g, m, arch, tied, b.contains("model.layers.0.self_attn.q_proj.bias"));
            if (!b.contains(embedding) && !raw.unsupported().containsKey("token_embd.weight")) {
                throw new WeightFormatException(g.path(), "GGUF file has no token_embd.weight");
            }
            RopeLayout layout = gpt2 ? RopeLayout.NONE : arch.equals("llama") ? RopeLayout.INTERLEAVED : RopeLayout.HALF_SPLIT;
            DecoderCheckpoint c = new DecoderCheckpoint(g.path().toString(), b.build(), config, layout, m);
            c.validateOrClose();
            return c;
        } catch (RuntimeException e) {
            b.abort();
            throw e;
        }
    }

    private static boolean sameBytes(Tensor a, Tensor b) {
        return Arrays.equals(a.shape(), b.shape()) && a.dtype() == b.dtype() && a.segment().mismatch(b.segment()) < 0;
    }

    private static ObjectNode llamaConfig(GgufFile g, GgufMetadata m, String arch, boolean tied, boolean qkvBias) {
        ObjectNode c = JSON.createObjectNode();
        c.put("model_type", arch);
        c.putArray("architectures").add(arch.equals("qwen2") ? "Qwen2ForCausalLM" : "LlamaForCausalLM");
        int hidden = m.getInt(arch + ".embedding_length");
        int heads = m.getInt(arch + ".attention.head_count");
        c.put("hidden_size", hidden);
        c.put("intermediate_size", m.getInt(arch + ".feed_forward_length"));
        c.put("num_hidden_layers", m.getInt(arch + ".block_count"));
        c.put("num_attention_heads", heads);
        c.put("num_key_value_heads", m.contains(arch + ".attention.head_count_kv") ? m.getInt(arch + ".attention.head_count_kv") : heads);
        if (m.contains(arch + ".attention.key_length")) {
            c.put("head_dim", m.getInt(arch + ".attention.key_length"));
        }
        c.put("rms_norm_eps", m.findDouble(arch + ".attention.layer_norm_rms_epsilon").orElse(1e-5));
        c.put("rope_theta", m.findDouble(arch + ".rope.freq_base").orElse(10000.0));
        Optional<String> scaling = m.findString(arch + ".rope.scaling.type");
        boolean ropeFreqs = g.tensorInfos().stream().anyMatch(t -> t.name().equals(ROPE_FREQS));
        if (scaling.isPresent() && scaling.get().equals("llama3") && !ropeFreqs) {
            // GGUF has keys for the factor and the original context length but none for Llama-3's
            // low/high frequency factors: llama.cpp bakes all of it into rope_freqs.weight.
            throw new WeightFormatException(g.path(), "rope scaling type 'llama3' without a " + ROPE_FREQS
                    + " tensor: GGUF has no keys for Llama-3's low_freq_factor / high_freq_factor, so the scaling must "
                    + "be stored as llama.cpp stores it, as per-frequency divisors in " + ROPE_FREQS);
        }
        if (scaling.isPresent() && !scaling.get().equals("none")) {
            ObjectNode s = c.putObject("rope_scaling");
            s.put("rope_type", scaling.get());
            m.findDouble(arch + ".rope.scaling.factor").ifPresent(f -> s.put("factor", f));
            if (m.contains(arch + ".rope.scaling.original_context_length")) {
                s.put("original_max_position_embeddings", m.getInt(arch + ".rope.scaling.original_context_length"));
            }
        } else {
            c.putNull("rope_scaling");
        }
        c.put("vocab_size", vocabSize(g, m, arch));
        c.put("max_position_embeddings", m.getInt(arch + ".context_length"));
        if (ropeFreqs) {
            // Llama-3 scaling as llama.cpp stores it: per-frequency divisors instead of config values
            c.put("rope_freq_factors", ROPE_FREQS);
        }
        c.put("tie_word_embeddings", tied);
        c.put("attention_bias", qkvBias);
        c.put("hidden_act", "silu");
        tokenIds(c, m);
        return c;
    }

    private static ObjectNode gpt2Config(GgufFile g, GgufMetadata m, boolean tied) {
        ObjectNode c = JSON.createObjectNode();
        c.put("model_type", "gpt2");
        c.putArray("architectures").add("GPT2LMHeadModel");
        int embd = m.getInt("gpt2.embedding_length");
        c.put("n_embd", embd);
        c.put("n_layer", m.getInt("gpt2.block_count"));
        c.put("n_head", m.getInt("gpt2.attention.head_count"));
        c.put("n_inner", m.contains("gpt2.feed_forward_length") ? m.getInt("gpt2.feed_forward_length") : 4 * embd);
        c.put("n_positions", m.getInt("gpt2.context_length"));
        c.put("n_ctx", m.getInt("gpt2.context_length"));
        c.put("layer_norm_epsilon", m.findDouble("gpt2.attention.layer_norm_epsilon").orElse(1e-5));
        c.put("activation_function", "gelu_new");
        c.put("vocab_size", vocabSize(g, m, "gpt2"));
        c.put("tie_word_embeddings", tied);
        tokenIds(c, m);
        return c;
    }

    private static int vocabSize(GgufFile g, GgufMetadata m, String arch) {
        for (var info : g.tensorInfos()) {
            if (info.name().equals("token_embd.weight") && info.dims().length == 2) {
                long v = info.dims()[1];
                if (v > Integer.MAX_VALUE) {
                    throw new WeightFormatException(g.path(), "token_embd.weight has " + v + " rows, more than an int vocabulary");
                }
                return (int) v;
            }
        }
        if (m.contains(arch + ".vocab_size")) {
            return m.getInt(arch + ".vocab_size");
        }
        return m.getStringArray("tokenizer.ggml.tokens").size();
    }

    private static void tokenIds(ObjectNode c, GgufMetadata m) {
        for (String which : new String[]{"bos", "eos"}) {
            String key = "tokenizer.ggml." + which + "_token_id";
            if (m.contains(key)) {
                c.put(which + "_token_id", m.getInt(key));
            }
        }
    }

    // ---------------------------------------------------------------- llama2.c

    /** Opens a llama2.c checkpoint (legacy or v1). */
    public static DecoderCheckpoint openLlama2c(Path file) {
        Llama2cCheckpoint ck = Llama2cCheckpoint.open(file);
        try {
            return fromLlama2c(ck);
        } catch (RuntimeException e) {
            ck.close();
            throw e;
        }
    }

    /** Wraps an open llama2.c checkpoint, which the checkpoint then owns. */
    public static DecoderCheckpoint fromLlama2c(Llama2cCheckpoint ck) {
        Llama2cConfig p = ck.config();
        TensorStore raw = ck.tensors();
        TensorStore.Builder b = TensorStore.builder(raw.source()).file(ck.path()).owns(ck).metadata(raw.metadata());
        try {
            for (Map.Entry<String, Tensor> e : raw) {
                b.put(llama2cToHuggingFace(e.getKey()), e.getValue());
            }
            ObjectNode c = JSON.createObjectNode();
            c.put("model_type", "llama");
            c.putArray("architectures").add("LlamaForCausalLM");
            c.put("hidden_size", p.dim());
            c.put("intermediate_size", p.hiddenDim());
            c.put("num_hidden_layers", p.layers());
            c.put("num_attention_heads", p.heads());
            c.put("num_key_value_heads", p.kvHeads());
            c.put("rms_norm_eps", 1e-5); // llama2.c's ModelArgs.norm_eps, not stored in the file
            c.put("rope_theta", 10000.0);
            c.putNull("rope_scaling");
            c.put("vocab_size", p.vocabSize());
            c.put("max_position_embeddings", p.seqLen());
            c.put("tie_word_embeddings", p.sharedClassifier());
            c.put("attention_bias", false);
            c.put("hidden_act", "silu");
            c.put("bos_token_id", 1);
            c.put("eos_token_id", 2);
            DecoderCheckpoint d = new DecoderCheckpoint(ck.path().toString(), b.build(), c, RopeLayout.INTERLEAVED, null);
            d.validateOrClose();
            return d;
        } catch (RuntimeException e) {
            b.abort();
            throw e;
        }
    }

    /** llama2.c's PyTorch names to Hugging Face's. */
    static String llama2cToHuggingFace(String name) {
        return switch (name) {
            case "tok_embeddings.weight" -> "model.embed_tokens.weight";
            case "norm.weight" -> "model.norm.weight";
            case "output.weight" -> "lm_head.weight";
            default -> {
                // layers.N.<part>.weight
                String[] p = name.split("\\.", 3);
                String part = p[2].substring(0, p[2].length() - ".weight".length());
                String hf = switch (part) {
                    case "attention.wq" -> "self_attn.q_proj";
                    case "attention.wk" -> "self_attn.k_proj";
                    case "attention.wv" -> "self_attn.v_proj";
                    case "attention.wo" -> "self_attn.o_proj";
                    case "feed_forward.w1" -> "mlp.gate_proj";
                    case "feed_forward.w2" -> "mlp.down_proj";
                    case "feed_forward.w3" -> "mlp.up_proj";
                    case "attention_norm" -> "input_layernorm";
                    case "ffn_norm" -> "post_attention_layernorm";
                    default -> throw new IllegalArgumentException("not a llama2.c tensor name: " + name);
                };
                yield "model.layers." + p[1] + "." + hf + ".weight";
            }
        };
    }

    // ---------------------------------------------------------------- Hugging Face

    /**
     * Opens a Hugging Face folder: {@code config.json} plus {@code model.safetensors} or a sharded
     * index (F32, F16, BF16). GPT-2's {@code transformer.} prefix is removed, its Conv1D weights
     * transposed to {@code [out, in]} F32 and its causal-mask buffers ({@code attn.bias},
     * {@code attn.masked_bias}) dropped.
     */
    public static DecoderCheckpoint openHuggingFace(Path dir) {
        ObjectNode config = readConfig(dir);
        String type = config.path("model_type").asText("");
        if (type.isEmpty()) {
            throw new WeightFormatException(dir.resolve("config.json"), "config.json has no model_type");
        }
        TensorStore raw = Safetensors.open(dir);
        TensorStore.Builder b = TensorStore.builder(raw.source()).owns(raw).metadata(raw.metadata());
        Arena arena = null;
        try {
            raw.files().forEach(b::file);
            boolean gpt2 = type.equals("gpt2");
            for (Map.Entry<String, Tensor> e : raw) {
                String name = e.getKey();
                Tensor t = e.getValue();
                if (gpt2) {
                    name = name.startsWith("transformer.") ? name.substring("transformer.".length()) : name;
                    if (name.endsWith(".attn.bias") || name.endsWith(".attn.masked_bias")) {
                        continue;
                    }
                    if (t.rank() == 2 && isGpt2Conv1d(name)) {
                        if (arena == null) {
                            arena = Arena.ofShared();
                            b.owns(arena);
                        }
                        t = Transpose.toF32(t, arena);
                    }
                }
                b.put(name, t);
            }
            raw.unsupported().forEach(b::unsupported);
            if (!config.has("tie_word_embeddings")) {
                // Hugging Face's default is true; a folder without lm_head relies on it.
                config.put("tie_word_embeddings", !b.contains("lm_head.weight"));
            }
            RopeLayout layout = gpt2 || type.equals("opt") ? RopeLayout.NONE : RopeLayout.HALF_SPLIT;
            DecoderCheckpoint c = new DecoderCheckpoint(dir.toString(), b.build(), config, layout, null);
            c.validateOrClose();
            return c;
        } catch (RuntimeException e) {
            b.abort();
            throw e;
        }
    }

    private static boolean isGpt2Conv1d(String name) {
        return name.endsWith(".attn.c_attn.weight") || name.endsWith(".attn.c_proj.weight")
                || name.endsWith(".mlp.c_fc.weight") || name.endsWith(".mlp.c_proj.weight");
    }

    private static ObjectNode readConfig(Path dir) {
        Path file = dir.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            throw new WeightFormatException(dir, "no config.json in the model folder");
        }
        try {
            if (Files.size(file) > MAX_CONFIG_BYTES) {
                throw new WeightFormatException(file, "config.json of " + Files.size(file) + " bytes is absurd");
            }
            JsonNode n = JSON.readTree(file.toFile());
            if (!(n instanceof ObjectNode o)) {
                throw new WeightFormatException(file, "config.json is not a JSON object");
            }
            return o;
        } catch (IOException e) {
            throw new WeightFormatException(file, "config.json is not valid JSON: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- checks

    private void validateOrClose() {
        try {
            validate();
        } catch (RuntimeException e) {
            tensors.close();
            throw e;
        }
    }

    /**
     * Checks that every tensor the config implies is present with the implied shape, naming all
     * missing tensors or the first wrong shape. Model types other than the Llama family and GPT-2
     * are not checked.
     */
    public void validate() {
        String type = modelType();
        List<String> missing = new ArrayList<>();
        if (type.equals("gpt2")) {
            long d = intKey("n_embd");
            long inner = config.path("n_inner").isNumber() ? intKey("n_inner") : 4 * d;
            long vocab = intKey("vocab_size");
            expect(missing, "wte.weight", vocab, d);
            expect(missing, "wpe.weight", intKey("n_positions"), d);
            long layers = intKey("n_layer");
            for (int i = 0; i < layers && missing.size() <= 8; i++) {
                String p = "h." + i + ".";
                for (String ln : new String[]{"ln_1", "ln_2"}) {
                    expect(missing, p + ln + ".weight", d);
                    expect(missing, p + ln + ".bias", d);
                }
                expect(missing, p + "attn.c_attn.weight", 3 * d, d);
                expect(missing, p + "attn.c_attn.bias", 3 * d);
                expect(missing, p + "attn.c_proj.weight", d, d);
                expect(missing, p + "attn.c_proj.bias", d);
                expect(missing, p + "mlp.c_fc.weight", inner, d);
                expect(missing, p + "mlp.c_fc.bias", inner);
                expect(missing, p + "mlp.c_proj.weight", d, inner);
                expect(missing, p + "mlp.c_proj.bias", d);
            }
            expect(missing, "ln_f.weight", d);
            expect(missing, "ln_f.bias", d);
            if (tensors.contains("lm_head.weight")) {
                expect(missing, "lm_head.weight", vocab, d);
            }
        } else if (ropeLayout != RopeLayout.NONE) {
            long d = intKey("hidden_size");
            long heads = intKey("num_attention_heads");
            long kv = config.path("num_key_value_heads").isNumber() ? intKey("num_key_value_heads") : heads;
            long headDim = config.path("head_dim").isNumber() ? intKey("head_dim") : d / heads;
            long inter = intKey("intermediate_size");
            long vocab = intKey("vocab_size");
            expect(missing, "model.embed_tokens.weight", vocab, d);
            long layers = intKey("num_hidden_layers");
            // stop early: a hostile layer count must not build a list of a billion missing names
            for (int i = 0; i < layers && missing.size() <= 8; i++) {
                String p = "model.layers." + i + ".";
                expect(missing, p + "input_layernorm.weight", d);
                expect(missing, p + "self_attn.q_proj.weight", heads * headDim, d);
                expect(missing, p + "self_attn.k_proj.weight", kv * headDim, d);
                expect(missing, p + "self_attn.v_proj.weight", kv * headDim, d);
                expect(missing, p + "self_attn.o_proj.weight", d, heads * headDim);
                expect(missing, p + "post_attention_layernorm.weight", d);
                expect(missing, p + "mlp.gate_proj.weight", inter, d);
                expect(missing, p + "mlp.up_proj.weight", inter, d);
                expect(missing, p + "mlp.down_proj.weight", d, inter);
                if (tensors.contains(p + "self_attn.q_proj.bias")) {
                    expect(missing, p + "self_attn.q_proj.bias", heads * headDim);
                    expect(missing, p + "self_attn.k_proj.bias", kv * headDim);
                    expect(missing, p + "self_attn.v_proj.bias", kv * headDim);
                }
            }
            expect(missing, "model.norm.weight", d);
            if (tensors.contains("lm_head.weight")) {
                expect(missing, "lm_head.weight", vocab, d);
            } else if (!config.path("tie_word_embeddings").asBoolean(false)) {
                missing.add("lm_head.weight");
            }
        }
        if (!missing.isEmpty()) {
            throw new WeightFormatException(source, (missing.size() > 8 ? "more than 8" : String.valueOf(missing.size()))
                    + " decoder tensors are missing: " + (missing.size() > 8 ? missing.subList(0, 8) + "..." : missing));
        }
    }

    private void expect(List<String> missing, String name, long... shape) {
        if (!tensors.contains(name)) {
            String why = tensors.unsupported().get(name);
            if (why != null) {
                throw new WeightFormatException(source, "tensor '" + name + "' is not loadable: " + why);
            }
            missing.add(name);
            return;
        }
        long[] got = tensors.get(name).shape();
        if (!Arrays.equals(got, shape)) {
            throw new WeightFormatException(source, "tensor '" + name + "' has shape " + Arrays.toString(got) + ", expected "
                    + Arrays.toString(shape) + " from the config");
        }
    }

    private long intKey(String key) {
        JsonNode n = config.get(key);
        if (n == null || !n.canConvertToLong() || !n.isIntegralNumber() || n.asLong() <= 0) {
            throw new WeightFormatException(source, "config key '" + key + "' is " + n + ", expected a positive integer");
        }
        return n.asLong();
    }

    // ---------------------------------------------------------------- accessors

    /** The file or folder the weights came from. */
    public String source() {
        return source;
    }

    /** The tensors under Hugging Face names (see the class comment); closing it closes the checkpoint. */
    public TensorStore tensors() {
        return tensors;
    }

    /** A copy of the Hugging Face style config ({@code model_type}, {@code hidden_size}, ...). */
    public ObjectNode config() {
        return config.deepCopy();
    }

    /** {@code config.model_type}: {@code llama}, {@code qwen2}, {@code gpt2}, ... */
    public String modelType() {
        return config.path("model_type").asText();
    }

    /** The RoPE pairing of the Q/K rows. */
    public RopeLayout ropeLayout() {
        return ropeLayout;
    }

    /** The GGUF metadata (tokenizer included) when the weights came from a GGUF file. */
    public Optional<GgufMetadata> ggufMetadata() {
        return Optional.ofNullable(ggufMetadata);
    }

    @Override
    public void close() {
        tensors.close();
    }

    @Override
    public String toString() {
        return "DecoderCheckpoint[" + source + ", " + modelType() + ", " + tensors.size() + " tensors, rope " + ropeLayout.jsonName() + "]";
    }
}
