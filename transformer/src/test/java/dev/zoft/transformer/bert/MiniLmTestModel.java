package dev.zoft.transformer.bert;

import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.transformer.EncoderBatch;
import dev.zoft.transformer.fixtures.MiniLmGolden;
import dev.zoft.weights.EncoderCheckpoint;

import java.util.ArrayList;
import java.util.List;

/**
 * The bundled all-MiniLM-L6-v2 weights, loaded once per test JVM and shared by every model the
 * tests build (the models differ only in their kernels), and helpers over the golden fixture.
 */
final class MiniLmTestModel {
    private static EncoderCheckpoint checkpoint;
    private static BertWeights weights;
    private static MiniLmGolden golden;

    private MiniLmTestModel() {
    }

    static synchronized BertWeights weights() {
        if (weights == null) {
            // Shared by every test class of the JVM; the mapped files are released at exit.
            checkpoint = MiniLm.openBundled();
            weights = BertModel.weightsOf(checkpoint.weights(), BertConfig.of(checkpoint.hyperparameters()));
        }
        return weights;
    }

    /** The hyperparameters the loader read from the bundled ONNX graph. */
    static synchronized BertConfig bundledConfig() {
        weights();
        return BertConfig.of(checkpoint.hyperparameters());
    }

    static synchronized MiniLmGolden golden() {
        if (golden == null) {
            golden = MiniLmGolden.load();
        }
        return golden;
    }

    /** A model over the shared weights with its own pool; closing it closes the pool only. */
    static BertModel model(VectorWidth width, int threads) {
        WorkerPool pool = WorkerPool.create(threads);
        try {
            return new BertModel(MiniLm.CONFIG, weights(), Kernels.create(width, pool), List.of(pool));
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** The widths the tests run at: the configured default and the scalar twin (once if they coincide). */
    static List<VectorWidth> widths() {
        VectorWidth d = VectorWidth.configured();
        return d == VectorWidth.SCALAR ? List.of(d) : List.of(d, VectorWidth.SCALAR);
    }

    /** Fixture sentences {@code indices}, right-padded to the longest (or to {@code seqLen} if larger). */
    static EncoderBatch batchOf(int seqLen, int... indices) {
        List<int[]> ids = new ArrayList<>();
        int longest = 0;
        for (int i : indices) {
            ids.add(golden().sentence(i).ids());
            longest = Math.max(longest, golden().sentence(i).ids().length);
        }
        return EncoderBatch.rightPadded(ids, Math.max(seqLen, longest), 0);
    }

    /** Every fixture sentence index, in order. */
    static int[] all() {
        int[] idx = new int[golden().size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        return idx;
    }

    /** max |a − b| over two vectors of the same length. */
    static float maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        float m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        if (Float.isNaN(m)) {
            throw new AssertionError("NaN in compared vectors");
        }
        return m;
    }
}
