package dev.zoft.transformer.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.transformer.EncoderBatch;
import dev.zoft.transformer.EncoderOutput;

import java.lang.foreign.Arena;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad weights, bad batches and misuse give clear exceptions, on a tiny random BERT. */
class BertModelValidationTest {
    private static Arena arena;
    private static Map<String, Tensor> tensors;
    private static WorkerPool pool;
    private static BertModel model;

    @BeforeAll
    static void build() {
        arena = Arena.ofShared();
        tensors = TinyBert.tensors(arena, 7);
        pool = WorkerPool.create(2);
        model = new BertModel(TinyBert.CONFIG, BertWeights.from(TinyBert.CONFIG, "", tensors::get),
                Kernels.create(VectorWidth.configured(), pool));
    }

    @AfterAll
    static void close() {
        model.close();
        pool.close();
        arena.close();
    }

    private static EncoderBatch batch() {
        return EncoderBatch.rightPadded(List.of(new int[] {1, 5, 9, 2}, new int[] {1, 7, 2}));
    }

    @Test
    void missingWeightIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BertWeights.from(TinyBert.CONFIG, "bert.", tensors::get));
        assertTrue(e.getMessage().contains("bert.embeddings.word_embeddings.weight"), e.getMessage());
    }

    @Test
    void misShapedWeightIsNamed() {
        BertConfig wider = new BertConfig(50, 8, 2, 2, 32, 12, 2, 1e-12f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BertWeights.from(wider, "", tensors::get));
        assertTrue(e.getMessage().contains("encoder.layer.0.intermediate.dense.weight"), e.getMessage());
        assertTrue(e.getMessage().contains("[16, 8]"), e.getMessage());
    }

    @Test
    void weightsForAnotherLayerCountAreRejected() {
        BertConfig deeper = new BertConfig(50, 8, 3, 2, 16, 12, 2, 1e-12f);
        BertWeights w = BertWeights.from(TinyBert.CONFIG, "", tensors::get);
        assertThrows(IllegalArgumentException.class, () -> new BertModel(deeper, w, model.kernels()));
    }

    @Test
    void tokenIdOutsideTheVocabularyIsRejected() {
        EncoderBatch bad = EncoderBatch.rightPadded(List.of(new int[] {1, 50, 2}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.forward(bad));
        assertTrue(e.getMessage().contains("token id 50"), e.getMessage());
    }

    @Test
    void sequenceLongerThanThePositionTableIsRejected() {
        EncoderBatch tooLong = EncoderBatch.rightPadded(List.of(new int[] {1, 2}), 13, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.forward(tooLong));
        assertTrue(e.getMessage().contains("12 positions"), e.getMessage());
    }

    @Test
    void hiddenStatesOfTheWrongShapeAreRejected() {
        EncoderBatch b = batch();
        try (Arena a = Arena.ofShared()) {
            Tensor wrong = Tensor.allocate(a, DType.F32, b.tokens(), 9);
            assertThrows(IllegalArgumentException.class, () -> model.runLayers(wrong, b, 0, 1));
        }
    }

    @Test
    void threadConfinedHiddenStatesAreRejectedWithAClearMessage() {
        EncoderBatch b = batch();
        try (Arena confined = Arena.ofConfined()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.embed(b, confined));
            assertTrue(e.getMessage().contains("Arena.ofShared()"), e.getMessage());
        }
    }

    @Test
    void layerRangeOutsideTheModelIsRejected() {
        EncoderBatch b = batch();
        try (Arena a = Arena.ofShared()) {
            Tensor h = model.embed(b, a);
            assertThrows(IndexOutOfBoundsException.class, () -> model.runLayers(h, b, 1, 3));
            assertThrows(IndexOutOfBoundsException.class, () -> model.runLayers(h, b, 2, 1));
        }
    }

    @Test
    void batchesWithoutARealTokenOrWithBadMaskValuesAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> EncoderBatch.of(1, 2, new int[] {1, 2}, new int[2], new int[] {0, 0}));
        assertThrows(IllegalArgumentException.class,
                () -> EncoderBatch.of(1, 2, new int[] {1, 2}, new int[2], new int[] {1, 2}));
        assertThrows(IllegalArgumentException.class,
                () -> EncoderBatch.rightPadded(List.of(new int[] {1, 2, 3}), 2, 0));
    }

    @Test
    void closedModelRefusesWork() {
        WorkerPool p = WorkerPool.create(1);
        BertModel m = new BertModel(TinyBert.CONFIG, BertWeights.from(TinyBert.CONFIG, "", tensors::get),
                Kernels.create(VectorWidth.SCALAR, p), List.of(p));
        try (EncoderOutput out = m.forward(batch())) {
            assertEquals(2, out.batchSize());
        }
        m.close();
        assertThrows(IllegalStateException.class, () -> m.forward(batch()));
        assertThrows(IllegalStateException.class, () -> p.parallelFor(1, 1, (a, b) -> { }), "owned pool closed");
    }

    @Test
    void activationMemoryIsOneLayerWhateverTheDepth() {
        BertConfig deep = new BertConfig(50, 8, 24, 2, 16, 12, 2, 1e-12f);
        assertEquals(TinyBert.CONFIG.activationBytes(4, 10), deep.activationBytes(4, 10));
        assertEquals(16L * 64 * (5 * 384 + 1536) * 4, BertConfig.allMiniLmL6V2().activationBytes(16, 64));
    }
}
