package dev.zoft.weights;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/** The real all-MiniLM-L6-v2 ONNX export, from the Maven artifact, through the model cache. */
class MiniLmOnnxTest {
    /** 22.7 M parameters minus the pooler (384 x 384 + 384) the ONNX export does not include. */
    static final long ENCODER_PARAMETERS = 22_565_376L;

    static Path onnx;
    static EncoderCheckpoint checkpoint;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() {
        onnx = BundledModel.ALL_MINILM_L6_V2.onnx();
        checkpoint = BertOnnx.load(onnx);
    }

    @AfterAll
    static void close() {
        checkpoint.close();
    }

    @Test
    void hasTheHuggingFaceEncoderParameters() {
        TensorStore s = checkpoint.weights();
        assertEquals(101, s.size());
        assertEquals(BertParameterNames.expected(6), List.copyOf(s.names()));
        assertEquals(ENCODER_PARAMETERS, s.totalElements());
        assertEquals(Map.of("embeddings.position_ids", "data type INT64 (zoft loads FLOAT, FLOAT16 and BFLOAT16)"), s.unsupported());
        assertEquals("pytorch 2.0.1", s.metadata().get("producer"));
        assertArrayEquals(new long[] {30522, 384}, s.get("embeddings.word_embeddings.weight").shape());
        assertArrayEquals(new long[] {512, 384}, s.get("embeddings.position_embeddings.weight").shape());
        assertArrayEquals(new long[] {2, 384}, s.get("embeddings.token_type_embeddings.weight").shape());
        assertArrayEquals(new long[] {1536, 384}, s.get("encoder.layer.5.intermediate.dense.weight").shape());
        assertArrayEquals(new long[] {384, 1536}, s.get("encoder.layer.5.output.dense.weight").shape());
        assertArrayEquals(new long[] {384, 384}, s.get("encoder.layer.3.attention.self.key.weight").shape());
        assertArrayEquals(new long[] {1536}, s.get("encoder.layer.0.intermediate.dense.bias").shape());
        for (Tensor t : s.tensors().values()) {
            assertEquals(DType.F32, t.dtype());
        }
    }

    @Test
    void hyperparametersComeFromShapesAndTheGraph() {
        assertEquals(EncoderHyperparametersTest.MINILM, checkpoint.hyperparameters());
    }

    @Test
    void linearWeightsAreNamedByTheirMatMulAndTransposed() {
        try (OnnxModel model = OnnxModel.open(onnx)) {
            Map<String, String> linear = BertOnnx.linearWeightNames(model);
            assertEquals(36, linear.size());
            assertTrue(linear.keySet().stream().allMatch(n -> n.startsWith("onnx::MatMul_")), linear.toString());
            Map<String, String> byHf = linear.entrySet().stream().collect(Collectors.toMap(Map.Entry::getValue, Map.Entry::getKey));
            // The first and last anonymous weights, as the exporter numbered them.
            assertEquals("onnx::MatMul_787", byHf.get("encoder.layer.0.attention.self.query.weight"));
            assertEquals("onnx::MatMul_864", byHf.get("encoder.layer.5.output.dense.weight"));

            for (String hf : List.of("encoder.layer.5.intermediate.dense.weight", "encoder.layer.0.attention.self.value.weight",
                    "encoder.layer.2.output.dense.weight")) {
                Tensor raw = model.tensor(byHf.get(hf));
                Tensor t = checkpoint.weights().get(hf);
                long in = raw.dim(0);
                long out = raw.dim(1);
                assertArrayEquals(new long[] {out, in}, t.shape());
                for (long o = 0; o < out; o++) {
                    for (long i = 0; i < in; i++) {
                        if (Float.floatToRawIntBits(raw.getFloat(i * out + o)) != Float.floatToRawIntBits(t.getFloat(o * in + i))) {
                            fail(hf + "[" + o + ", " + i + "] != raw[" + i + ", " + o + "]");
                        }
                    }
                }
            }
            // A spot value, so that a transposition of the reference itself would not pass unnoticed.
            Tensor raw = model.tensor("onnx::MatMul_863");
            assertEquals(raw.getFloat(7L * 1536 + 1000), checkpoint.weights().get("encoder.layer.5.intermediate.dense.weight")
                    .getFloat(1000L * 384 + 7));
        }
    }

    @Test
    void weightsStayOffTheJavaHeap() {
        TensorStore s = checkpoint.weights();
        for (Map.Entry<String, Tensor> e : s) {
            boolean linear = e.getKey().endsWith(".weight") && e.getValue().rank() == 2 && e.getKey().startsWith("encoder.");
            assertTrue(e.getValue().segment().isNative(), e.getKey());
            assertEquals(!linear, e.getValue().segment().isMapped(), e.getKey() + (linear ? " is transposed off-heap" : " is mapped"));
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        try (EncoderCheckpoint again = BertOnnx.load(onnx)) {
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            // The file is 90 MB; copying the weights would allocate at least that much on the heap.
            assertTrue(allocated < 8L << 20, "loading allocated " + allocated + " bytes of heap");
            assertEquals(101, again.weights().size());
        }
    }

    @Test
    void everyValueIsFinite() {
        for (Map.Entry<String, Tensor> e : checkpoint.weights()) {
            Tensor t = e.getValue();
            for (long i = 0; i < t.numel(); i++) {
                if (!Float.isFinite(t.getFloat(i))) {
                    fail(e.getKey() + "[" + i + "] = " + t.getFloat(i));
                }
            }
        }
    }

    @Test
    void safetensorsRoundTripIsBitIdentical() throws IOException {
        TensorStore s = checkpoint.weights();
        Path single = dir.resolve("single/model.safetensors");
        SafetensorsWriter.write(single, s.tensors(), Map.of("format", "pt"));
        try (TensorStore back = Safetensors.open(single)) {
            assertSameTensors(s, back);
            assertEquals("pt", back.metadata().get("format"));
        }

        Path sharded = dir.resolve("sharded");
        Path index = SafetensorsWriter.writeSharded(sharded, s.tensors(), Map.of("format", "pt"), s.totalBytes() / 2 + 1);
        try (TensorStore back = Safetensors.open(index)) {
            assertEquals(2, back.files().size());
            assertSameTensors(s, back);
            assertEquals(Long.toString(s.totalBytes()), back.metadata().get("total_size"));
        }
    }

    @Test
    void huggingFaceFolderWithBertPrefixLoadsTheSameEncoder() throws IOException {
        TensorStore s = checkpoint.weights();
        Map<String, Tensor> prefixed = new java.util.LinkedHashMap<>();
        s.tensors().forEach((n, t) -> prefixed.put("bert." + n, t));
        Path folder = dir.resolve("hf");
        SafetensorsWriter.write(folder.resolve(Safetensors.SINGLE_FILE_NAME), prefixed, Map.of());
        Files.writeString(folder.resolve("config.json"), EncoderHyperparametersTest.MINILM_CONFIG);
        try (EncoderCheckpoint hf = EncoderCheckpoint.openHuggingFace(folder)) {
            assertEquals(checkpoint.hyperparameters(), hf.hyperparameters());
            assertSameTensors(s, hf.weights());
        }
    }

    private static void assertSameTensors(TensorStore expected, TensorStore actual) {
        assertEquals(expected.names(), actual.names());
        for (String name : expected.names()) {
            SafetensorsTest.assertSameBytes(expected.get(name), actual.get(name), name);
        }
    }
}
