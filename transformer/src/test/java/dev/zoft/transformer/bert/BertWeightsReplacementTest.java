package dev.zoft.transformer.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.transformer.EncoderBatch;
import dev.zoft.transformer.EncoderOutput;
import dev.zoft.weights.BertParameterNames;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link BertWeights#named}, {@link BertWeights#withReplaced} and {@link BertConfig#layerFlops}. */
class BertWeightsReplacementTest {

    @Test
    void namedListsEveryTensorInForwardOrderUnderItsLoadName() {
        try (Arena arena = Arena.ofShared()) {
            Map<String, Tensor> raw = TinyBert.tensors(arena, 1);
            BertWeights w = BertWeights.from(TinyBert.CONFIG, "", raw::get);
            Map<String, Tensor> named = w.named();
            assertEquals(BertParameterNames.expected(TinyBert.CONFIG.numLayers()), new ArrayList<>(named.keySet()));
            named.forEach((name, t) -> assertSame(raw.get(name), t, name));
            long total = raw.values().stream().mapToLong(Tensor::numel).sum();
            assertEquals(total, w.parameterCount());
        }
    }

    @Test
    void replacedTensorsAreTheOnesTheModelComputesWith() {
        try (Arena arena = Arena.ofShared(); WorkerPool pool = WorkerPool.create(1)) {
            Map<String, Tensor> raw = TinyBert.tensors(arena, 2);
            BertWeights base = BertWeights.from(TinyBert.CONFIG, "", raw::get);
            String name = "encoder.layer.1.output.dense.bias";
            Tensor copy = raw.get(name).toF32(arena);
            BertWeights replaced = base.withReplaced(TinyBert.CONFIG, Map.of(name, copy));
            assertSame(copy, replaced.layers().get(1).outputBias());
            assertSame(base.layers().get(1).outputWeight(), replaced.layers().get(1).outputWeight());

            Kernels kernels = Kernels.create(VectorWidth.SCALAR, pool);
            EncoderBatch batch = EncoderBatch.rightPadded(List.of(new int[] {1, 2, 3}, new int[] {4, 5}));
            float[] before = pooled(new BertModel(TinyBert.CONFIG, replaced, kernels), batch);
            assertArrayEquals(pooled(new BertModel(TinyBert.CONFIG, base, kernels), batch), before);
            copy.setFloat(0, copy.getFloat(0) + 1f);
            float[] after = pooled(new BertModel(TinyBert.CONFIG, replaced, kernels), batch);
            assertFalse(java.util.Arrays.equals(before, after), "writing the copy must change the output");
            assertArrayEquals(before, pooled(new BertModel(TinyBert.CONFIG, base, kernels), batch),
                    "the original tensor is untouched");
        }
    }

    @Test
    void replacementsAreCheckedByName() {
        try (Arena arena = Arena.ofShared()) {
            Map<String, Tensor> raw = TinyBert.tensors(arena, 3);
            BertWeights base = BertWeights.from(TinyBert.CONFIG, "", raw::get);
            Tensor bias = Tensor.allocate(arena, DType.F32, TinyBert.CONFIG.hiddenSize());
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                    () -> base.withReplaced(TinyBert.CONFIG, Map.of("encoder.layer.9.output.dense.bias", bias)));
            assertTrue(unknown.getMessage().contains("encoder.layer.9.output.dense.bias"), unknown.getMessage());
            Tensor wrongShape = Tensor.allocate(arena, DType.F32, 3);
            IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                    () -> base.withReplaced(TinyBert.CONFIG, Map.of("embeddings.LayerNorm.bias", wrongShape)));
            assertTrue(shape.getMessage().contains("embeddings.LayerNorm.bias"), shape.getMessage());
        }
    }

    @Test
    void layerFlopsCountEveryProductOfTheLayer() {
        BertConfig c = MiniLm.CONFIG;
        int b = 16;
        int t = 64;
        long m = (long) b * t;
        long q = 2 * m * 384 * 384;
        long ffnUp = 2 * m * 1536 * 384;
        long ffnDown = 2 * m * 384 * 1536;
        long scores = 2L * b * 12 * t * t * 32;
        long mix = 2L * b * 12 * t * t * 32;
        assertEquals(4 * q + ffnUp + ffnDown + scores + mix, c.layerFlops(b, t));
        assertEquals(3_724_541_952L, c.layerFlops(b, t));
        assertThrows(IllegalArgumentException.class, () -> c.layerFlops(0, 4));
    }

    private static float[] pooled(BertModel model, EncoderBatch batch) {
        try (EncoderOutput out = model.forward(batch)) {
            return out.pooled().toFloatArray();
        }
    }
}
