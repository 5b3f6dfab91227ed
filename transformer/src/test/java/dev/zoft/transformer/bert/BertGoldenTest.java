package dev.zoft.transformer.bert;

import static dev.zoft.transformer.bert.MiniLmTestModel.all;
import static dev.zoft.transformer.bert.MiniLmTestModel.batchOf;
import static dev.zoft.transformer.bert.MiniLmTestModel.golden;
import static dev.zoft.transformer.bert.MiniLmTestModel.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.VectorWidth;
import dev.zoft.transformer.EncoderBatch;
import dev.zoft.transformer.EncoderOutput;
import dev.zoft.transformer.fixtures.MiniLmGolden;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * all-MiniLM-L6-v2 against the independent PyTorch reference ({@code fixtures-gen/}): every
 * fixture sentence in one right-padded batch, last hidden states of every real token and the
 * pooled embeddings within 1e-4, at the default vector width and at the scalar twin; and the same
 * bits whatever the thread count.
 */
class BertGoldenTest {
    private static final float TOLERANCE = 1e-4f;

    static List<VectorWidth> widths() {
        return MiniLmTestModel.widths();
    }

    @ParameterizedTest
    @MethodSource("widths")
    void paddedBatchMatchesPyTorch(VectorWidth width) {
        MiniLmGolden g = golden();
        EncoderBatch batch = batchOf(0, all());
        try (BertModel model = MiniLmTestModel.model(width, 2); EncoderOutput out = model.forward(batch)) {
            float worstHidden = 0;
            String where = "";
            for (int s = 0; s < g.size(); s++) {
                MiniLmGolden.Sentence sentence = g.sentence(s);
                for (int t = 0; t < sentence.ids().length; t++) {
                    float d = maxAbsDiff(out.hidden(s, t), sentence.hidden()[t]);
                    if (d > worstHidden) {
                        worstHidden = d;
                        where = "sentence " + s + " token " + t;
                    }
                }
            }
            assertTrue(worstHidden <= TOLERANCE, "last hidden states differ from PyTorch by " + worstHidden + " at " + where);

            float[][] pooled = out.embeddings(false);
            float[][] normalized = out.embeddings(true);
            float worstPooled = 0;
            float worstNormalized = 0;
            for (int s = 0; s < g.size(); s++) {
                worstPooled = Math.max(worstPooled, maxAbsDiff(pooled[s], g.pooled(s)));
                worstNormalized = Math.max(worstNormalized, maxAbsDiff(normalized[s], g.pooledL2(s)));
            }
            assertTrue(worstPooled <= TOLERANCE, "pooled embeddings differ from PyTorch by " + worstPooled);
            assertTrue(worstNormalized <= TOLERANCE, "normalised embeddings differ from PyTorch by " + worstNormalized);
            System.out.printf("MiniLM golden @%s: max |Δ| hidden %.3g, pooled %.3g, normalised %.3g%n",
                    width, worstHidden, worstPooled, worstNormalized);
        }
    }

    /**
     * One and two threads give the same bits. At the vector width over the whole fixture batch;
     * the scalar twin is slow, so it runs a smaller batch that still spans several pool chunks.
     */
    @ParameterizedTest
    @MethodSource("widths")
    void threadCountDoesNotChangeBits(VectorWidth width) {
        EncoderBatch batch = width == VectorWidth.SCALAR ? batchOf(0, 0, 3, 5, 8, 10, 17) : batchOf(0, all());
        float[] hidden1;
        float[] pooled1;
        try (BertModel model = MiniLmTestModel.model(width, 1); EncoderOutput out = model.forward(batch)) {
            assertEquals(1, model.kernels().pool().threads());
            hidden1 = out.lastHidden().toFloatArray();
            pooled1 = out.pooled().toFloatArray();
        }
        try (BertModel model = MiniLmTestModel.model(width, 2); EncoderOutput out = model.forward(batch)) {
            assertEquals(2, model.kernels().pool().threads());
            assertArrayEquals(hidden1, out.lastHidden().toFloatArray(), "hidden states, 1 vs 2 threads");
            assertArrayEquals(pooled1, out.pooled().toFloatArray(), "pooled embeddings, 1 vs 2 threads");
        }
    }
}
