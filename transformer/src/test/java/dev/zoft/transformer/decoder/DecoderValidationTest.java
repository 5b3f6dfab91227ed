package dev.zoft.transformer.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.weights.Safetensors;
import dev.zoft.weights.TensorStore;
import dev.zoft.weights.WeightFormatException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad configs, weights and inputs end in a clear exception naming the file, key or value. */
class DecoderValidationTest {
    private static final WorkerPool POOL = WorkerPool.create(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    @AfterAll
    static void closePool() {
        POOL.close();
    }

    private static Path config(Path dir, String fixture, Consumer<ObjectNode> edit) throws IOException {
        ObjectNode n = (ObjectNode) JSON.readTree(DecoderFixture.load(fixture).folder().resolve("config.json").toFile());
        edit.accept(n);
        Path p = dir.resolve("config.json");
        JSON.writeValue(p.toFile(), n);
        return p;
    }

    private static String configError(Path dir, String fixture, Consumer<ObjectNode> edit) throws IOException {
        Path p = config(dir, fixture, edit);
        WeightFormatException e = assertThrows(WeightFormatException.class, () -> DecoderConfig.fromConfigJson(p));
        assertTrue(e.getMessage().contains(p.toString()), "names the file: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void configProblemsNameTheKey(@TempDir Path dir) throws IOException {
        assertTrue(configError(dir, "llama_gqa_tied", n -> n.put("model_type", "falcon")).contains("falcon"));
        assertTrue(configError(dir, "llama_gqa_tied", n -> n.remove("hidden_size")).contains("hidden_size"));
        assertTrue(configError(dir, "llama_gqa_tied", n -> n.put("hidden_act", "gelu")).contains("hidden_act"));
        assertTrue(configError(dir, "llama_gqa_tied", n -> n.put("num_key_value_heads", 3)).contains("num_key_value_heads"));
        assertTrue(configError(dir, "llama_gqa_tied", n -> n.put("vocab_size", "many")).contains("vocab_size"));
        assertTrue(configError(dir, "llama_gqa_tied", n -> n.put("vocab_size", 1L << 40)).contains("vocab_size"));
        assertTrue(configError(dir, "llama_gqa_tied", n -> n.put("num_attention_heads", 0)).contains("num_attention_heads"));
        assertTrue(configError(dir, "llama3_rope_scaling",
                n -> ((ObjectNode) n.get("rope_scaling")).put("rope_type", "yarn")).contains("yarn"));
        assertTrue(configError(dir, "llama3_rope_scaling",
                n -> ((ObjectNode) n.get("rope_scaling")).remove("factor")).contains("factor"));
        assertTrue(configError(dir, "opt", n -> n.put("do_layer_norm_before", false)).contains("do_layer_norm_before"));
        assertTrue(configError(dir, "opt", n -> n.put("word_embed_proj_dim", 8)).contains("word_embed_proj_dim"));
        assertTrue(configError(dir, "gpt2", n -> n.put("activation_function", "relu")).contains("activation_function"));
        assertTrue(configError(dir, "gpt2", n -> n.put("n_head", 5)).contains("n_head"));
        Path notJson = dir.resolve("bad.json");
        Files.writeString(notJson, "[1, 2]");
        assertThrows(WeightFormatException.class, () -> DecoderConfig.fromConfigJson(notJson));
        assertThrows(WeightFormatException.class, () -> DecoderConfig.fromConfigJson(dir.resolve("missing.json")));
    }

    @Test
    void configDefaultsFollowHuggingFace(@TempDir Path dir) throws IOException {
        DecoderConfig c = DecoderConfig.fromConfigJson(config(dir, "llama_gqa_tied", n -> {
            n.remove("num_key_value_heads");
            n.remove("tie_word_embeddings");
            n.remove("rope_theta");
        }));
        assertEquals(c.numHeads(), c.numKvHeads(), "num_key_value_heads defaults to num_attention_heads");
        assertEquals(false, c.tieWordEmbeddings(), "LlamaConfig does not tie by default");
        assertEquals(10000.0, c.ropeTheta());
        DecoderConfig mistral = DecoderConfig.fromConfigJson(config(dir, "llama_gqa_tied", n -> {
            n.put("model_type", "mistral");
            n.put("sliding_window", 16);
        }));
        assertEquals(16, mistral.maxPositions(), "sequences are capped at Mistral's sliding window");
        DecoderConfig gpt2 = DecoderFixture.load("gpt2").model(VectorWidth.SCALAR, POOL).config();
        assertEquals(4 * gpt2.hiddenSize(), gpt2.intermediateSize(), "n_inner null means 4·n_embd");
    }

    @Test
    void parameterCountMatchesTheWeights() {
        for (String m : DecoderFixture.MODELS) {
            try (DecoderModel model = DecoderFixture.load(m).model(VectorWidth.SCALAR, POOL)) {
                assertEquals(model.config().parameterCount(), model.weights().parameterCount(), m);
            }
        }
    }

    @Test
    void missingOrMisShapedWeightsAreNamed() {
        DecoderFixture f = DecoderFixture.load("llama_gqa_tied");
        DecoderConfig config = DecoderConfig.fromConfigJson(f.folder().resolve("config.json"));
        Kernels k = Kernels.create(VectorWidth.configured(), POOL);
        try (TensorStore hf = Safetensors.open(f.folder()); Arena arena = Arena.ofShared()) {
            TensorStore.Builder missing = TensorStore.builder("without k_proj");
            TensorStore.Builder misShaped = TensorStore.builder("wide up_proj");
            for (Map.Entry<String, Tensor> e : hf.tensors().entrySet()) {
                if (!e.getKey().equals("model.layers.1.self_attn.k_proj.weight")) {
                    missing.put(e.getKey(), e.getValue());
                }
                misShaped.put(e.getKey(), e.getKey().equals("model.layers.0.mlp.up_proj.weight")
                        ? Tensor.allocate(arena, DType.F32, config.intermediateSize() + 1, config.hiddenSize()) : e.getValue());
            }
            try (TensorStore a = missing.build(); TensorStore b = misShaped.build()) {
                IllegalArgumentException e1 = assertThrows(IllegalArgumentException.class,
                        () -> DecoderModel.load(config, a, k, false));
                assertTrue(e1.getMessage().contains("model.layers.1.self_attn.k_proj.weight"), e1.getMessage());
                IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
                        () -> DecoderModel.load(config, b, k, false));
                assertTrue(e2.getMessage().contains("model.layers.0.mlp.up_proj.weight"), e2.getMessage());
            }
            // The untied config needs lm_head.weight, which this tied checkpoint does not have.
            DecoderConfig untied = new DecoderConfig(config.architecture(), config.vocabSize(), config.hiddenSize(),
                    config.numLayers(), config.numHeads(), config.numKvHeads(), config.headDim(), config.intermediateSize(),
                    config.maxPositions(), config.normEps(), config.ropeTheta(), null, config.ropeLayout(), false, false, false, false);
            IllegalArgumentException e3 = assertThrows(IllegalArgumentException.class, () -> DecoderModel.load(untied, hf, k, false));
            assertTrue(e3.getMessage().contains("lm_head.weight"), e3.getMessage());
        }
    }

    @Test
    void rawGpt2SafetensorsPointToDecoderCheckpoint() {
        DecoderFixture f = DecoderFixture.load("gpt2");
        DecoderConfig config = DecoderConfig.fromConfigJson(f.folder().resolve("config.json"));
        try (TensorStore raw = Safetensors.open(f.folder())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DecoderModel.load(config, raw, Kernels.create(VectorWidth.configured(), POOL), false));
            assertTrue(e.getMessage().contains("Conv1D") && e.getMessage().contains("DecoderCheckpoint"), e.getMessage());
        }
    }

    @Test
    void badInputsAreRejected() {
        try (DecoderModel model = DecoderFixture.load("gpt2").model(VectorWidth.configured(), POOL); Arena arena = Arena.ofShared()) {
            int vocab = model.config().vocabSize();
            DecoderBatch ok = DecoderBatch.rightPadded(List.of(new int[] {1, 2, 3}), 0);
            assertThrows(IllegalArgumentException.class, () -> model.logits(DecoderBatch.rightPadded(List.of(new int[] {vocab}), 0), arena),
                    "token id outside the vocabulary");
            assertThrows(IllegalArgumentException.class,
                    () -> model.logits(DecoderBatch.rightPadded(List.of(new int[model.config().maxPositions() + 1]), 0), arena),
                    "longer than the position table");
            assertThrows(IllegalStateException.class, () -> {
                model.close();
                model.logits(ok, arena);
            }, "closed model");
        }
        try (DecoderModel model = DecoderFixture.load("gpt2").model(VectorWidth.configured(), POOL)) {
            DecoderBatch ok = DecoderBatch.rightPadded(List.of(new int[] {1, 2, 3}, new int[] {4}), 0);
            int[] none = new int[ok.tokens()];
            java.util.Arrays.fill(none, DecoderBatch.IGNORE);
            assertThrows(IllegalArgumentException.class, () -> model.causalLmLoss(ok, none), "no label at all");
            int[] onPadding = none.clone();
            onPadding[4] = 1; // sequence 1, position 1 is padding
            assertThrows(IllegalArgumentException.class, () -> model.causalLmLoss(ok, onPadding), "label on padding");
            int[] outside = none.clone();
            outside[0] = model.config().vocabSize();
            assertThrows(IllegalArgumentException.class, () -> model.causalLmLoss(ok, outside), "label outside the vocabulary");
            assertThrows(IllegalArgumentException.class, () -> model.causalLmLoss(ok, new int[2]), "labels of the wrong length");
            assertThrows(IllegalArgumentException.class, () -> model.labelWordScores(ok, new int[0]), "no label word");
        }
        assertThrows(IllegalArgumentException.class, () -> DecoderBatch.of(1, 2, new int[] {1, 2}, new int[] {0, 0}), "all padding");
        assertThrows(IllegalArgumentException.class, () -> DecoderBatch.of(1, 2, new int[] {1, 2}, new int[] {1, 2}), "mask value 2");
        assertThrows(IllegalArgumentException.class, () -> DecoderBatch.of(1, 2, new int[] {-1, 2}, new int[] {1, 1}), "negative id");
        assertThrows(IllegalArgumentException.class, () -> DecoderBatch.leftPadded(List.of(new int[0]), 0), "empty sequence");
    }

    @Test
    void batchPositionsAndLabels() {
        DecoderBatch b = DecoderBatch.leftPadded(List.of(new int[] {5, 6, 7}, new int[] {8}), 0);
        assertEquals(List.of(0, 1, 2, 0, 0, 0), java.util.Arrays.stream(b.positions()).boxed().toList());
        assertEquals(List.of(1, 1, 1, 0, 0, 1), java.util.Arrays.stream(b.mask()).boxed().toList());
        assertEquals(List.of(6, 7, -1, -1, -1, -1), java.util.Arrays.stream(b.nextTokenLabels()).boxed().toList());
        assertEquals(List.of(-1, 7, -1, -1, -1, -1), java.util.Arrays.stream(b.nextTokenLabels(new int[] {2, 0})).boxed().toList());
        assertEquals(List.of(2, 5), java.util.Arrays.stream(b.lastRows()).boxed().toList());
    }
}
