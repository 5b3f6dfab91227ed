package dev.zoft.transformer.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.weights.DecoderCheckpoint;
import dev.zoft.weights.DecoderToGguf;
import dev.zoft.weights.RopeLayout;
import dev.zoft.weights.gguf.GgmlType;
import dev.zoft.weights.gguf.GgufFile;
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
 * Llama-3 RoPE scaling is stored as llama.cpp's converter stores it (written by
 * {@link DecoderToGguf} itself): a {@code rope_freqs.weight} tensor of per-frequency divisors and no
 * scaling keys.
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
            w.write(gguf);
            DecoderConfig config = DecoderConfig.of(hf);
            try (GgufFile g = GgufFile.open(gguf)) {
                boolean hasFreqs = g.tensorInfos().stream().anyMatch(t -> t.name().equals(DecoderCheckpoint.ROPE_FREQS));
                assertEquals(config.ropeScaling() != null, hasFreqs, "rope_freqs.weight exactly for Llama-3 scaling");
                if (hasFreqs) {
                    // llama.cpp's layout: no scaling keys, divisors = unscaled / scaled inverse frequencies.
                    assertTrue(g.metadata().findString("llama.rope.scaling.type").isEmpty(), "no llama3 scaling keys");
                    DecoderConfig plain = new DecoderConfig(config.architecture(), config.vocabSize(), config.hiddenSize(),
                            config.numLayers(), config.numHeads(), config.numKvHeads(), config.headDim(), config.intermediateSize(),
                            config.maxPositions(), config.normEps(), config.ropeTheta(), null, config.ropeLayout(),
                            config.tieWordEmbeddings(), config.attentionBias(), config.outputBias(), config.mlpBias());
                    double[] scaled = config.ropeInverseFrequencies();
                    double[] unscaled = plain.ropeInverseFrequencies();
                    float[] written = g.tensors().get(DecoderCheckpoint.ROPE_FREQS).toFloatArray();
                    assertEquals(scaled.length, written.length);
                    boolean between = false;
                    for (int i = 0; i < written.length; i++) {
                        assertEquals(unscaled[i] / scaled[i], written[i], 1e-5 * written[i], "divisor " + i);
                        between |= written[i] > 1.0001f && written[i] < 7.999f;
                    }
                    assertTrue(between, "the fixture exercises the smooth band: " + java.util.Arrays.toString(written));
                }
            }
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
            // What a ZO task builds: a model over the weights with trainable copies swapped in. The
            // stored RoPE factors travel with the weights, so it computes the same logits bit for bit.
            DecoderWeights w = model.weights();
            try (Arena copies = Arena.ofShared();
                 DecoderModel retrained = new DecoderModel(model.config(),
                         w.withReplaced(java.util.Map.of("norm.weight", w.finalNormWeight().toF32(copies))), model.kernels())) {
                assertEquals(name.equals("llama3_rope_scaling"), w.ropeFreqFactors() != null);
                assertTrue(java.util.Arrays.equals(model.logits(batch, arena).toFloatArray(),
                        retrained.logits(batch, arena).toFloatArray()), name + ": a model over replaced weights differs");
            }
        }
    }

    /** GGUF has no keys for Llama-3's low/high frequency factors: a "llama3" scaling type without rope_freqs is refused by name. */
    @org.junit.jupiter.api.Test
    void llama3ScalingWithoutRopeFreqsIsAClearError(@TempDir Path dir) {
        Path gguf = dir.resolve("llama3-keys-only.gguf");
        try (DecoderCheckpoint hf = DecoderCheckpoint.open(DecoderFixture.load("llama_gqa_tied").folder());
             Arena arena = Arena.ofShared()) {
            DecoderToGguf.writer(hf, GgmlType.F32, arena).putString("llama.rope.scaling.type", "llama3")
                    .putFloat32("llama.rope.scaling.factor", 8f).write(gguf);
        }
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.zoft.weights.WeightFormatException.class,
                () -> DecoderCheckpoint.open(gguf).close());
        assertTrue(e.getMessage().contains(gguf.toString()) && e.getMessage().contains("low_freq_factor")
                && e.getMessage().contains(DecoderCheckpoint.ROPE_FREQS), e.getMessage());
    }
}
