package dev.zoft.transformer.bert;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;

import java.lang.foreign.Arena;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/** A tiny BERT with random weights under Hugging Face names, for shape and error tests. */
final class TinyBert {
    static final BertConfig CONFIG = new BertConfig(50, 8, 2, 2, 16, 12, 2, 1e-12f);

    private TinyBert() {
    }

    /** Every parameter of {@link #CONFIG}, random, in {@code arena}. */
    static Map<String, Tensor> tensors(Arena arena, long seed) {
        Random rnd = new Random(seed);
        Map<String, Tensor> m = new HashMap<>();
        int h = CONFIG.hiddenSize();
        int f = CONFIG.intermediateSize();
        put(m, arena, rnd, "embeddings.word_embeddings.weight", CONFIG.vocabSize(), h);
        put(m, arena, rnd, "embeddings.position_embeddings.weight", CONFIG.maxPositions(), h);
        put(m, arena, rnd, "embeddings.token_type_embeddings.weight", CONFIG.typeVocabSize(), h);
        put(m, arena, rnd, "embeddings.LayerNorm.weight", h);
        put(m, arena, rnd, "embeddings.LayerNorm.bias", h);
        for (int i = 0; i < CONFIG.numLayers(); i++) {
            String p = "encoder.layer." + i + ".";
            for (String lin : new String[] {"attention.self.query", "attention.self.key", "attention.self.value",
                    "attention.output.dense"}) {
                put(m, arena, rnd, p + lin + ".weight", h, h);
                put(m, arena, rnd, p + lin + ".bias", h);
            }
            put(m, arena, rnd, p + "attention.output.LayerNorm.weight", h);
            put(m, arena, rnd, p + "attention.output.LayerNorm.bias", h);
            put(m, arena, rnd, p + "intermediate.dense.weight", f, h);
            put(m, arena, rnd, p + "intermediate.dense.bias", f);
            put(m, arena, rnd, p + "output.dense.weight", h, f);
            put(m, arena, rnd, p + "output.dense.bias", h);
            put(m, arena, rnd, p + "output.LayerNorm.weight", h);
            put(m, arena, rnd, p + "output.LayerNorm.bias", h);
        }
        return m;
    }

    private static void put(Map<String, Tensor> m, Arena arena, Random rnd, String name, long... shape) {
        Tensor t = Tensor.allocate(arena, DType.F32, shape);
        for (long i = 0; i < t.numel(); i++) {
            t.setFloat(i, (float) (rnd.nextGaussian() * 0.5));
        }
        m.put(name, t);
    }
}
