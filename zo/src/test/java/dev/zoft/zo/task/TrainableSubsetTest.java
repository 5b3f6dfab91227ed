package dev.zoft.zo.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.transformer.bert.BertWeights;
import dev.zoft.transformer.bert.MiniLm;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Trainable-subset selection by Hugging Face name, and the writable copies it makes. */
class TrainableSubsetTest {
    private static final long H = 384;
    private static final long FFN = 1536;
    /** Q, K, V, attention output (weight + bias), two LayerNorms, intermediate and output Linear. */
    private static final long MINILM_LAYER = 4 * (H * H + H) + 2 * 2 * H + (FFN * H + FFN) + (H * FFN + H);
    private static final long MINILM_EMBEDDINGS = (30522 + 512 + 2) * H + 2 * H;
    /** Per layer: six Linear biases (4·H + FFN + H) and two LayerNorms (4·H). */
    private static final long MINILM_LAYER_BITFIT = 4 * H + FFN + H + 4 * H;

    @Test
    void specsRoundTripAndBadSpecsAreNamed() {
        for (TrainableSubset s : List.of(TrainableSubset.all(), TrainableSubset.headOnly(), TrainableSubset.bitFit(),
                TrainableSubset.topLayers(0), TrainableSubset.topLayers(3))) {
            assertEquals(s, TrainableSubset.parse(s.spec()));
        }
        assertEquals(TrainableSubset.topLayers(2), TrainableSubset.parse(" TOP-2 "));
        for (String bad : List.of("", "everything", "top-", "top-x", "top--1", "top2")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainableSubset.parse(bad));
            assertTrue(e.getMessage().contains("top-K"), e.getMessage());
        }
    }

    @Test
    void namesSelectTheExpectedTensors() {
        TrainableSubset bitFit = TrainableSubset.bitFit();
        assertTrue(bitFit.trains("embeddings.LayerNorm.weight", 6));
        assertTrue(bitFit.trains("encoder.layer.3.attention.self.key.bias", 6));
        assertTrue(bitFit.trains("encoder.layer.5.output.LayerNorm.weight", 6));
        assertFalse(bitFit.trains("encoder.layer.5.output.dense.weight", 6));
        assertFalse(bitFit.trains("embeddings.word_embeddings.weight", 6));
        TrainableSubset top2 = TrainableSubset.topLayers(2);
        assertTrue(top2.trains("encoder.layer.4.intermediate.dense.weight", 6));
        assertTrue(top2.trains("encoder.layer.5.output.LayerNorm.bias", 6));
        assertFalse(top2.trains("encoder.layer.3.output.LayerNorm.bias", 6));
        assertFalse(top2.trains("embeddings.LayerNorm.bias", 6));
        // "encoder.layer.1x" must not parse as layer 1.
        assertThrows(IllegalArgumentException.class, () -> top2.trains("encoder.layer.1x.output.dense.bias", 6));
        assertThrows(IllegalArgumentException.class, () -> TrainableSubset.topLayers(7).trains("embeddings.LayerNorm.bias", 6));
        assertThrows(IllegalArgumentException.class, () -> TrainableSubset.topLayers(-1));
    }

    @Test
    void miniLmSubsetCounts() {
        BertWeights base = TaskFixtures.miniLm();
        assertEquals(22_565_376L, MINILM_EMBEDDINGS + 6 * MINILM_LAYER, "the formula itself");
        assertEquals(22_565_376L, count(base, TrainableSubset.all()));
        assertEquals(2 * H + 6 * MINILM_LAYER_BITFIT, count(base, TrainableSubset.bitFit()));
        assertEquals(30_720L, count(base, TrainableSubset.bitFit()));
        assertEquals(2 * MINILM_LAYER, count(base, TrainableSubset.topLayers(2)));
        assertEquals(6 * MINILM_LAYER, count(base, TrainableSubset.topLayers(6)));
        assertEquals(0L, count(base, TrainableSubset.headOnly()));
    }

    @Test
    void theClassifierAddsTheHeadToEverySubset() {
        try (WorkerPool pool = WorkerPool.create(1)) {
            for (TrainableSubset s : List.of(TrainableSubset.all(), TrainableSubset.bitFit(), TrainableSubset.headOnly())) {
                try (EncoderClassifier c = TaskFixtures.miniLmClassifier(pool, ClassifierOptions.defaults().withTrainable(s))) {
                    long expected = count(TaskFixtures.miniLm(), s) + 2 * H;
                    assertEquals(expected, c.parameters().size(), s.spec());
                    assertEquals(c.parameters().size(), c.block1().size() + c.block2().size(), s.spec());
                }
            }
        }
    }

    @Test
    void copiesAreWritableAndSeparateWhileFrozenTensorsStayTheBase() {
        BertWeights base = TaskFixtures.miniLm();
        try (TrainableWeights tw = TrainableWeights.copy(MiniLm.CONFIG, base, TrainableSubset.topLayers(1))) {
            Map<String, Tensor> baseNamed = base.named();
            Map<String, Tensor> named = tw.weights().named();
            for (Map.Entry<String, Tensor> e : named.entrySet()) {
                if (tw.trainable().containsKey(e.getKey())) {
                    assertNotSame(baseNamed.get(e.getKey()), e.getValue(), e.getKey());
                    assertFalse(e.getValue().segment().isReadOnly(), e.getKey());
                    assertArrayEquals(baseNamed.get(e.getKey()).toFloatArray(), e.getValue().toFloatArray(), e.getKey());
                } else {
                    assertSame(baseNamed.get(e.getKey()), e.getValue(), e.getKey());
                }
            }
            assertEquals(16, tw.trainable().size());
            assertTrue(tw.trainable().keySet().stream().allMatch(n -> n.startsWith("encoder.layer.5.")));

            Tensor copy = tw.trainable().get("encoder.layer.5.output.dense.weight");
            Tensor original = baseNamed.get("encoder.layer.5.output.dense.weight");
            float before = original.getFloat(17);
            copy.setFloat(17, before + 1f);
            assertEquals(before, original.getFloat(17), "the base is never written");
            tw.restoreBase();
            assertEquals(Float.floatToRawIntBits(before), Float.floatToRawIntBits(copy.getFloat(17)));
        }
    }

    private static long count(BertWeights base, TrainableSubset subset) {
        try (TrainableWeights tw = TrainableWeights.copy(MiniLm.CONFIG, base, subset)) {
            long n = 0;
            for (Tensor t : tw.trainable().values()) {
                n += t.numel();
            }
            assertEquals(n, tw.size());
            return n;
        }
    }
}
