package dev.zoft.tensor.ops;

import static dev.zoft.tensor.ops.TestData.ARENA;
import static dev.zoft.tensor.ops.TestData.uniform;
import static dev.zoft.tensor.ops.TestData.zeros;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.parallel.WorkerPool;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Argument checking (identical for both twins), factories, and thread-count determinism. */
class KernelsContractTest {

    @Example
    void factoriesGiveTheRequestedWidth() {
        for (VectorWidth w : VectorWidth.values()) {
            Kernels k = Kernels.create(w, TestData.POOL);
            assertEquals(w, k.width());
            assertEquals(TestData.POOL, k.pool());
        }
        assertEquals(VectorWidth.SCALAR, Kernels.scalar(TestData.POOL).width());
        assertThrows(IllegalArgumentException.class, () -> VectorKernels.create(VectorWidth.SCALAR, TestData.POOL));
    }

    @Property(tries = 8)
    void badArgumentsAreRejectedWithAMessage(@ForAll VectorWidth width) {
        Kernels k = TestData.kernels(width);
        Tensor x = zeros(4, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> k.matmulTransposed(x, zeros(5, 2), null, zeros(4, 5)));
        assertTrue(e.getMessage().contains("K"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> k.matmulTransposed(x, zeros(5, 3), null, zeros(4, 4)));
        assertThrows(IllegalArgumentException.class, () -> k.matmulTransposed(x, zeros(5, 3), zeros(4), zeros(4, 5)));
        assertThrows(IllegalArgumentException.class, () -> k.matmulTransposed(x, zeros(4, 3), null, x.reshape(3, 4)));
        Tensor half = Tensor.allocate(ARENA, DType.BF16, 4, 3);
        // Weights may be stored in half precision; activations and outputs are F32.
        assertThrows(IllegalArgumentException.class, () -> k.matmulTransposed(half, zeros(5, 3), null, zeros(4, 5)));
        assertThrows(IllegalArgumentException.class, () -> k.addInPlace(x, zeros(4, 4)));
        assertThrows(IllegalArgumentException.class, () -> k.layerNorm(x, zeros(2), zeros(3), 1e-5f, x));
        assertThrows(IllegalArgumentException.class, () -> k.layerNorm(x, zeros(3), zeros(3), Float.NaN, x));
        assertThrows(IndexOutOfBoundsException.class, () -> k.embeddingGather(zeros(3, 2), new int[] {0, 3}, zeros(2, 2)));
        assertThrows(IndexOutOfBoundsException.class, () -> k.embeddingGather(zeros(3, 2), new int[] {-1}, zeros(1, 2)));
        assertThrows(IllegalArgumentException.class,
                () -> k.attention(zeros(4, 6), zeros(4, 6), zeros(4, 6), 2, 2, 2, 3, new int[] {1, 1, 2, 0}, zeros(4, 6)));
        assertThrows(IllegalArgumentException.class,
                () -> k.attention(zeros(4, 6), zeros(4, 6), zeros(4, 6), 2, 2, 3, 3, new int[] {1, 1, 1, 0}, zeros(4, 6)));
        assertThrows(IllegalArgumentException.class,
                () -> k.meanPool(zeros(4, 6), new int[] {1, 1, 1}, 2, 2, zeros(2, 6)));
    }

    @Property(tries = 8)
    void emptyAndDegenerateShapesWork(@ForAll VectorWidth width) {
        Kernels k = TestData.kernels(width);
        // K = 0: the empty sum is zero, so out is the bias.
        Tensor out = uniform(1, -1, 1, 3, 2);
        k.matmulTransposed(zeros(3, 0), zeros(2, 0), Tensor.of(ARENA, new float[] {7, -7}, 2), out);
        assertArrayEquals(new float[] {7, -7, 7, -7, 7, -7}, out.toFloatArray());
        k.matmulTransposed(zeros(0, 5), zeros(2, 5), null, zeros(0, 2));
        k.attention(zeros(0, 4), zeros(0, 4), zeros(0, 4), 0, 3, 1, 4, new int[0], zeros(0, 4));
        k.embeddingGather(zeros(3, 2), new int[0], zeros(0, 2));
    }

    /** Every output element is computed the same way whatever chunk or thread it falls in. */
    @Property(tries = 40)
    void matmulAndAttentionAreBitIdenticalForOneTwoAndThreeThreads(@ForAll VectorWidth width,
                                                                   @ForAll @IntRange(min = 1, max = 45) int m,
                                                                   @ForAll @IntRange(min = 1, max = 130) int n,
                                                                   @ForAll @IntRange(min = 1, max = 70) int kDim,
                                                                   @ForAll @IntRange(min = 1, max = 13) int seqLen,
                                                                   @ForAll long seed) {
        Tensor x = uniform(seed, -1, 1, m, kDim);
        Tensor w = uniform(seed + 1, -1, 1, n, kDim);
        Tensor bias = uniform(seed + 2, -1, 1, n);
        int batch = 3;
        int heads = 2;
        int headDim = 1 + (int) Math.floorMod(seed, 20);
        long rows = (long) batch * seqLen;
        Tensor q = uniform(seed + 3, -2, 2, rows, (long) heads * headDim);
        Tensor kk = uniform(seed + 4, -2, 2, rows, (long) heads * headDim);
        Tensor v = uniform(seed + 5, -2, 2, rows, (long) heads * headDim);
        int[] mask = TestData.mask(seed + 6, batch, seqLen, true);
        float[] gemmRef = null;
        float[] attRef = null;
        for (WorkerPool pool : POOLS) {
            Kernels k = Kernels.create(width, pool);
            Tensor out = zeros(m, n);
            k.matmulTransposed(x, w, bias, out);
            Tensor att = zeros(rows, (long) heads * headDim);
            k.attention(q, kk, v, batch, seqLen, heads, headDim, mask, att);
            if (gemmRef == null) {
                gemmRef = out.toFloatArray();
                attRef = att.toFloatArray();
            } else {
                assertArrayEquals(gemmRef, out.toFloatArray(), pool.threads() + " threads, GEMM");
                assertArrayEquals(attRef, att.toFloatArray(), pool.threads() + " threads, attention");
            }
        }
    }

    private static final WorkerPool[] POOLS = {WorkerPool.create(1), WorkerPool.create(2), WorkerPool.create(3)};
}
