package dev.zoft.transformer.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.weights.DecoderCheckpoint;
import dev.zoft.weights.DecoderToGguf;
import dev.zoft.weights.RopeLayout;
import dev.zoft.weights.gguf.GgmlType;
import dev.zoft.weights.gguf.GgufWriter;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The golden fixtures' Hugging Face folders converted to llama.cpp GGUF files by
 * {@link DecoderToGguf} (llama.cpp's tensor names and keys; Q/K rows permuted to the interleaved
 * order for {@code llama}, kept half-split for {@code qwen2}), opened back through
 * {@link DecoderCheckpoint}: the same logits and loss as PyTorch. OPT has no GGUF mapping.
 * Llama-3 RoPE scaling is stored as llama.cpp stores it, a {@code rope_freqs.weight} tensor of
 * per-frequency divisors.
 */
class DecoderGgufTest {
    private static final WorkerPool POOL = WorkerPool.create(2);

    @AfterAll
    static void closePool() {
        POOL.close();
    }

    static List<String> models() {
        return List.of("llama_gqa_tied", "qwen2_qkv_bias", "llama3_rope_scaling", "gpt2");
    }

    @ParameterizedTest
    @MethodSource("models")
    void ggufConversionMatchesPyTorch(String name, @TempDir Path dir) {
        DecoderFixture f = DecoderFixture.load(name);
        Path gguf = dir.resolve(name + ".gguf");
        try (DecoderCheckpoint hf = DecoderCheckpoint.open(f.folder()); Arena arena = Arena.ofShared()) {
            GgufWriter w = DecoderToGguf.writer(hf, GgmlType.F32, arena);
            DecoderConfig config = DecoderConfig.of(hf);
            if (config.ropeScaling() != null) {
                // llama.cpp's convert_hf_to_gguf: factors = unscaled / scaled inverse frequencies, no scaling keys.
                DecoderConfig plain = new DecoderConfig(config.architecture(), config.vocabSize(), config.hiddenSize(),
                        config.numLayers(), config.numHeads(), config.numKvHeads(), config.headDim(), config.intermediateSize(),
                        config.maxPositions(), config.normEps(), config.ropeTheta(), null, config.ropeLayout(),
                        config.tieWordEmbeddings(), config.attentionBias(), config.outputBias(), config.mlpBias());
                double[] scaled = config.ropeInverseFrequencies();
                double[] unscaled = plain.ropeInverseFrequencies();
                float[] factors = new float[scaled.length];
                for (int i = 0; i < factors.length; i++) {
                    factors[i] = (float) (unscaled[i] / scaled[i]);
                }
                w.putString("llama.rope.scaling.type", "none");
                w.addTensor(DecoderCheckpoint.ROPE_FREQS, Tensor.of(arena, factors, factors.length));
            }
            w.write(gguf);
        }
        DecoderBatch batch = DecoderBatch.leftPadded(f.sequences(), 0);
        try (DecoderModel model = DecoderModel.load(gguf, Kernels.create(VectorWidth.configured(), POOL));
             Arena arena = Arena.ofShared()) {
            if (name.startsWith("llama")) {
                assertEquals(RopeLayout.INTERLEAVED, model.config().ropeLayout(), "llama GGUF rows are interleaved");
            }
            float worst = DecoderGoldenTest.worstLogitDiff(f, batch, model.logits(batch, arena).toFloatArray());
            assertTrue(worst <= DecoderGoldenTest.TOLERANCE, name + " from GGUF: logits differ from PyTorch by " + worst);
            assertEquals(f.loss(), model.causalLmLoss(batch, batch.nextTokenLabels()), 1e-4 * Math.max(1, f.loss()));
        }
    }
}
