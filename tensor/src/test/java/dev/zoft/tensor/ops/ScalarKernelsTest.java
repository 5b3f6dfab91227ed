package dev.zoft.tensor.ops;

import static dev.zoft.tensor.ops.TestData.ARENA;
import static dev.zoft.tensor.ops.TestData.SCALAR;
import static dev.zoft.tensor.ops.TestData.uniform;
import static dev.zoft.tensor.ops.TestData.zeros;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.Tensor;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/** The scalar twins checked independently: hand-computed values, double-precision references, invariants. */
class ScalarKernelsTest {

    /** erf reference values (Abramowitz &amp; Stegun table 7.1 / any CAS), to 16 digits. */
    @Example
    void erfMatchesKnownValues() {
        double[][] known = {
            {0.0, 0.0}, {0.1, 0.1124629160182849}, {0.5, 0.5204998778130465}, {1.0, 0.8427007929497149},
            {1.5, 0.9661051464753108}, {2.0, 0.9953222650189527}, {3.0, 0.9999779095030014},
            {-0.5, -0.5204998778130465}, {-2.0, -0.9953222650189527}, {6.0, 1.0},
        };
        for (double[] kv : known) {
            assertEquals(kv[1], Erf.erf(kv[0]), 1.2e-7, "erf(" + kv[0] + ")");
            assertEquals(1 - kv[1], Erf.erfc(kv[0]), 1.2e-7, "erfc(" + kv[0] + ")");
        }
        // erfc keeps relative accuracy in the tail: erfc(4) = 1.541725790028002e-8.
        assertEquals(1.541725790028002e-8, Erf.erfc(4.0), 1.541725790028002e-8 * 1.2e-7);
    }

    /** Odd symmetry and agreement with a series expansion of erf, far from the table points. */
    @Property(tries = 200)
    void erfAgreesWithItsTaylorSeries(@ForAll @DoubleRange(min = -2, max = 2) double x) {
        // erf(x) = 2/√π Σ (−1)^n x^(2n+1) / (n! (2n+1)), converges quickly for |x| ≤ 2.
        double term = x;
        double sum = x;
        for (int n = 1; n < 60; n++) {
            term *= -x * x / n;
            sum += term / (2 * n + 1);
        }
        double series = 2 / Math.sqrt(Math.PI) * sum;
        assertEquals(series, Erf.erf(x), 1.2e-7);
        if (x != 0) { // erf(±0) is the fit's 3e-8, whatever the sign
            assertEquals(-Erf.erf(x), Erf.erf(-x), 1e-15);
        }
    }

    @Example
    void geluMatchesKnownValues() {
        // GELU(x) = x·Φ(x); Φ(1) = 0.8413447460685429, Φ(−1) = 0.15865525393145707, Φ(3) = 0.9986501019683699.
        float[] xs = {0f, 1f, -1f, 3f, -3f, -10f, Float.NaN};
        double[] expected = {0, 0.8413447460685429, -0.15865525393145707, 3 * 0.9986501019683699,
            -3 * (1 - 0.9986501019683699), -10 * 7.619853024160527e-24, Double.NaN};
        Tensor t = Tensor.of(ARENA, xs, xs.length);
        SCALAR.gelu(t);
        for (int i = 0; i < xs.length; i++) {
            if (Double.isNaN(expected[i])) {
                assertTrue(Float.isNaN(t.getFloat(i)));
            } else {
                assertEquals(expected[i], t.getFloat(i), Math.abs(expected[i]) * 3e-7 + 1e-30, "gelu(" + xs[i] + ")");
            }
        }
    }

    @Example
    void matmulOfASmallHandComputedExample() {
        Tensor x = Tensor.of(ARENA, new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor w = Tensor.of(ARENA, new float[] {1, 0, -1, 0.5f, 0.5f, 0.5f}, 2, 3);
        Tensor bias = Tensor.of(ARENA, new float[] {10, -1}, 2);
        Tensor out = zeros(2, 2);
        SCALAR.matmulTransposed(x, w, bias, out);
        assertArrayEquals(new float[] {1 - 3 + 10, 3 - 1, 4 - 6 + 10, 7.5f - 1}, out.toFloatArray());
        SCALAR.matmulTransposed(x, w, null, out);
        assertArrayEquals(new float[] {-2, 3, -2, 7.5f}, out.toFloatArray());
    }

    @Property(tries = 50)
    void matmulAgreesWithDoublePrecision(@ForAll @IntRange(min = 1, max = 9) int m, @ForAll @IntRange(min = 1, max = 9) int n,
                                         @ForAll @IntRange(min = 1, max = 300) int k, @ForAll long seed) {
        Tensor x = uniform(seed, -1, 1, m, k);
        Tensor w = uniform(seed + 1, -1, 1, n, k);
        Tensor out = zeros(m, n);
        SCALAR.matmulTransposed(x, w, null, out);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double dot = 0;
                double magnitude = 0;
                for (int l = 0; l < k; l++) {
                    double p = (double) x.getFloat((long) i * k + l) * w.getFloat((long) j * k + l);
                    dot += p;
                    magnitude += Math.abs(p);
                }
                assertEquals(dot, out.getFloat((long) i * n + j), 1e-5 * magnitude + 1e-30);
            }
        }
    }

    @Property(tries = 50)
    void softmaxRowsArePositiveSumToOneAndMatchDouble(@ForAll @IntRange(min = 1, max = 200) int cols, @ForAll long seed) {
        Tensor x = uniform(seed, -30, 30, 3, cols);
        float[] in = x.toFloatArray();
        SCALAR.softmaxRows(x);
        for (int r = 0; r < 3; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < cols; i++) {
                max = Math.max(max, in[r * cols + i]);
            }
            double z = 0;
            for (int i = 0; i < cols; i++) {
                z += Math.exp(in[r * cols + i] - max);
            }
            double sum = 0;
            for (int i = 0; i < cols; i++) {
                float p = x.getFloat((long) r * cols + i);
                assertTrue(p >= 0 && p <= 1, "probability " + p);
                assertEquals(Math.exp(in[r * cols + i] - max) / z, p, 1e-6 * p + 1e-12);
                sum += p;
            }
            assertEquals(1.0, sum, 1e-5);
        }
    }

    @Example
    void softmaxIsStableForHugeLogits() {
        Tensor x = Tensor.of(ARENA, new float[] {1e30f, 1e30f, -1e30f}, 1, 3);
        SCALAR.softmaxRows(x);
        assertArrayEquals(new float[] {0.5f, 0.5f, 0f}, x.toFloatArray());
    }

    @Property(tries = 50)
    void layerNormGivesZeroMeanUnitVariance(@ForAll @IntRange(min = 2, max = 400) int h,
                                            @ForAll @DoubleRange(min = -100, max = 100) double offset, @ForAll long seed) {
        Tensor x = uniform(seed, (float) offset - 5, (float) offset + 5, 4, h);
        Tensor ones = Tensor.of(ARENA, filled(h, 1f), h);
        Tensor out = zeros(4, h);
        SCALAR.layerNorm(x, ones, zeros(h), 0f, out);
        for (int r = 0; r < 4; r++) {
            double mean = 0;
            double sq = 0;
            for (int i = 0; i < h; i++) {
                mean += out.getFloat((long) r * h + i);
            }
            mean /= h;
            for (int i = 0; i < h; i++) {
                double d = out.getFloat((long) r * h + i) - mean;
                sq += d * d;
            }
            assertEquals(0, mean, 1e-4 * (1 + Math.abs(offset)));
            assertEquals(1, sq / h, 1e-4);
        }
    }

    @Example
    void layerNormAppliesGammaBetaAndEps() {
        // Row (1, 3): mean 2, variance 1; with eps 3 the scale is 1/√4 = 0.5.
        Tensor x = Tensor.of(ARENA, new float[] {1, 3}, 1, 2);
        Tensor gamma = Tensor.of(ARENA, new float[] {2, 4}, 2);
        Tensor beta = Tensor.of(ARENA, new float[] {1, -1}, 2);
        Tensor out = zeros(1, 2);
        SCALAR.layerNorm(x, gamma, beta, 3f, out);
        assertArrayEquals(new float[] {-0.5f * 2 + 1, 0.5f * 4 - 1}, out.toFloatArray());
    }

    @Property(tries = 30)
    void attentionWithOneUnmaskedKeyReturnsThatValueRow(@ForAll @IntRange(min = 1, max = 12) int seqLen,
                                                        @ForAll @IntRange(min = 1, max = 3) int heads,
                                                        @ForAll @IntRange(min = 1, max = 17) int headDim, @ForAll long seed) {
        int keep = (int) Math.floorMod(seed, seqLen);
        int[] mask = new int[2 * seqLen];
        mask[keep] = 1;
        mask[seqLen + (seqLen - 1 - keep)] = 1;
        long cols = (long) heads * headDim;
        Tensor q = uniform(seed, -3, 3, 2L * seqLen, cols);
        Tensor k = uniform(seed + 1, -3, 3, 2L * seqLen, cols);
        Tensor v = uniform(seed + 2, -1, 1, 2L * seqLen, cols);
        for (var kernels : new Kernels[] {SCALAR, TestData.kernels(dev.zoft.tensor.VectorWidth.W256)}) {
            Tensor out = zeros(2L * seqLen, cols);
            kernels.attention(q, k, v, 2, seqLen, heads, headDim, mask, out);
            for (int b = 0; b < 2; b++) {
                int kept = b == 0 ? keep : seqLen - 1 - keep;
                for (int t = 0; t < seqLen; t++) {
                    for (long c = 0; c < cols; c++) {
                        assertEquals(v.getFloat(((long) b * seqLen + kept) * cols + c),
                                out.getFloat(((long) b * seqLen + t) * cols + c), 0f, kernels.width() + " b=" + b + " t=" + t);
                    }
                }
            }
        }
    }

    @Example
    void attentionOfTwoKeysMatchesAHandComputedSoftmax() {
        // One head, headDim 1 (scale 1): q = 1, keys 0 and ln 3 → weights 1/4 and 3/4.
        float ln3 = (float) Math.log(3);
        Tensor q = Tensor.of(ARENA, new float[] {1, 1}, 2, 1);
        Tensor k = Tensor.of(ARENA, new float[] {0, ln3}, 2, 1);
        Tensor v = Tensor.of(ARENA, new float[] {4, 8}, 2, 1);
        Tensor out = zeros(2, 1);
        SCALAR.attention(q, k, v, 1, 2, 1, 1, new int[] {1, 1}, out);
        assertEquals(0.25 * 4 + 0.75 * 8, out.getFloat(0), 1e-5);
        assertEquals(out.getFloat(0), out.getFloat(1));
    }

    @Example
    void meanPoolAveragesOnlyUnmaskedTokens() {
        Tensor hidden = Tensor.of(ARENA, new float[] {1, 2, 3, 4, 100, 100, 5, 6, 7, 8, 9, 10}, 6, 2);
        Tensor out = zeros(2, 2);
        SCALAR.meanPool(hidden, new int[] {1, 1, 0, 0, 0, 0}, 2, 3, out);
        // Sequence 1 is all padding: max(1, 0) keeps it at zero instead of NaN.
        assertArrayEquals(new float[] {2, 3, 0, 0}, out.toFloatArray());
    }

    @Example
    void embeddingGatherCopiesTableRows() {
        Tensor table = Tensor.of(ARENA, new float[] {0, 1, 10, 11, 20, 21}, 3, 2);
        Tensor out = zeros(4, 2);
        SCALAR.embeddingGather(table, new int[] {2, 0, 2, 1}, out);
        assertArrayEquals(new float[] {20, 21, 0, 1, 20, 21, 10, 11}, out.toFloatArray());
    }

    static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
