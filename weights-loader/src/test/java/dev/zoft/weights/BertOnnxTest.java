package dev.zoft.weights;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** {@link BertOnnx} on small synthetic exports, where every expected value is known. */
class BertOnnxTest {
    @TempDir
    Path dir;

    private Path write(TinyBertOnnx bert) throws IOException {
        return Files.write(dir.resolve("bert.onnx"), bert.build());
    }

    @Test
    void namesTransposesAndDerivesHyperparameters() throws IOException {
        TinyBertOnnx bert = new TinyBertOnnx(2, 8, 2, 12, 20, 10);
        try (EncoderCheckpoint c = BertOnnx.load(write(bert))) {
            assertEquals(bert.hyperparameters(), c.hyperparameters());
            TensorStore s = c.weights();
            assertEquals(BertParameterNames.expected(2), List.copyOf(s.names()), "HF names in forward order, nothing else");
            assertEquals(Map.of("embeddings.position_ids", "data type INT64 (zoft loads FLOAT, FLOAT16 and BFLOAT16)"), s.unsupported());
            for (Map.Entry<String, float[]> e : bert.linearInOut.entrySet()) {
                Tensor t = s.get(e.getKey());
                long in = bert.linearInOutShape.get(e.getKey())[0];
                long out = bert.linearInOutShape.get(e.getKey())[1];
                assertArrayEquals(new long[] {out, in}, t.shape(), e.getKey());
                assertEquals(DType.F32, t.dtype());
                float[] inOut = e.getValue();
                for (int o = 0; o < out; o++) {
                    for (int i = 0; i < in; i++) {
                        assertEquals(inOut[(int) (i * out + o)], t.getFloat(o * in + i), e.getKey() + "[" + o + "," + i + "]");
                    }
                }
            }
            assertTrue(s.get("embeddings.word_embeddings.weight").segment().isMapped());
            assertFalse(s.get("encoder.layer.1.output.dense.weight").segment().isMapped());
        }
    }

    @Test
    void headsComeFromConfigWhenTheGraphHidesThem() throws IOException {
        TinyBertOnnx bert = new TinyBertOnnx(1, 8, 4, 12, 20, 10);
        bert.reshapeConstants = false;
        Path onnx = write(bert);
        WeightFormatException e = assertThrows(WeightFormatException.class, () -> BertOnnx.load(onnx));
        assertTrue(e.getMessage().contains("number of attention heads") && e.getMessage().contains("config.json"), e.getMessage());

        Path config = Files.writeString(dir.resolve("config.json"), """
                {"vocab_size": 20, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 4,
                 "intermediate_size": 12, "max_position_embeddings": 10}""");
        try (EncoderCheckpoint c = BertOnnx.load(onnx, config)) {
            assertEquals(4, c.hyperparameters().numAttentionHeads());
        }
    }

    @Test
    void configThatContradictsTheFileIsAnError() throws IOException {
        Path onnx = write(new TinyBertOnnx(1, 8, 2, 12, 20, 10));
        Path config = Files.writeString(dir.resolve("config.json"), """
                {"vocab_size": 20, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2,
                 "intermediate_size": 16, "max_position_embeddings": 10}""");
        WeightFormatException e = assertThrows(WeightFormatException.class, () -> BertOnnx.load(onnx, config));
        assertTrue(e.getMessage().contains("intermediate_size differs: 12 vs 16"), e.getMessage());
    }

    @Test
    void nodeNameThatContradictsTheBiasIsAnError() throws IOException {
        TinyBertOnnx bert = new TinyBertOnnx(1, 8, 2, 12, 20, 10);
        bert.wrongNodeName = "/encoder/layer.0/attention/self/value";
        WeightFormatException e = assertThrows(WeightFormatException.class, () -> BertOnnx.load(write(bert)));
        assertTrue(e.getMessage().contains("followed by bias of encoder.layer.0.attention.self.key.weight"), e.getMessage());
    }

    @Test
    void modulePathFromNodeName() {
        assertEquals("encoder.layer.0.attention.self.query", BertOnnx.modulePath("/encoder/layer.0/attention/self/query/MatMul").orElseThrow());
        assertTrue(BertOnnx.modulePath("MatMul_12").isEmpty());
        assertTrue(BertOnnx.modulePath("/MatMul").isEmpty());
    }

    @Test
    void notABertIsAClearError() throws IOException {
        Path f = Files.write(dir.resolve("m.onnx"), OnnxModelTest.sampleModel());
        WeightFormatException e = assertThrows(WeightFormatException.class, () -> BertOnnx.load(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }
}
