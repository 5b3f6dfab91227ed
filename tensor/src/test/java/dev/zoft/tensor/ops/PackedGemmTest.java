package dev.zoft.tensor.ops;

import static dev.zoft.tensor.ops.TestData.kernels;
import static dev.zoft.tensor.ops.TestData.uniform;
import static dev.zoft.tensor.ops.TestData.zeros;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.VectorWidth;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The blocked GEMM computes every element as the fma chain over k in order from zero, then adds
 * the bias: bit for bit the same as that definition, across its K blocks ({@link PackedGemm#KC}),
 * row blocks ({@link PackedGemm#MC}), ragged tiles and weight groups ({@link PackedGemm#MAX_PACKED_W}).
 */
@Tag("mixed-widths")
@net.jqwik.api.Tag("mixed-widths")
class PackedGemmTest {

    @Property(tries = 40)
    void everyElementIsTheInOrderFmaChain(@ForAll("vector") VectorWidth width,
                                          @ForAll @IntRange(min = 1, max = 400) int m,
                                          @ForAll @IntRange(min = 1, max = 70) int n,
                                          @ForAll @IntRange(min = 1, max = 1700) int k,
                                          @ForAll boolean withBias, @ForAll long seed) {
        check(width, m, n, k, withBias, seed);
    }

    @net.jqwik.api.Provide("vector")
    net.jqwik.api.Arbitrary<VectorWidth> vector() {
        return net.jqwik.api.Arbitraries.of(VectorWidth.W128, VectorWidth.W256, VectorWidth.W512);
    }

    @Test
    void blocksAcrossEveryLoopBoundary() {
        for (VectorWidth width : new VectorWidth[] {VectorWidth.W128, VectorWidth.W256, VectorWidth.W512}) {
            // K spans two K blocks and a ragged third; M spans two row blocks and a ragged tile.
            check(width, 2 * PackedGemm.MC + 7, 3 * PackedGemm.NV * width.floatLanes() + 5, 2 * PackedGemm.KC + 3, true, 7);
        }
    }

    @Test
    void splitsVeryWideOutputsIntoWeightGroups() {
        // 4,096 × 32 × K floats per group at 512 bits: N = 1,100 needs several groups.
        check(VectorWidth.W512, 7, 1100, 4096, true, 11);
    }

    /** BF16 and F16 weights (and embedding tables) are read as their exact F32 values, at every width and in the twin. */
    @Test
    void halfPrecisionWeightsAreDecodedExactly() {
        int m = 13, n = 37, k = 300;
        for (dev.zoft.tensor.DType dtype : new dev.zoft.tensor.DType[] {dev.zoft.tensor.DType.BF16, dev.zoft.tensor.DType.F16}) {
            Tensor w = Tensor.allocate(TestData.ARENA, dtype, n, k);
            java.util.SplittableRandom r = new java.util.SplittableRandom(5);
            for (long i = 0; i < w.numel(); i++) {
                short bits = (short) r.nextInt(0x3000, 0x4000); // finite values in both formats
                w.segment().setAtIndex(Tensor.U16_LE, i, r.nextBoolean() ? bits : (short) (bits | 0x8000));
            }
            float[] decoded = w.toFloatArray();
            Tensor x = uniform(9, -1, 1, m, k);
            Tensor bias = uniform(10, -1, 1, n);
            float[] expected = fmaChain(x.toFloatArray(), decoded, bias.toFloatArray(), m, n, k);
            for (VectorWidth width : VectorWidth.values()) {
                Tensor out = zeros(m, n);
                kernels(width).matmulTransposed(x, w, bias, out);
                if (width == VectorWidth.SCALAR) {
                    Tensor ref = zeros(m, n);
                    kernels(width).matmulTransposed(x, Tensor.of(TestData.ARENA, decoded, n, k), bias, ref);
                    assertArrayEquals(ref.toFloatArray(), out.toFloatArray(), dtype + " twin");
                } else {
                    assertArrayEquals(expected, out.toFloatArray(), dtype + " " + width);
                }
                int[] ids = {3, 0, 36, 3};
                Tensor rows = zeros(ids.length, k);
                kernels(width).embeddingGather(w, ids, rows);
                for (int i = 0; i < ids.length; i++) {
                    assertArrayEquals(java.util.Arrays.copyOfRange(decoded, ids[i] * k, ids[i] * k + k),
                            java.util.Arrays.copyOfRange(rows.toFloatArray(), i * k, i * k + k), dtype + " gather " + width);
                }
            }
        }
    }

    private static void check(VectorWidth width, int m, int n, int k, boolean withBias, long seed) {
        Tensor x = uniform(seed, -1, 1, m, k);
        Tensor w = uniform(seed + 1, -1, 1, n, k);
        Tensor bias = withBias ? uniform(seed + 2, -1, 1, n) : null;
        Tensor out = zeros(m, n);
        kernels(width).matmulTransposed(x, w, bias, out);
        assertArrayEquals(fmaChain(x.toFloatArray(), w.toFloatArray(), bias == null ? null : bias.toFloatArray(), m, n, k),
                out.toFloatArray(), width + " " + m + "x" + n + "x" + k);
    }

    private static float[] fmaChain(float[] x, float[] w, float[] bias, int m, int n, int k) {
        float[] out = new float[m * n];
        for (int r = 0; r < m; r++) {
            for (int j = 0; j < n; j++) {
                float acc = 0f;
                for (int i = 0; i < k; i++) {
                    acc = Math.fma(x[r * k + i], w[j * k + i], acc);
                }
                out[r * n + j] = bias == null ? acc : acc + bias[j];
            }
        }
        return out;
    }
}
