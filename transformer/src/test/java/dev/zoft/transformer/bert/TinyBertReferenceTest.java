package dev.zoft.transformer.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.transformer.EncoderBatch;
import dev.zoft.transformer.EncoderOutput;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A tiny random BERT (H 8, 2 heads, 2 layers) against {@link NaiveBert}, a double-precision
 * oracle sharing no code with the model: random lengths, token type ids 0 and 1 (which the
 * MiniLM fixture never exercises), right padding, at the default width and the scalar twin.
 */
class TinyBertReferenceTest {
    private static Arena arena;
    private static Map<String, Tensor> params;
    private static NaiveBert oracle;

    @BeforeAll
    static void build() {
        arena = Arena.ofShared();
        params = TinyBert.tensors(arena, 11);
        oracle = new NaiveBert(TinyBert.CONFIG, params);
    }

    @AfterAll
    static void close() {
        arena.close();
    }

    static List<VectorWidth> widths() {
        return MiniLmTestModel.widths();
    }

    @ParameterizedTest
    @MethodSource("widths")
    void randomBatchesMatchTheNaiveOracle(VectorWidth width) {
        Random rnd = new Random(5);
        try (WorkerPool pool = WorkerPool.create(2)) {
            BertModel model = new BertModel(TinyBert.CONFIG, BertWeights.from(TinyBert.CONFIG, "", params::get),
                    Kernels.create(width, pool));
            for (int trial = 0; trial < 20; trial++) {
                int batch = 1 + rnd.nextInt(5);
                int seqLen = 1 + rnd.nextInt(TinyBert.CONFIG.maxPositions());
                int[] ids = new int[batch * seqLen];
                int[] types = new int[batch * seqLen];
                int[] mask = new int[batch * seqLen];
                int[] lengths = new int[batch];
                for (int b = 0; b < batch; b++) {
                    lengths[b] = 1 + rnd.nextInt(seqLen);
                    for (int t = 0; t < seqLen; t++) {
                        int i = b * seqLen + t;
                        ids[i] = rnd.nextInt(TinyBert.CONFIG.vocabSize());
                        types[i] = rnd.nextInt(2);
                        mask[i] = t < lengths[b] ? 1 : 0;
                    }
                }
                EncoderBatch in = EncoderBatch.of(batch, seqLen, ids, types, mask);
                try (EncoderOutput out = model.forward(in)) {
                    float[][] pooled = out.embeddings(false);
                    for (int b = 0; b < batch; b++) {
                        int n = lengths[b];
                        int[] seqIds = new int[n];
                        int[] seqTypes = new int[n];
                        System.arraycopy(ids, b * seqLen, seqIds, 0, n);
                        System.arraycopy(types, b * seqLen, seqTypes, 0, n);
                        double[][] want = oracle.forward(seqIds, seqTypes);
                        double[] wantPooled = new double[TinyBert.CONFIG.hiddenSize()];
                        for (int t = 0; t < n; t++) {
                            float[] got = out.hidden(b, t);
                            for (int i = 0; i < got.length; i++) {
                                assertEquals(want[t][i], got[i], 2e-5, "trial " + trial + " seq " + b + " token " + t + " dim " + i);
                                wantPooled[i] += want[t][i] / n;
                            }
                        }
                        for (int i = 0; i < wantPooled.length; i++) {
                            assertEquals(wantPooled[i], pooled[b][i], 2e-5, "trial " + trial + " pooled " + b);
                        }
                    }
                }
            }
            model.close();
        }
    }

    @Test
    void tokenTypeIdsChangeTheResult() {
        double[][] a = oracle.forward(new int[] {3, 4, 5}, new int[] {0, 0, 0});
        double[][] b = oracle.forward(new int[] {3, 4, 5}, new int[] {0, 1, 1});
        assertTrue(Math.abs(a[0][0] - b[0][0]) > 1e-3, "the oracle ignores type ids");
    }

    @Test
    void oracleErfIsAccurate() {
        // erf reference values (Abramowitz & Stegun table 7.1 / high-precision tables).
        assertEquals(0.0, NaiveBert.erf(0), 0);
        assertEquals(0.5204998778130465, NaiveBert.erf(0.5), 1e-13);
        assertEquals(0.8427007929497149, NaiveBert.erf(1), 1e-13);
        assertEquals(-0.9953222650189527, NaiveBert.erf(-2), 1e-13);
        assertEquals(0.9999779095030014, NaiveBert.erf(3), 1e-13);
        assertEquals(0.9999999845827421, NaiveBert.erf(4), 1e-15);
        assertEquals(-1.0, NaiveBert.erf(-9), 1e-15);
    }

    /** The scratch is sized for the largest batch so far and reused by smaller ones. */
    @Test
    void scratchGrowsToTheLargestBatchAndIsReused() {
        try (WorkerPool pool = WorkerPool.create(1)) {
            BertModel model = new BertModel(TinyBert.CONFIG, BertWeights.from(TinyBert.CONFIG, "", params::get),
                    Kernels.create(VectorWidth.SCALAR, pool));
            assertEquals(0, model.scratchBytes());
            List<int[]> four = new ArrayList<>(List.of(new int[] {1, 2, 3}, new int[] {4, 5}, new int[] {6}, new int[] {7, 8, 9}));
            float[] first;
            try (EncoderOutput out = model.forward(EncoderBatch.rightPadded(four))) {
                first = out.pooled().toFloatArray();
            }
            long big = model.scratchBytes();
            BertConfig c = TinyBert.CONFIG;
            assertEquals(c.activationBytes(4, 3) - 4L * 3 * c.hiddenSize() * Float.BYTES, big);
            try (EncoderOutput out = model.forward(EncoderBatch.rightPadded(List.of(new int[] {1, 2})))) {
                assertEquals(big, model.scratchBytes(), "a smaller batch reuses the scratch");
            }
            try (EncoderOutput out = model.forward(EncoderBatch.rightPadded(four))) {
                assertArrayEquals(first, out.pooled().toFloatArray());
            }
            model.releaseScratch();
            assertEquals(0, model.scratchBytes());
            model.close();
        }
    }
}
