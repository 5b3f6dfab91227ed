package dev.zoft.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zoft.tensor.Tensor;
import dev.zoft.tokenizer.GgufTokenizer;
import dev.zoft.weights.DecoderCheckpoint;
import dev.zoft.weights.DecoderToGguf;
import dev.zoft.weights.SafetensorsWriter;
import dev.zoft.weights.gguf.GgmlType;
import dev.zoft.weights.gguf.GgufFile;
import dev.zoft.weights.gguf.GgufMetadata;
import dev.zoft.weights.gguf.GgufWriter;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Tiny random decoders with real vocabularies, written by the tests themselves: a Hugging Face
 * folder (config.json, model.safetensors, tokenizer.json exported from a llama.cpp vocabulary
 * GGUF in the shared assets) and the same model as a GGUF file with that vocabulary's
 * {@code tokenizer.ggml.*} metadata. Hidden size 16, 2 layers: the vocabulary dominates the size.
 */
final class TinyDecoderFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TinyDecoderFiles() {
    }

    /** A vocabulary GGUF of the shared assets (the test fails if the shared folder is missing). */
    static Path vocab(String file) {
        String shared = System.getProperty("zoft.shared.dir");
        if (shared == null || !Files.isDirectory(Path.of(shared))) {
            throw new IllegalStateException("system property zoft.shared.dir must name the shared folder, got " + shared);
        }
        Path p = Path.of(shared, "assets", "vocab", file);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("missing shared asset " + p);
        }
        return p;
    }

    /** Vocabulary size and BOS/EOS of a vocabulary GGUF. */
    private record Vocab(int size, long bos, long eos, GgufMetadata metadata) {
    }

    private static Vocab readVocab(Path vocabGguf, GgufFile g) {
        GgufMetadata md = g.metadata();
        int size = Math.toIntExact(md.getArray("tokenizer.ggml.tokens").length());
        return new Vocab(size, md.findLong("tokenizer.ggml.bos_token_id").orElse(-1),
                md.findLong("tokenizer.ggml.eos_token_id").orElse(-1), md);
    }

    /** A Llama (GQA, tied embeddings) Hugging Face folder over {@code vocabGguf}'s vocabulary. */
    static Path llamaFolder(Path dir, Path vocabGguf, long seed) throws IOException {
        Files.createDirectories(dir);
        int h = 16;
        int f = 32;
        int heads = 4;
        int kv = 2;
        int layers = 2;
        try (GgufFile g = GgufFile.open(vocabGguf); Arena arena = Arena.ofConfined()) {
            Vocab v = readVocab(vocabGguf, g);
            SplittableRandom r = new SplittableRandom(seed);
            Map<String, Tensor> w = new LinkedHashMap<>();
            w.put("model.embed_tokens.weight", random(arena, r, 1f, v.size(), h));
            for (int i = 0; i < layers; i++) {
                String l = "model.layers." + i + ".";
                w.put(l + "input_layernorm.weight", ones(arena, h));
                w.put(l + "self_attn.q_proj.weight", random(arena, r, 0.25f, h, h));
                w.put(l + "self_attn.k_proj.weight", random(arena, r, 0.25f, kv * h / heads, h));
                w.put(l + "self_attn.v_proj.weight", random(arena, r, 0.25f, kv * h / heads, h));
                w.put(l + "self_attn.o_proj.weight", random(arena, r, 0.25f, h, h));
                w.put(l + "post_attention_layernorm.weight", ones(arena, h));
                w.put(l + "mlp.gate_proj.weight", random(arena, r, 0.25f, f, h));
                w.put(l + "mlp.up_proj.weight", random(arena, r, 0.25f, f, h));
                w.put(l + "mlp.down_proj.weight", random(arena, r, 0.18f, h, f));
            }
            w.put("model.norm.weight", ones(arena, h));
            SafetensorsWriter.write(dir.resolve("model.safetensors"), w, Map.of("format", "pt"));
            ObjectNode c = JSON.createObjectNode();
            c.put("model_type", "llama").put("vocab_size", v.size()).put("hidden_size", h)
                    .put("num_hidden_layers", layers).put("num_attention_heads", heads).put("num_key_value_heads", kv)
                    .put("intermediate_size", f).put("max_position_embeddings", 256).put("rms_norm_eps", 1e-5)
                    .put("rope_theta", 10000.0).put("tie_word_embeddings", true);
            if (v.bos() >= 0) {
                c.put("bos_token_id", v.bos());
            }
            if (v.eos() >= 0) {
                c.put("eos_token_id", v.eos());
            }
            Files.writeString(dir.resolve("config.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(c));
        }
        GgufTokenizer.exportTokenizerJson(vocabGguf, dir.resolve("tokenizer.json"));
        return dir;
    }

    /** A GPT-2 Hugging Face folder (Conv1D weights {@code [in, out]}) over {@code vocabGguf}'s vocabulary. */
    static Path gpt2Folder(Path dir, Path vocabGguf, long seed) throws IOException {
        Files.createDirectories(dir);
        int h = 16;
        int layers = 2;
        try (GgufFile g = GgufFile.open(vocabGguf); Arena arena = Arena.ofConfined()) {
            Vocab v = readVocab(vocabGguf, g);
            SplittableRandom r = new SplittableRandom(seed);
            Map<String, Tensor> w = new LinkedHashMap<>();
            w.put("wte.weight", random(arena, r, 1f, v.size(), h));
            w.put("wpe.weight", random(arena, r, 0.1f, 64, h));
            for (int i = 0; i < layers; i++) {
                String l = "h." + i + ".";
                w.put(l + "ln_1.weight", ones(arena, h));
                w.put(l + "ln_1.bias", random(arena, r, 0.05f, h));
                w.put(l + "attn.c_attn.weight", random(arena, r, 0.25f, h, 3 * h));
                w.put(l + "attn.c_attn.bias", random(arena, r, 0.05f, 3 * h));
                w.put(l + "attn.c_proj.weight", random(arena, r, 0.25f, h, h));
                w.put(l + "attn.c_proj.bias", random(arena, r, 0.05f, h));
                w.put(l + "ln_2.weight", ones(arena, h));
                w.put(l + "ln_2.bias", random(arena, r, 0.05f, h));
                w.put(l + "mlp.c_fc.weight", random(arena, r, 0.25f, h, 4 * h));
                w.put(l + "mlp.c_fc.bias", random(arena, r, 0.05f, 4 * h));
                w.put(l + "mlp.c_proj.weight", random(arena, r, 0.12f, 4 * h, h));
                w.put(l + "mlp.c_proj.bias", random(arena, r, 0.05f, h));
            }
            w.put("ln_f.weight", ones(arena, h));
            w.put("ln_f.bias", random(arena, r, 0.05f, h));
            SafetensorsWriter.write(dir.resolve("model.safetensors"), w, Map.of("format", "pt"));
            ObjectNode c = JSON.createObjectNode();
            c.put("model_type", "gpt2").put("vocab_size", v.size()).put("n_embd", h).put("n_layer", layers)
                    .put("n_head", 4).put("n_positions", 64).put("layer_norm_epsilon", 1e-5)
                    .put("activation_function", "gelu_new");
            Files.writeString(dir.resolve("config.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(c));
        }
        GgufTokenizer.exportTokenizerJson(vocabGguf, dir.resolve("tokenizer.json"));
        return dir;
    }

    /**
     * The model of {@code folder} as a GGUF file ({@link DecoderToGguf}, F32) carrying every
     * {@code tokenizer.ggml.*} key of {@code vocabGguf}.
     */
    static Path gguf(Path folder, Path vocabGguf, Path out) {
        try (DecoderCheckpoint ck = DecoderCheckpoint.open(folder); GgufFile vocab = GgufFile.open(vocabGguf);
             Arena arena = Arena.ofShared()) {
            GgufWriter w = DecoderToGguf.writer(ck, GgmlType.F32, arena);
            GgufMetadata md = vocab.metadata();
            for (String key : md.keys()) {
                if (key.startsWith("tokenizer.")) {
                    w.put(key, md.type(key), md.get(key));
                }
            }
            w.write(out);
        }
        return out;
    }

    private static Tensor random(Arena arena, SplittableRandom r, float scale, long... shape) {
        long n = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        }
        return Tensor.of(arena, v, shape);
    }

    private static Tensor ones(Arena arena, int n) {
        float[] v = new float[n];
        Arrays.fill(v, 1f);
        return Tensor.of(arena, v, n);
    }
}
