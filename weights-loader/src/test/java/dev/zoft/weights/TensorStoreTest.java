package dev.zoft.weights;

import dev.zoft.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class TensorStoreTest {
    @TempDir
    Path dir;

    @Test
    void ownsItsArenasAndKeepsInsertionOrder() {
        Arena arena = Arena.ofShared();
        TensorStore s = TensorStore.builder("mem").owns(arena)
                .put("b", Tensor.of(arena, new float[] {1, 2}, 2))
                .put("a", Tensor.of(arena, new float[] {3}, 1))
                .unsupported("ids", "element type I64")
                .build();
        assertEquals(List.of("b", "a"), List.copyOf(s.names()));
        assertEquals(3, s.totalElements());
        assertEquals(12, s.totalBytes());
        List<String> iterated = new java.util.ArrayList<>();
        s.forEach(e -> iterated.add(e.getKey()));
        assertEquals(List.of("b", "a"), iterated);
        s.close();
        assertFalse(arena.scope().isAlive());
        assertTrue(s.isClosed());
    }

    @Test
    void abortReleasesWhatTheLoaderMapped() {
        Arena arena = Arena.ofShared();
        TensorStore.Builder b = TensorStore.builder("mem").owns(arena).put("x", Tensor.of(arena, new float[] {1}, 1));
        WeightFormatException e = assertThrows(WeightFormatException.class, () -> b.put("x", Tensor.of(arena, new float[] {1}, 1)));
        assertTrue(e.getMessage().contains("two tensors named 'x'"));
        b.abort();
        assertFalse(arena.scope().isAlive());
    }

    @Test
    void missingTensorMessageNamesFileAndSimilarNames() {
        try (Arena arena = Arena.ofShared()) {
            TensorStore s = TensorStore.builder("/models/x.safetensors")
                    .put("bert.encoder.layer.0.output.dense.weight", Tensor.of(arena, new float[] {1}, 1)).build();
            WeightFormatException e = assertThrows(WeightFormatException.class, () -> s.get("encoder.layer.0.output.dense.weight"));
            assertEquals("/models/x.safetensors", e.source());
            assertTrue(e.getMessage().contains("no tensor named 'encoder.layer.0.output.dense.weight'"), e.getMessage());
            assertTrue(e.getMessage().contains("similar: bert.encoder.layer.0.output.dense.weight"), e.getMessage());
        }
    }

    @Test
    void huggingFaceFolderIsCheckedAgainstItsConfig() throws IOException {
        EncoderHyperparameters hp = new EncoderHyperparameters(10, 4, 1, 2, 8, 6, 2, 1e-12, "gelu");
        Path folder = dir.resolve("hf");
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("config.json"), """
                {"vocab_size": 10, "hidden_size": 4, "num_hidden_layers": 1, "num_attention_heads": 2,
                 "intermediate_size": 8, "max_position_embeddings": 6}""");
        try (Arena arena = Arena.ofConfined()) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (String name : BertParameterNames.expected(1)) {
                tensors.put(name, Tensor.allocate(arena, dev.zoft.tensor.DType.F32, BertParameterNames.expectedShape(name, hp)));
            }
            tensors.put("pooler.dense.weight", Tensor.allocate(arena, dev.zoft.tensor.DType.F32, 4, 4));
            SafetensorsWriter.write(folder.resolve("model.safetensors"), tensors, Map.of());
            try (EncoderCheckpoint c = EncoderCheckpoint.openHuggingFace(folder)) {
                assertEquals(hp, c.hyperparameters());
                assertTrue(c.weights().contains("pooler.dense.weight"), "extra tensors are kept");
            }

            tensors.put("encoder.layer.0.intermediate.dense.weight", Tensor.allocate(arena, dev.zoft.tensor.DType.F32, 4, 8));
            SafetensorsWriter.write(folder.resolve("model.safetensors"), tensors, Map.of());
            WeightFormatException shape = assertThrows(WeightFormatException.class, () -> EncoderCheckpoint.openHuggingFace(folder));
            assertTrue(shape.getMessage().contains("'encoder.layer.0.intermediate.dense.weight' has shape [4, 8], expected [8, 4]"),
                    shape.getMessage());

            tensors.remove("encoder.layer.0.intermediate.dense.weight");
            tensors.remove("embeddings.LayerNorm.bias");
            SafetensorsWriter.write(folder.resolve("model.safetensors"), tensors, Map.of());
            WeightFormatException missing = assertThrows(WeightFormatException.class, () -> EncoderCheckpoint.openHuggingFace(folder));
            assertTrue(missing.getMessage().contains("2 encoder tensors are missing: [embeddings.LayerNorm.bias, "
                    + "encoder.layer.0.intermediate.dense.weight]"), missing.getMessage());
        }
    }
}
