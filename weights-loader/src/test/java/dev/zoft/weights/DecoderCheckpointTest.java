package dev.zoft.weights;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.weights.gguf.GgmlType;
import dev.zoft.weights.gguf.GgufFile;
import dev.zoft.weights.gguf.GgufTensorNames;
import dev.zoft.weights.gguf.GgufWriter;
import dev.zoft.weights.gguf.SharedAssets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every decoder source seen alike: Hugging Face names, an HF-style config, the RoPE layout of its Q/K rows. */
class DecoderCheckpointTest {
    private static final FuzzFiles FILES = new FuzzFiles("zoft-decoder");
    private static final ObjectMapper JSON = new ObjectMapper();

    @AfterAll
    static void cleanUp() {
        FILES.deleteAll();
    }

    private static Path stories() {
        return SharedAssets.asset("models/stories260K/stories260K.bin");
    }

    @Test
    void stories260KFromLlama2c() {
        try (DecoderCheckpoint d = DecoderCheckpoint.open(stories())) {
            assertEquals("llama", d.modelType());
            assertEquals(RopeLayout.INTERLEAVED, d.ropeLayout());
            ObjectNode c = d.config();
            assertEquals(64, c.get("hidden_size").asInt());
            assertEquals(172, c.get("intermediate_size").asInt());
            assertEquals(5, c.get("num_hidden_layers").asInt());
            assertEquals(8, c.get("num_attention_heads").asInt());
            assertEquals(4, c.get("num_key_value_heads").asInt());
            assertEquals(512, c.get("vocab_size").asInt());
            assertEquals(512, c.get("max_position_embeddings").asInt());
            assertTrue(c.get("tie_word_embeddings").asBoolean());
            assertEquals(1, c.get("bos_token_id").asInt());
            TensorStore t = d.tensors();
            assertFalse(t.contains("lm_head.weight"));
            assertArrayEquals(new long[]{64, 172}, t.get("model.layers.4.mlp.down_proj.weight").shape());
            assertArrayEquals(new long[]{32, 64}, t.get("model.layers.0.self_attn.k_proj.weight").shape());
            assertEquals(1 + 9 * 5 + 1, t.size());
            assertTrue(d.ggufMetadata().isEmpty());
        }
    }

    @Test
    void stories260KConvertedToGgufReadsBackIdentically() throws IOException {
        Path gguf = FILES.dir().resolve("stories260K.gguf");
        try (DecoderCheckpoint ck = DecoderCheckpoint.open(stories())) {
            DecoderToGguf.convert(ck, gguf, GgmlType.F32);
        }
        try (DecoderCheckpoint bin = DecoderCheckpoint.open(stories()); DecoderCheckpoint g = DecoderCheckpoint.open(gguf)) {
            assertEquals(RopeLayout.INTERLEAVED, g.ropeLayout(), "GGUF llama keeps llama.cpp's interleaved Q/K");
            assertEquals(bin.tensors().names(), g.tensors().names());
            for (String name : bin.tensors().names()) {
                Tensor a = bin.tensors().get(name);
                Tensor b = g.tensors().get(name);
                assertArrayEquals(a.shape(), b.shape(), name);
                assertTrue(a.segment().mismatch(b.segment()) < 0, name + " differs");
            }
            for (String key : new String[]{"model_type", "hidden_size", "intermediate_size", "num_hidden_layers",
                    "num_attention_heads", "num_key_value_heads", "vocab_size", "max_position_embeddings",
                    "tie_word_embeddings", "rope_theta", "attention_bias"}) {
                assertEquals(bin.config().get(key), g.config().get(key), key);
            }
            assertEquals(1e-5, g.config().get("rms_norm_eps").asDouble(), 1e-12);
            GgufFile raw = GgufFile.open(gguf);
            try (raw) {
                assertEquals("llama", raw.metadata().getString("general.architecture"));
                assertEquals(4, raw.metadata().getLong("llama.attention.head_count_kv"));
                assertEquals(8, raw.metadata().getLong("llama.rope.dimension_count"));
                assertArrayEquals(new long[]{64, 32}, raw.tensorInfo("blk.0.attn_k.weight").dims(), "GGUF dims are fastest-first");
                assertFalse(raw.tensorInfos().stream().anyMatch(i -> i.name().equals("output.weight")));
            }
        }
    }

    @Test
    void stories260KConvertedToQ8_0AndF16() {
        Path q8 = FILES.dir().resolve("stories260K-q8.gguf");
        Path f16 = FILES.dir().resolve("stories260K-f16.gguf");
        try (DecoderCheckpoint ck = DecoderCheckpoint.open(stories())) {
            DecoderToGguf.convert(ck, q8, GgmlType.Q8_0);
            DecoderToGguf.convert(ck, f16, GgmlType.F16);
        }
        try (GgufFile g = GgufFile.open(q8)) {
            assertEquals(GgmlType.Q8_0, g.tensorInfo("blk.0.attn_q.weight").type());
            assertEquals(GgmlType.F16, g.tensorInfo("blk.0.ffn_down.weight").type(), "172-wide rows fall back to F16");
            assertEquals(GgmlType.F32, g.tensorInfo("blk.0.attn_norm.weight").type());
            assertEquals(7, g.metadata().getLong("general.file_type"));
        }
        try (DecoderCheckpoint bin = DecoderCheckpoint.open(stories()); DecoderCheckpoint a = DecoderCheckpoint.open(q8);
             DecoderCheckpoint b = DecoderCheckpoint.open(f16)) {
            for (String name : bin.tensors().names()) {
                float[] want = bin.tensors().get(name).toFloatArray();
                float[] gotQ8 = a.tensors().get(name).toFloatArray();
                float[] gotF16 = b.tensors().get(name).toFloatArray();
                float amax = 0;
                for (float v : want) {
                    amax = Math.max(amax, Math.abs(v));
                }
                for (int i = 0; i < want.length; i++) {
                    assertEquals(want[i], gotQ8[i], amax / 127f, name + "[" + i + "] Q8_0");
                    float f16v = Float.float16ToFloat(Float.floatToFloat16(want[i]));
                    assertEquals(want[i], gotF16[i], Math.abs(want[i] - f16v), name + "[" + i + "] F16");
                }
            }
        }
    }

    /** Random row-major weights for a small Llama-family model under HF names. */
    private static Map<String, Tensor> llamaWeights(Arena arena, Random r, int d, int heads, int kv, int inter, int vocab,
                                                    int layers, boolean bias, boolean lmHead) {
        Map<String, Tensor> w = new LinkedHashMap<>();
        int hd = d / heads;
        w.put("model.embed_tokens.weight", random(arena, r, vocab, d));
        for (int i = 0; i < layers; i++) {
            String p = "model.layers." + i + ".";
            w.put(p + "input_layernorm.weight", random(arena, r, d));
            w.put(p + "self_attn.q_proj.weight", random(arena, r, heads * hd, d));
            w.put(p + "self_attn.k_proj.weight", random(arena, r, kv * hd, d));
            w.put(p + "self_attn.v_proj.weight", random(arena, r, kv * hd, d));
            if (bias) {
                w.put(p + "self_attn.q_proj.bias", random(arena, r, heads * hd));
                w.put(p + "self_attn.k_proj.bias", random(arena, r, kv * hd));
                w.put(p + "self_attn.v_proj.bias", random(arena, r, kv * hd));
            }
            w.put(p + "self_attn.o_proj.weight", random(arena, r, d, heads * hd));
            w.put(p + "post_attention_layernorm.weight", random(arena, r, d));
            w.put(p + "mlp.gate_proj.weight", random(arena, r, inter, d));
            w.put(p + "mlp.up_proj.weight", random(arena, r, inter, d));
            w.put(p + "mlp.down_proj.weight", random(arena, r, d, inter));
        }
        w.put("model.norm.weight", random(arena, r, d));
        if (lmHead) {
            w.put("lm_head.weight", random(arena, r, vocab, d));
        }
        return w;
    }

    private static Tensor random(Arena arena, Random r, long... shape) {
        Tensor t = Tensor.allocate(arena, DType.F32, shape);
        for (long i = 0; i < t.numel(); i++) {
            t.setFloat(i, (float) r.nextGaussian());
        }
        return t;
    }

    private static GgufWriter llamaFamilyGguf(String arch, Map<String, Tensor> hf, int d, int heads, int kv, int inter, int layers) {
        GgufWriter w = new GgufWriter().putString("general.architecture", arch)
                .putUInt32(arch + ".embedding_length", d).putUInt32(arch + ".feed_forward_length", inter)
                .putUInt32(arch + ".block_count", layers).putUInt32(arch + ".attention.head_count", heads)
                .putUInt32(arch + ".attention.head_count_kv", kv).putUInt32(arch + ".context_length", 128)
                .putFloat32(arch + ".attention.layer_norm_rms_epsilon", 1e-6f).putFloat32(arch + ".rope.freq_base", 1e6f)
                .putUInt32("tokenizer.ggml.bos_token_id", 3);
        for (Map.Entry<String, Tensor> e : hf.entrySet()) {
            w.addTensor(GgufTensorNames.fromHuggingFace(arch, e.getKey()).orElseThrow(), e.getValue());
        }
        return w;
    }

    @Test
    void qwen2GgufIsHalfSplitWithBiases() {
        try (Arena arena = Arena.ofConfined()) {
            Map<String, Tensor> hf = llamaWeights(arena, new Random(1), 16, 4, 2, 24, 10, 2, true, true);
            Path f = FILES.dir().resolve("qwen2.gguf");
            llamaFamilyGguf("qwen2", hf, 16, 4, 2, 24, 2).write(f);
            try (DecoderCheckpoint d = DecoderCheckpoint.open(f)) {
                assertEquals(RopeLayout.HALF_SPLIT, d.ropeLayout());
                assertEquals("qwen2", d.modelType());
                ObjectNode c = d.config();
                assertTrue(c.get("attention_bias").asBoolean());
                assertFalse(c.get("tie_word_embeddings").asBoolean());
                assertEquals(10, c.get("vocab_size").asInt());
                assertEquals(1e6, c.get("rope_theta").asDouble());
                assertEquals(3, c.get("bos_token_id").asInt());
                assertEquals(hf.keySet(), d.tensors().names());
                for (Map.Entry<String, Tensor> e : hf.entrySet()) {
                    assertArrayEquals(e.getValue().toFloatArray(), d.tensors().get(e.getKey()).toFloatArray(), e.getKey());
                }
                assertTrue(d.ggufMetadata().isPresent());
            }
        }
    }

    @Test
    void llamaGgufTiedAndQ8_0() {
        try (Arena arena = Arena.ofConfined()) {
            Map<String, Tensor> hf = llamaWeights(arena, new Random(2), 32, 2, 2, 64, 7, 1, false, false);
            Path f = FILES.dir().resolve("llama.gguf");
            GgufWriter w = new GgufWriter().putString("general.architecture", "llama")
                    .putUInt32("llama.embedding_length", 32).putUInt32("llama.feed_forward_length", 64)
                    .putUInt32("llama.block_count", 1).putUInt32("llama.attention.head_count", 2)
                    .putUInt32("llama.context_length", 64);
            for (Map.Entry<String, Tensor> e : hf.entrySet()) {
                Tensor t = e.getValue();
                w.addTensor(GgufTensorNames.fromHuggingFace("llama", e.getKey()).orElseThrow(), t,
                        t.rank() == 2 ? GgmlType.Q8_0 : GgmlType.F32);
            }
            w.addTensor(DecoderCheckpoint.ROPE_FREQS, Tensor.of(arena, new float[]{1, 1, 2, 4, 8, 8, 8, 8}, 8));
            w.write(f);
            try (DecoderCheckpoint d = DecoderCheckpoint.open(f)) {
                assertEquals(RopeLayout.INTERLEAVED, d.ropeLayout());
                assertEquals(DecoderCheckpoint.ROPE_FREQS, d.config().get("rope_freq_factors").asText());
                assertEquals(4f, d.tensors().get(DecoderCheckpoint.ROPE_FREQS).getFloat(3));
                assertTrue(d.config().get("tie_word_embeddings").asBoolean());
                assertEquals(2, d.config().get("num_key_value_heads").asInt(), "head_count_kv defaults to head_count");
                assertEquals(DType.F32, d.tensors().get("model.layers.0.mlp.up_proj.weight").dtype());
            }
        }
    }

    @Test
    void gpt2GgufDropsTheDuplicatedOutput() {
        try (Arena arena = Arena.ofConfined()) {
            Random r = new Random(3);
            int d = 8;
            int vocab = 11;
            Map<String, Tensor> hf = gpt2Weights(arena, r, d, vocab, 2, false);
            GgufWriter w = new GgufWriter().putString("general.architecture", "gpt2")
                    .putUInt32("gpt2.embedding_length", d).putUInt32("gpt2.feed_forward_length", 4 * d)
                    .putUInt32("gpt2.block_count", 2).putUInt32("gpt2.attention.head_count", 2)
                    .putUInt32("gpt2.context_length", 16).putFloat32("gpt2.attention.layer_norm_epsilon", 1e-5f);
            for (Map.Entry<String, Tensor> e : hf.entrySet()) {
                w.addTensor(GgufTensorNames.fromHuggingFace("gpt2", e.getKey()).orElseThrow(), e.getValue());
            }
            w.addTensor("output.weight", hf.get("wte.weight"));
            Path f = FILES.dir().resolve("gpt2.gguf");
            w.write(f);
            try (DecoderCheckpoint c = DecoderCheckpoint.open(f)) {
                assertEquals(RopeLayout.NONE, c.ropeLayout());
                assertEquals("gpt2", c.modelType());
                assertTrue(c.config().get("tie_word_embeddings").asBoolean());
                assertFalse(c.tensors().contains("lm_head.weight"));
                assertEquals(hf.keySet(), c.tensors().names());
                assertArrayEquals(new long[]{3 * d, d}, c.tensors().get("h.1.attn.c_attn.weight").shape());
                assertArrayEquals(hf.get("h.1.mlp.c_proj.weight").toFloatArray(), c.tensors().get("h.1.mlp.c_proj.weight").toFloatArray());
            }
        }
    }

    /** GPT-2 weights in zoft's [out, in] layout (the transposed=true variant gives HF Conv1D [in, out]). */
    private static Map<String, Tensor> gpt2Weights(Arena arena, Random r, int d, int vocab, int layers, boolean conv1d) {
        Map<String, Tensor> w = new LinkedHashMap<>();
        w.put("wte.weight", random(arena, r, vocab, d));
        w.put("wpe.weight", random(arena, r, 16, d));
        for (int i = 0; i < layers; i++) {
            String p = "h." + i + ".";
            w.put(p + "ln_1.weight", random(arena, r, d));
            w.put(p + "ln_1.bias", random(arena, r, d));
            w.put(p + "attn.c_attn.weight", conv1d ? random(arena, r, d, 3 * d) : random(arena, r, 3 * d, d));
            w.put(p + "attn.c_attn.bias", random(arena, r, 3 * d));
            w.put(p + "attn.c_proj.weight", random(arena, r, d, d));
            w.put(p + "attn.c_proj.bias", random(arena, r, d));
            w.put(p + "ln_2.weight", random(arena, r, d));
            w.put(p + "ln_2.bias", random(arena, r, d));
            w.put(p + "mlp.c_fc.weight", conv1d ? random(arena, r, d, 4 * d) : random(arena, r, 4 * d, d));
            w.put(p + "mlp.c_fc.bias", random(arena, r, 4 * d));
            w.put(p + "mlp.c_proj.weight", conv1d ? random(arena, r, 4 * d, d) : random(arena, r, d, 4 * d));
            w.put(p + "mlp.c_proj.bias", random(arena, r, d));
        }
        w.put("ln_f.weight", random(arena, r, d));
        w.put("ln_f.bias", random(arena, r, d));
        return w;
    }

    private static Path hfFolder(String name, Map<String, Tensor> tensors, String configJson) throws IOException {
        Path dir = FILES.dir().resolve(name);
        Files.createDirectories(dir);
        SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors, Map.of());
        Files.writeString(dir.resolve("config.json"), configJson);
        return dir;
    }

    @Test
    void huggingFaceLlamaFolder() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            Map<String, Tensor> hf = llamaWeights(arena, new Random(4), 16, 4, 2, 24, 10, 2, false, true);
            String config = """
                    {"model_type": "llama", "hidden_size": 16, "intermediate_size": 24, "num_hidden_layers": 2,
                     "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 10, "rms_norm_eps": 1e-6,
                     "rope_theta": 10000.0, "max_position_embeddings": 64, "tie_word_embeddings": false}""";
            Path dir = hfFolder("hf-llama", hf, config);
            try (DecoderCheckpoint d = DecoderCheckpoint.open(dir)) {
                assertEquals(RopeLayout.HALF_SPLIT, d.ropeLayout());
                assertEquals(hf.keySet(), d.tensors().names());
                assertEquals(JSON.readTree(config), d.config());
            }
            Map<String, Tensor> missing = new LinkedHashMap<>(hf);
            missing.remove("model.layers.1.mlp.up_proj.weight");
            missing.remove("lm_head.weight");
            WeightFormatException e = assertThrows(WeightFormatException.class,
                    () -> DecoderCheckpoint.open(hfFolder("hf-missing", missing, config)).close());
            assertTrue(e.getMessage().contains("2 decoder tensors are missing") && e.getMessage().contains("model.layers.1.mlp.up_proj.weight")
                    && e.getMessage().contains("lm_head.weight"), e.getMessage());
            String huge = config.replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 2000000000");
            e = assertThrows(WeightFormatException.class, () -> DecoderCheckpoint.open(hfFolder("hf-huge", hf, huge)).close());
            assertTrue(e.getMessage().contains("more than 8 decoder tensors are missing"), e.getMessage());
            String wrong = config.replace("\"intermediate_size\": 24", "\"intermediate_size\": 25");
            e = assertThrows(WeightFormatException.class, () -> DecoderCheckpoint.open(hfFolder("hf-wrong", hf, wrong)).close());
            assertTrue(e.getMessage().contains("model.layers.0.mlp.gate_proj.weight") && e.getMessage().contains("[25, 16]"), e.getMessage());
        }
    }

    @Test
    void huggingFaceGpt2FolderIsTransposedToOutIn() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            int d = 8;
            Map<String, Tensor> conv = gpt2Weights(arena, new Random(5), d, 11, 1, true);
            Map<String, Tensor> prefixed = new LinkedHashMap<>();
            conv.forEach((k, v) -> prefixed.put("transformer." + k, v));
            prefixed.put("transformer.h.0.attn.bias", random(arena, new Random(6), 1, 1, 16, 16));
            String config = """
                    {"model_type": "gpt2", "n_embd": 8, "n_layer": 1, "n_head": 2, "n_positions": 16, "n_ctx": 16,
                     "vocab_size": 11, "n_inner": null, "layer_norm_epsilon": 1e-5}""";
            try (DecoderCheckpoint c = DecoderCheckpoint.open(hfFolder("hf-gpt2", prefixed, config))) {
                assertEquals(RopeLayout.NONE, c.ropeLayout());
                assertEquals(conv.keySet(), c.tensors().names(), "prefix removed, mask buffer dropped");
                assertTrue(c.config().get("tie_word_embeddings").asBoolean());
                Tensor in = conv.get("h.0.mlp.c_fc.weight");  // [d, 4d]
                Tensor out = c.tensors().get("h.0.mlp.c_fc.weight");
                assertArrayEquals(new long[]{4 * d, d}, out.shape());
                for (int i = 0; i < d; i++) {
                    for (int j = 0; j < 4 * d; j++) {
                        assertEquals(in.getFloat((long) i * 4 * d + j), out.getFloat((long) j * d + i));
                    }
                }
                assertArrayEquals(conv.get("h.0.ln_1.bias").toFloatArray(), c.tensors().get("h.0.ln_1.bias").toFloatArray());
            }
        }
    }

    @Test
    void huggingFaceFoldersConvertToGgufWithLlamaCppsQkOrder() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            int d = 16;
            int heads = 4;
            int kv = 2;
            for (String type : new String[]{"llama", "qwen2"}) {
                boolean qwen = type.equals("qwen2");
                Map<String, Tensor> hf = llamaWeights(arena, new Random(7), d, heads, kv, 24, 10, 2, qwen, false);
                String config = """
                        {"model_type": "%s", "hidden_size": 16, "intermediate_size": 24, "num_hidden_layers": 2,
                         "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 10, "rms_norm_eps": 1e-6,
                         "rope_theta": 500000.0, "max_position_embeddings": 64, "tie_word_embeddings": true,
                         "bos_token_id": 5}""".formatted(type);
                Path gguf = FILES.dir().resolve(type + "-from-hf.gguf");
                try (DecoderCheckpoint src = DecoderCheckpoint.open(hfFolder("hf-" + type + "-conv", hf, config))) {
                    DecoderToGguf.convert(src, gguf, GgmlType.F32);
                }
                try (DecoderCheckpoint g = DecoderCheckpoint.open(gguf)) {
                    assertEquals(qwen ? RopeLayout.HALF_SPLIT : RopeLayout.INTERLEAVED, g.ropeLayout());
                    assertEquals(hf.keySet(), g.tensors().names());
                    assertEquals(500000.0, g.config().get("rope_theta").asDouble());
                    assertEquals(5, g.config().get("bos_token_id").asInt());
                    assertTrue(g.config().get("tie_word_embeddings").asBoolean());
                    for (Map.Entry<String, Tensor> e : hf.entrySet()) {
                        String name = e.getKey();
                        float[] want = e.getValue().toFloatArray();
                        Tensor got = g.tensors().get(name);
                        if (!qwen && (name.contains("q_proj") || name.contains("k_proj"))) {
                            int h = name.contains("q_proj") ? heads : kv;
                            assertFalse(java.util.Arrays.equals(want, got.toFloatArray()), name + " is permuted for llama.cpp");
                            got = RopePermutation.toHalfSplit(got, h, arena);
                        }
                        assertArrayEquals(want, got.toFloatArray(), name);
                    }
                }
            }
        }
    }

    @Test
    void gpt2FolderConvertsToGgufAndBack() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            Map<String, Tensor> conv = gpt2Weights(arena, new Random(8), 8, 11, 2, true);
            String config = """
                    {"model_type": "gpt2", "n_embd": 8, "n_layer": 2, "n_head": 2, "n_positions": 16, "n_ctx": 16,
                     "vocab_size": 11, "layer_norm_epsilon": 1e-5}""";
            Path gguf = FILES.dir().resolve("gpt2-from-hf.gguf");
            try (DecoderCheckpoint src = DecoderCheckpoint.open(hfFolder("hf-gpt2-conv", conv, config));
                 Arena a = Arena.ofConfined()) {
                DecoderToGguf.writer(src, GgmlType.F32, a).write(gguf);
                try (DecoderCheckpoint g = DecoderCheckpoint.open(gguf)) {
                    assertEquals(src.tensors().names(), g.tensors().names());
                    for (String name : src.tensors().names()) {
                        assertArrayEquals(src.tensors().get(name).toFloatArray(), g.tensors().get(name).toFloatArray(), name);
                    }
                    assertEquals(32, g.config().get("n_inner").asInt());
                }
            }
        }
    }

    @Test
    void weightFilesOpensGgufAndLlama2cUnderTheirOwnNames() {
        Path gguf = FILES.dir().resolve("wf.gguf");
        try (DecoderCheckpoint ck = DecoderCheckpoint.open(stories())) {
            DecoderToGguf.convert(ck, gguf, GgmlType.F32);
        }
        try (TensorStore a = WeightFiles.open(stories()); TensorStore b = WeightFiles.open(gguf)) {
            assertTrue(a.contains("layers.0.attention.wq.weight"));
            assertTrue(b.contains("blk.0.attn_q.weight"));
            assertEquals(a.totalElements(), b.totalElements());
        }
    }

    @Test
    void unsupportedArchitectureAndKind() {
        Path f = FILES.dir().resolve("bert.gguf");
        new GgufWriter().putString("general.architecture", "bert").write(f);
        WeightFormatException e = assertThrows(WeightFormatException.class, () -> DecoderCheckpoint.open(f));
        assertTrue(e.getMessage().contains("'bert' is not supported"), e.getMessage());
        e = assertThrows(WeightFormatException.class, () -> DecoderCheckpoint.open(FILES.dir().resolve("x.onnx")));
        assertTrue(e.getMessage().contains("not a decoder checkpoint"), e.getMessage());
    }
}
