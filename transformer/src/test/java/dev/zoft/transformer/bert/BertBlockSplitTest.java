package dev.zoft.transformer.bert;

import static dev.zoft.transformer.bert.MiniLmTestModel.batchOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.transformer.EncoderBatch;
import dev.zoft.transformer.EncoderOutput;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The forward in pieces ({@code embed}, {@code runLayers} over a layer range) is the forward:
 * bit for bit, whatever the split point, and a cached block output can be run again. The
 * reference is the model's first forward, so these tests also catch kernels whose results change
 * when the JIT recompiles them.
 */
class BertBlockSplitTest {
    private static BertModel model;
    private static EncoderBatch batch;
    private static float[] fullHidden;
    private static float[] fullPooled;

    @BeforeAll
    static void fullForward() {
        model = MiniLmTestModel.model(VectorWidth.configured(), 2);
        batch = batchOf(0, 1, 8, 6, 0, 11);
        try (EncoderOutput out = model.forward(batch)) {
            fullHidden = out.lastHidden().toFloatArray();
            fullPooled = out.pooled().toFloatArray();
        }
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void embedThenThreeAndThreeLayersIsTheForward() {
        try (Arena arena = Arena.ofShared()) {
            Tensor h = model.embed(batch, arena);
            model.runLayers(h, batch, 0, 3);
            model.runLayers(h, batch, 3, 6);
            assertArrayEquals(fullHidden, h.toFloatArray());
            Tensor pooled = Tensor.allocate(arena, DType.F32, batch.batchSize(), model.config().hiddenSize());
            model.meanPool(h, batch, pooled);
            assertArrayEquals(fullPooled, pooled.toFloatArray());
        }
    }

    @Test
    void everySplitPointGivesTheSameBits() {
        int layers = model.numLayers();
        for (int k = 0; k <= layers; k++) {
            try (Arena arena = Arena.ofShared()) {
                Tensor h = model.embed(batch, arena);
                model.runLayers(h, batch.mask(), batch.batchSize(), batch.seqLen(), 0, k);
                model.runLayers(h, batch.mask(), batch.batchSize(), batch.seqLen(), k, layers);
                assertArrayEquals(fullHidden, h.toFloatArray(), "split at layer " + k);
            }
        }
    }

    /** What a ZO estimator does: keep block 1's output, run block 2 on copies of it twice. */
    @Test
    void cachedBlockOutputCanBeReused() {
        try (Arena arena = Arena.ofShared()) {
            Tensor block1 = model.embed(batch, arena);
            model.runLayers(block1, batch, 0, 4);
            float[] cached = block1.toFloatArray();
            for (int round = 0; round < 2; round++) {
                Tensor h = Tensor.allocate(arena, DType.F32, block1.shape());
                MemorySegment.copy(block1.segment(), 0, h.segment(), 0, block1.segment().byteSize());
                model.runLayers(h, batch, 4, 6);
                assertArrayEquals(fullHidden, h.toFloatArray(), "round " + round);
            }
            assertArrayEquals(cached, block1.toFloatArray(), "block 1 output was modified");
            assertFalse(Arrays.equals(cached, fullHidden), "layers 4..6 did nothing");
        }
    }

    /**
     * The same forward repeated gives the same bits: the JIT recompiling the kernels in between
     * (interpreter, C1, C2) must not change results, or a ZO step's two losses and a replay would
     * disagree.
     */
    @Test
    void repeatedForwardsGiveTheSameBits() {
        for (int i = 0; i < 8; i++) {
            try (EncoderOutput again = model.forward(batch)) {
                assertArrayEquals(fullHidden, again.lastHidden().toFloatArray(), "forward " + (i + 2));
            }
        }
    }

    /** A different batch shape in between (scratch reallocated) does not disturb later results. */
    @Test
    void anotherShapeInBetweenDoesNotChangeResults() {
        try (EncoderOutput other = model.forward(batchOf(0, 2, 3))) {
            assertFalse(Float.isNaN(other.pooled().getFloat(0)));
        }
        try (EncoderOutput again = model.forward(batch)) {
            assertArrayEquals(fullHidden, again.lastHidden().toFloatArray());
        }
    }
}
