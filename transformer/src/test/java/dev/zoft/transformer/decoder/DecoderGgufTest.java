package dev.zoft.transformer.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.tensor.ops.Kernels.RopeLayout;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.weights.Safetensors;
import dev.zoft.weights.TensorStore;
import dev.zoft.weights.gguf.GgufFile;
import dev.zoft.weights.gguf.GgufWriter;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The golden fixtures' models converted to GGUF by {@link GgufWriter} (each tensor in its stored
 * type: F32, BF16 or F16), read back through {@link GgufFile} and run: the same logits and loss as
 * PyTorch. Llama-family Q and K rows are permuted as llama.cpp's converter does and the model run
 * with {@link RopeLayout#INTERLEAVED}. Tensors keep their Hugging Face names here; mapping
 * llama.cpp's names is the GGUF bridge's job.
 */
class DecoderGgufTest {
    private static final WorkerPool POOL = WorkerPool.create(2);

    @AfterAll
    static void closePool() {
        POOL.close();
    }

    static Iterable<String> models() {
        return DecoderFixture.MODELS;
    }

    @ParameterizedTest
    @MethodSource("models")
    void ggufConversionMatchesPyTorch(String name, @TempDir Path dir) {
        DecoderFixture f = DecoderFixture.load(name);
        DecoderConfig config = DecoderConfig.fromConfigJson(f.folder().resolve("config.json"));
        boolean rotary = config.architecture().rotary();
        Path gguf = dir.resolve(name + ".gguf");
        try (TensorStore hf = Safetensors.open(f.folder()); Arena arena = Arena.ofShared()) {
            GgufWriter w = new GgufWriter().putString("general.architecture", config.architecture().name().toLowerCase());
            for (Map.Entry<String, Tensor> e : hf.tensors().entrySet()) {
                String n = e.getKey();
                Tensor t = e.getValue();
                if (rotary && (n.contains("q_proj") || n.contains("k_proj"))) {
                    int heads = n.contains("q_proj") ? config.numHeads() : config.numKvHeads();
                    Tensor permuted = DecoderModelProperties.interleave(t, heads, config.headDim(), arena);
                    w.addTensor(n, permuted, dev.zoft.weights.gguf.GgmlType.of(t.dtype()));
                } else {
                    w.addTensor(n, t);
                }
            }
            w.write(gguf);
        }
        DecoderConfig ggufConfig = rotary ? config.withRopeLayout(RopeLayout.INTERLEAVED) : config;
        DecoderBatch batch = DecoderBatch.leftPadded(f.sequences(), 0);
        GgufFile file = GgufFile.open(gguf);
        try (DecoderModel model = DecoderModel.load(ggufConfig, file.tensors(), Kernels.create(VectorWidth.configured(), POOL), true);
             Arena arena = Arena.ofShared()) {
            float worst = DecoderGoldenTest.worstLogitDiff(f, batch, model.logits(batch, arena).toFloatArray());
            assertTrue(worst <= DecoderGoldenTest.TOLERANCE, name + " from GGUF: logits differ from PyTorch by " + worst);
            assertEquals(f.loss(), model.causalLmLoss(batch, batch.nextTokenLabels()), 1e-4 * Math.max(1, f.loss()));
        }
    }
}
