package dev.zoft.transformer.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.weights.DecoderCheckpoint;
import dev.zoft.weights.DecoderToGguf;
import dev.zoft.weights.RopeLayout;
import dev.zoft.weights.gguf.GgmlType;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * stories260K, a real trained Llama (5 layers, dim 64, 8 heads, 4 KV heads, vocab 512) in
 * llama2.c's format, against a plain-PyTorch reference that reads the {@code .bin} itself
 * ({@code make_decoder_fixtures.py --stories}; only its expected logits are committed): through
 * the {@code .bin} directly and through a GGUF conversion, within 1e-4.
 */
class Stories260KTest {
    private static final WorkerPool POOL = WorkerPool.create(2);

    @AfterAll
    static void closePool() {
        POOL.close();
    }

    static Path storiesBin() {
        String shared = System.getProperty("zoft.shared.dir");
        if (shared == null) {
            throw new IllegalStateException("system property zoft.shared.dir is not set (the build sets it to ../shared)");
        }
        Path bin = Path.of(shared, "assets", "models", "stories260K", "stories260K.bin");
        if (!Files.isRegularFile(bin)) {
            throw new IllegalStateException("shared test asset " + bin + " is missing (see ../shared/assets/README.md)");
        }
        return bin;
    }

    static DecoderFixture expected() {
        Path folder = DecoderFixture.resourceFolder("/fixtures/decoder/stories260K_expected.json");
        return DecoderFixture.parse("stories260K", folder, folder.resolve("stories260K_expected.json"));
    }

    private static void check(DecoderModel model, DecoderFixture f, String how) {
        assertEquals(RopeLayout.INTERLEAVED, model.config().ropeLayout(), how);
        for (boolean left : new boolean[] {true, false}) {
            DecoderBatch batch = left ? DecoderBatch.leftPadded(f.sequences(), 0) : DecoderBatch.rightPadded(f.sequences(), 0);
            try (Arena arena = Arena.ofShared()) {
                float worst = DecoderGoldenTest.worstLogitDiff(f, batch, model.logits(batch, arena).toFloatArray());
                assertTrue(worst <= DecoderGoldenTest.TOLERANCE, how + ": logits differ from PyTorch by " + worst);
                System.out.printf("stories260K %s %s: max |Δ logit| %.3g%n", how, left ? "left" : "right", worst);
            }
            assertEquals(f.loss(), model.causalLmLoss(batch, batch.nextTokenLabels()), 1e-4 * f.loss(), how + " loss");
            DecoderModel.RowScores s = model.labelWordScores(batch, f.labelWords());
            for (int i = 0; i < f.sequences().size(); i++) {
                assertArrayEquals(f.labelLogProbs()[i], s.logProbs()[i], 1e-4f, how + " label words");
            }
        }
    }

    @Test
    void llama2cBinMatchesPyTorch() {
        DecoderFixture f = expected();
        try (DecoderModel model = DecoderModel.load(storiesBin(), Kernels.create(VectorWidth.configured(), POOL))) {
            assertEquals(512, model.config().vocabSize());
            assertEquals(4, model.config().numKvHeads());
            check(model, f, ".bin");
        }
        try (DecoderModel model = DecoderModel.load(storiesBin(), Kernels.scalar(POOL))) {
            check(model, f, ".bin scalar twin");
        }
    }

    @Test
    void ggufConversionMatchesPyTorch(@TempDir Path dir) {
        DecoderFixture f = expected();
        Path gguf = dir.resolve("stories260K.gguf");
        try (DecoderCheckpoint bin = DecoderCheckpoint.open(storiesBin())) {
            DecoderToGguf.convert(bin, gguf, GgmlType.F32);
        }
        try (DecoderModel model = DecoderModel.load(gguf, Kernels.create(VectorWidth.configured(), POOL))) {
            check(model, f, "GGUF");
        }
    }
}
