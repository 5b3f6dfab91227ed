package dev.zoft.tensor.ops;

import static dev.zoft.tensor.ops.TestData.SCALAR;
import static dev.zoft.tensor.ops.TestData.copy;
import static dev.zoft.tensor.ops.TestData.kernels;
import static dev.zoft.tensor.ops.TestData.uniform;
import static dev.zoft.tensor.ops.TestData.zeros;
import static dev.zoft.tensor.ops.VectorVsScalarProperties.close;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.VectorWidth;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The decoder kernels (RMSNorm, RoPE, SwiGLU, tanh GELU, ReLU, causal GQA attention, streaming
 * log-sum-exp): the scalar twin against definitions written out in double here, and every vector
 * width against the scalar twin.
 */
class DecoderKernelsProperties {

    @Property(tries = 80)
    void rmsNormTwinIsTheDefinitionAndVectorsMatchIt(@ForAll VectorWidth width, @ForAll @IntRange(min = 1, max = 6) int rows,
                                                     @ForAll @IntRange(min = 1, max = 300) int h, @ForAll long seed) {
        Tensor x = uniform(seed, -4, 4, rows, h);
        Tensor gamma = uniform(seed + 1, 0.5f, 2, h);
        Tensor expected = zeros(rows, h);
        SCALAR.rmsNorm(x, gamma, 1e-6f, expected);
        for (int r = 0; r < rows; r++) {
            double sq = 0;
            for (int i = 0; i < h; i++) {
                sq += (double) x.getFloat((long) r * h + i) * x.getFloat((long) r * h + i);
            }
            double inv = 1 / Math.sqrt(sq / h + 1e-6);
            for (int i = 0; i < h; i++) {
                double want = x.getFloat((long) r * h + i) * inv * gamma.getFloat(i);
                close("rmsNorm definition", (float) want, expected.getFloat((long) r * h + i), 1e-5 * (1 + Math.abs(want)));
            }
        }
        Tensor inPlace = copy(x);
        kernels(width).rmsNorm(inPlace, gamma, 1e-6f, inPlace);
        for (long i = 0; i < x.numel(); i++) {
            close("rmsNorm[" + i + "]", expected.getFloat(i), inPlace.getFloat(i), 1e-5 * (1 + Math.abs(expected.getFloat(i))));
        }
    }

    @Property(tries = 60)
    void ropeRotatesEachPairByItsAngleAndKeepsNorms(@ForAll VectorWidth width, @ForAll boolean interleaved,
                                                     @ForAll @IntRange(min = 1, max = 9) int rows,
                                                     @ForAll @IntRange(min = 1, max = 3) int heads,
                                                     @ForAll @IntRange(min = 1, max = 12) int halfDim, @ForAll long seed) {
        int headDim = 2 * halfDim;
        int maxPos = 20;
        Tensor x = uniform(seed, -2, 2, rows, (long) heads * headDim);
        float[] cos = new float[maxPos * halfDim];
        float[] sin = new float[maxPos * halfDim];
        for (int p = 0; p < maxPos; p++) {
            for (int i = 0; i < halfDim; i++) {
                double angle = p * Math.pow(10000, -2.0 * i / headDim);
                cos[p * halfDim + i] = (float) Math.cos(angle);
                sin[p * halfDim + i] = (float) Math.sin(angle);
            }
        }
        Tensor cosT = Tensor.of(TestData.ARENA, cos, maxPos, halfDim);
        Tensor sinT = Tensor.of(TestData.ARENA, sin, maxPos, halfDim);
        int[] positions = new SplittableRandom(seed).ints(rows, 0, maxPos).toArray();
        Tensor e = copy(x);
        Tensor a = copy(x);
        SCALAR.rope(e, heads, headDim, positions, cosT, sinT, interleaved);
        kernels(width).rope(a, heads, headDim, positions, cosT, sinT, interleaved);
        assertArrayEquals(e.toFloatArray(), a.toFloatArray(), "rope is the same loop at every width");
        for (int r = 0; r < rows; r++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < halfDim; i++) {
                    long base = (long) r * heads * headDim + (long) h * headDim;
                    long ia = interleaved ? base + 2L * i : base + i;
                    long ib = interleaved ? base + 2L * i + 1 : base + halfDim + i;
                    double angle = positions[r] * Math.pow(10000, -2.0 * i / headDim);
                    double xa = x.getFloat(ia);
                    double xb = x.getFloat(ib);
                    close("rope a", (float) (xa * Math.cos(angle) - xb * Math.sin(angle)), e.getFloat(ia), 2e-6);
                    close("rope b", (float) (xb * Math.cos(angle) + xa * Math.sin(angle)), e.getFloat(ib), 2e-6);
                }
            }
        }
    }

    @Property(tries = 80)
    void siluMulMatchesDefinitionAndTwin(@ForAll VectorWidth width, @ForAll @IntRange(min = 1, max = 5) int rows,
                                         @ForAll @IntRange(min = 1, max = 77) int cols,
                                         @ForAll @FloatRange(min = 1, max = 120) float spread, @ForAll long seed) {
        Tensor g = uniform(seed, -spread, spread, rows, cols);
        Tensor u = uniform(seed + 1, -3, 3, rows, cols);
        Tensor e = copy(g);
        Tensor a = copy(g);
        SCALAR.siluMul(e, u);
        kernels(width).siluMul(a, u);
        for (long i = 0; i < g.numel(); i++) {
            double gv = g.getFloat(i);
            double want = gv / (1 + Math.exp(-gv)) * u.getFloat(i);
            close("silu·up definition", (float) want, e.getFloat(i), 1e-6 * Math.abs(want) + 1e-30);
            close("silu·up(" + gv + ")", e.getFloat(i), a.getFloat(i), 1e-5 * Math.abs(e.getFloat(i)) + 1e-30);
        }
    }

    @Property(tries = 80)
    void geluTanhMatchesDefinitionAndTwin(@ForAll VectorWidth width, @ForAll @IntRange(min = 1, max = 5) int rows,
                                          @ForAll @IntRange(min = 1, max = 77) int cols,
                                          @ForAll @FloatRange(min = 0.5f, max = 30) float spread, @ForAll long seed) {
        Tensor x = uniform(seed, -spread, spread, rows, cols);
        Tensor e = copy(x);
        Tensor a = copy(x);
        SCALAR.geluTanh(e);
        kernels(width).geluTanh(a);
        for (long i = 0; i < x.numel(); i++) {
            double xv = x.getFloat(i);
            double want = 0.5 * xv * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (xv + 0.044715 * xv * xv * xv)));
            // 1 + tanh(u) cancels for very negative x: the written-out form is only good to ~1e-16·|x| there.
            close("geluTanh definition(" + xv + ")", (float) want, e.getFloat(i), 1e-6 * Math.abs(want) + 1e-15 * Math.abs(xv));
            close("geluTanh(" + xv + ")", e.getFloat(i), a.getFloat(i), 1e-5 * Math.abs(e.getFloat(i)) + 1e-30);
        }
    }

    @Property(tries = 40)
    void reluIsExactEverywhere(@ForAll VectorWidth width, @ForAll @IntRange(min = 1, max = 5) int rows,
                               @ForAll @IntRange(min = 1, max = 77) int cols, @ForAll long seed) {
        Tensor x = uniform(seed, -3, 3, rows, cols);
        Tensor a = copy(x);
        kernels(width).relu(a);
        for (long i = 0; i < x.numel(); i++) {
            assertEquals(Math.max(0f, x.getFloat(i)), a.getFloat(i));
        }
    }

    @Property(tries = 80)
    void causalAttentionMatchesTwin(@ForAll VectorWidth width, @ForAll @IntRange(min = 1, max = 3) int batch,
                                    @ForAll @IntRange(min = 1, max = 21) int seqLen,
                                    @ForAll @IntRange(min = 1, max = 3) int kvHeads,
                                    @ForAll @IntRange(min = 1, max = 3) int group,
                                    @ForAll @IntRange(min = 1, max = 19) int headDim,
                                    @ForAll boolean leftPadded, @ForAll long seed) {
        int heads = kvHeads * group;
        long rows = (long) batch * seqLen;
        Tensor q = uniform(seed, -2, 2, rows, (long) heads * headDim);
        Tensor k = uniform(seed + 1, -2, 2, rows, (long) kvHeads * headDim);
        Tensor v = uniform(seed + 2, -1, 1, rows, (long) kvHeads * headDim);
        int[] mask = paddedMask(seed + 3, batch, seqLen, leftPadded);
        Tensor e = zeros(rows, (long) heads * headDim);
        Tensor a = zeros(rows, (long) heads * headDim);
        SCALAR.causalAttention(q, k, v, batch, seqLen, heads, kvHeads, headDim, mask, e);
        kernels(width).causalAttention(q, k, v, batch, seqLen, heads, kvHeads, headDim, mask, a);
        for (long i = 0; i < e.numel(); i++) {
            close("causalAttention[" + i + "]", e.getFloat(i), a.getFloat(i), 2e-5);
        }
    }

    /**
     * The causal twin against the encoder's (non-causal) attention kernel: with kvHeads = heads,
     * query t of a sequence equals full attention over the sequence's first t + 1 tokens.
     */
    @Property(tries = 40)
    void causalTwinIsFullAttentionOverThePrefix(@ForAll @IntRange(min = 1, max = 12) int seqLen,
                                                @ForAll @IntRange(min = 1, max = 3) int heads,
                                                @ForAll @IntRange(min = 1, max = 9) int headDim, @ForAll long seed) {
        long cols = (long) heads * headDim;
        Tensor q = uniform(seed, -2, 2, seqLen, cols);
        Tensor k = uniform(seed + 1, -2, 2, seqLen, cols);
        Tensor v = uniform(seed + 2, -1, 1, seqLen, cols);
        int[] ones = new int[seqLen];
        Arrays.fill(ones, 1);
        Tensor causal = zeros(seqLen, cols);
        SCALAR.causalAttention(q, k, v, 1, seqLen, heads, heads, headDim, ones, causal);
        for (int t = 0; t < seqLen; t++) {
            int[] prefix = new int[seqLen];
            Arrays.fill(prefix, 0, t + 1, 1);
            Tensor full = zeros(seqLen, cols);
            SCALAR.attention(q, k, v, 1, seqLen, heads, headDim, prefix, full);
            for (long c = 0; c < cols; c++) {
                close("row " + t, full.getFloat(t * cols + c), causal.getFloat(t * cols + c), 1e-6);
            }
        }
    }

    @Test
    void leftPaddedQueriesGetZeroRowsAtEveryWidth() {
        int seqLen = 6;
        Tensor q = uniform(1, -2, 2, seqLen, 8);
        Tensor k = uniform(2, -2, 2, seqLen, 4);
        Tensor v = uniform(3, -1, 1, seqLen, 4);
        int[] mask = {0, 0, 1, 1, 1, 1};
        for (VectorWidth w : VectorWidth.values()) {
            Tensor out = uniform(4, 5, 6, seqLen, 8); // garbage that must be overwritten
            kernels(w).causalAttention(q, k, v, 1, seqLen, 2, 1, 4, mask, out);
            for (int i = 0; i < 16; i++) {
                assertEquals(0f, out.getFloat(i), w + ": padded query rows are zero");
            }
            for (int i = 16; i < 48; i++) {
                assertEquals(false, Float.isNaN(out.getFloat(i)), w + ": real rows are finite");
            }
        }
    }

    @Property(tries = 60)
    void streamingLogSumExpEqualsTheWholeRow(@ForAll VectorWidth width, @ForAll @IntRange(min = 1, max = 5) int rows,
                                             @ForAll @IntRange(min = 1, max = 300) int cols,
                                             @ForAll @IntRange(min = 1, max = 64) int chunk,
                                             @ForAll @FloatRange(min = 0.1f, max = 60) float spread, @ForAll long seed) {
        Tensor x = uniform(seed, -spread, spread, rows, cols);
        float[] max = new float[rows];
        double[] sum = new double[rows];
        float[] smax = new float[rows];
        double[] ssum = new double[rows];
        Arrays.fill(max, Float.NEGATIVE_INFINITY);
        Arrays.fill(smax, Float.NEGATIVE_INFINITY);
        for (int c0 = 0; c0 < cols; c0 += chunk) {
            int c1 = Math.min(cols, c0 + chunk);
            Tensor part = zeros(rows, c1 - c0);
            for (int r = 0; r < rows; r++) {
                for (int c = c0; c < c1; c++) {
                    part.setFloat((long) r * (c1 - c0) + c - c0, x.getFloat((long) r * cols + c));
                }
            }
            kernels(width).accumulateLogSumExp(part, max, sum);
            SCALAR.accumulateLogSumExp(part, smax, ssum);
        }
        for (int r = 0; r < rows; r++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) {
                m = Math.max(m, x.getFloat((long) r * cols + c));
            }
            double s = 0;
            for (int c = 0; c < cols; c++) {
                s += Math.exp(x.getFloat((long) r * cols + c) - m);
            }
            double want = m + Math.log(s);
            double tol = 1e-5 * (1 + Math.abs(want));
            close("scalar lse row " + r, (float) want, (float) (smax[r] + Math.log(ssum[r])), tol);
            close("vector lse row " + r, (float) want, (float) (max[r] + Math.log(sum[r])), tol);
        }
    }

    @Test
    void badArgumentsAreRejectedByBothTwins() {
        for (Kernels k : new Kernels[] {SCALAR, kernels(VectorWidth.W256)}) {
            Tensor q = zeros(4, 6);
            Tensor kv = zeros(4, 4);
            assertThrows(IllegalArgumentException.class, () -> k.causalAttention(q, kv, kv, 1, 4, 3, 2, 2, new int[4], zeros(4, 6)),
                    "heads not a multiple of kvHeads");
            assertThrows(IllegalArgumentException.class, () -> k.causalAttention(q, kv, kv, 1, 4, 3, 1, 2, new int[4], zeros(4, 6)),
                    "k of the wrong width");
            assertThrows(IndexOutOfBoundsException.class, () -> k.rope(q, 1, 6, new int[] {0, 1, 2, 9}, zeros(5, 3), zeros(5, 3),
                    false), "position outside the table");
            assertThrows(IllegalArgumentException.class, () -> k.rope(q, 2, 3, new int[4], zeros(5, 1), zeros(5, 1),
                    true), "odd head width");
            assertThrows(IllegalArgumentException.class, () -> k.rmsNorm(q, zeros(5), 1e-6f, q), "gamma of the wrong size");
            assertThrows(IllegalArgumentException.class, () -> k.siluMul(q, zeros(4, 5)), "shapes differ");
            assertThrows(IllegalArgumentException.class, () -> k.accumulateLogSumExp(q, new float[3], new double[4]),
                    "max of the wrong length");
        }
    }

    /** Every sequence has at least one real token, padded on the left or on the right. */
    static int[] paddedMask(long seed, int batch, int seqLen, boolean left) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] m = new int[batch * seqLen];
        for (int b = 0; b < batch; b++) {
            int real = r.nextInt(1, seqLen + 1);
            for (int t = 0; t < real; t++) {
                m[b * seqLen + (left ? seqLen - 1 - t : t)] = 1;
            }
        }
        return m;
    }
}
