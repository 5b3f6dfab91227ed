package dev.zoft.federation;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.tokenizer.HfTokenizer;
import dev.zoft.transformer.bert.BertConfig;
import dev.zoft.transformer.bert.BertModel;
import dev.zoft.transformer.bert.BertWeights;
import dev.zoft.transformer.bert.MiniLm;
import dev.zoft.weights.BertParameterNames;
import dev.zoft.weights.EncoderCheckpoint;
import dev.zoft.zo.params.ParameterView;
import dev.zoft.zo.task.ClassifierOptions;
import dev.zoft.zo.task.EncoderClassifier;
import java.lang.foreign.Arena;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Models the federation tests share: a tiny random BERT over MiniLM's vocabulary (so the real
 * tokenizer feeds it; a simulated round takes milliseconds) and the bundled MiniLM.
 */
final class Fixtures {
    /** 4 layers, H 16, 2 heads, FFN 32, MiniLM's vocabulary, 64 positions. */
    static final BertConfig TINY = new BertConfig(30522, 16, 4, 2, 32, 64, 2, 1e-12f);
    static final byte[] NO_DIGEST = new byte[32];

    private static BertWeights tiny;
    private static HfTokenizer tokenizer;
    private static EncoderCheckpoint miniLm;
    private static BertWeights miniLmWeights;

    private Fixtures() {
    }

    static synchronized HfTokenizer tokenizer() {
        if (tokenizer == null) {
            tokenizer = MiniLm.bundledTokenizer();
        }
        return tokenizer;
    }

    /** A random {@link #TINY} encoder in the global arena, the same for every call (seeded). */
    static synchronized BertWeights tiny() {
        if (tiny == null) {
            SplittableRandom rnd = new SplittableRandom(11);
            Map<String, Tensor> m = new HashMap<>();
            int h = TINY.hiddenSize();
            int f = TINY.intermediateSize();
            for (String name : BertParameterNames.expected(TINY.numLayers())) {
                long[] shape;
                if (name.equals(BertParameterNames.WORD_EMBEDDINGS)) {
                    shape = new long[] {TINY.vocabSize(), h};
                } else if (name.equals(BertParameterNames.POSITION_EMBEDDINGS)) {
                    shape = new long[] {TINY.maxPositions(), h};
                } else if (name.equals(BertParameterNames.TOKEN_TYPE_EMBEDDINGS)) {
                    shape = new long[] {TINY.typeVocabSize(), h};
                } else if (name.endsWith("intermediate.dense.weight")) {
                    shape = new long[] {f, h};
                } else if (name.endsWith("intermediate.dense.bias")) {
                    shape = new long[] {f};
                } else if (name.endsWith("output.dense.weight") && !name.contains("attention")) {
                    shape = new long[] {h, f};
                } else if (name.endsWith(".weight") && !name.contains("LayerNorm")) {
                    shape = new long[] {h, h};
                } else {
                    shape = new long[] {h};
                }
                Tensor t = Tensor.allocate(Arena.global(), DType.F32, shape);
                boolean gamma = name.endsWith("LayerNorm.weight");
                for (long i = 0; i < t.numel(); i++) {
                    t.setFloat(i, (float) ((gamma ? 1 : 0) + (rnd.nextDouble() - 0.5) * 0.6));
                }
                m.put(name, t);
            }
            tiny = BertWeights.from(TINY, "", m::get);
        }
        return tiny;
    }

    static synchronized BertWeights miniLm() {
        if (miniLmWeights == null) {
            miniLm = MiniLm.openBundled();
            miniLmWeights = BertModel.weightsOf(miniLm.weights(), BertConfig.of(miniLm.hyperparameters()));
        }
        return miniLmWeights;
    }

    static Kernels kernels(WorkerPool pool) {
        return Kernels.create(VectorWidth.configured(), pool);
    }

    /** A classifier over the tiny encoder at its base weights. */
    static EncoderClassifier tinyClassifier(WorkerPool pool, ClassifierOptions options) {
        return EncoderClassifier.create(TINY, tiny(), kernels(pool), tokenizer(), options);
    }

    static EncoderClassifier miniLmClassifier(WorkerPool pool, ClassifierOptions options) {
        return EncoderClassifier.create(MiniLm.CONFIG, miniLm(), kernels(pool), tokenizer(), options);
    }

    /** Every trainable parameter's bits, in view order. */
    static int[] bits(ParameterView view) {
        int[] out = new int[Math.toIntExact(view.size())];
        int k = 0;
        for (ParameterView.Entry e : view.entries()) {
            for (long i = 0; i < e.tensor().numel(); i++) {
                out[k++] = Float.floatToRawIntBits(e.tensor().getFloat(i));
            }
        }
        return out;
    }
}
