package dev.zoft.tensor.ops;

import static dev.zoft.tensor.ops.TestData.SCALAR;
import static dev.zoft.tensor.ops.TestData.copy;
import static dev.zoft.tensor.ops.TestData.kernels;
import static dev.zoft.tensor.ops.TestData.uniform;
import static dev.zoft.tensor.ops.TestData.zeros;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.VectorWidth;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;

/** Every kernel at every width against the scalar twin, on random shapes including 1, primes and ragged tails. */
class VectorVsScalarProperties {

    @Property(tries = 150)
    void matmulMatchesScalarTwin(@ForAll VectorWidth width,
                                 @ForAll @IntRange(min = 1, max = 37) int m,
                                 @ForAll @IntRange(min = 1, max = 101) int n,
                                 @ForAll @IntRange(min = 1, max = 300) int k,
                                 @ForAll boolean withBias, @ForAll long seed) {
        Tensor x = uniform(seed, -1, 1, m, k);
        Tensor w = uniform(seed + 1, -1, 1, n, k);
        Tensor bias = withBias ? uniform(seed + 2, -1, 1, n) : null;
        Tensor expected = zeros(m, n);
        Tensor actual = zeros(m, n);
        SCALAR.matmulTransposed(x, w, bias, expected);
        kernels(width).matmulTransposed(x, w, bias, actual);
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                // Rounding error of a K-term float sum scales with Σ|x·w|, not with the (possibly cancelled) result.
                double magnitude = withBias ? Math.abs(bias.getFloat(j)) : 0;
                for (int l = 0; l < k; l++) {
                    magnitude += Math.abs(x.getFloat((long) i * k + l) * w.getFloat((long) j * k + l));
                }
                close("out[" + i + "," + j + "]", e[i * n + j], a[i * n + j], 1e-5 * magnitude + 1e-30);
            }
        }
    }

    @Property(tries = 100)
    void addInPlaceMatchesScalarTwin(@ForAll VectorWidth width, @ForAll @IntRange(min = 1, max = 9) int rows,
                                     @ForAll @IntRange(min = 1, max = 131) int cols, @ForAll long seed) {
        Tensor a1 = uniform(seed, -10, 10, rows, cols);
        Tensor a2 = copy(a1);
        Tensor b = uniform(seed + 1, -10, 10, rows, cols);
        SCALAR.addInPlace(a1, b);
        kernels(width).addInPlace(a2, b);
        assertArrayEquals(a1.toFloatArray(), a2.toFloatArray(), "one float addition per element is exact to compare");
    }

    @Property(tries = 100)
    void layerNormMatchesScalarTwin(@ForAll VectorWidth width, @ForAll @IntRange(min = 1, max = 9) int rows,
                                    @ForAll @IntRange(min = 1, max = 400) int h,
                                    @ForAll @FloatRange(min = -50, max = 50) float offset, @ForAll long seed) {
        Tensor x = uniform(seed, offset - 3, offset + 3, rows, h);
        Tensor gamma = uniform(seed + 1, 0.5f, 2, h);
        Tensor beta = uniform(seed + 2, -1, 1, h);
        Tensor expected = zeros(rows, h);
        SCALAR.layerNorm(x, gamma, beta, 1e-12f, expected);
        Tensor inPlace = copy(x);
        kernels(width).layerNorm(inPlace, gamma, beta, 1e-12f, inPlace);
        float[] e = expected.toFloatArray();
        float[] a = inPlace.toFloatArray();
        // Different summation orders move the mean by ~|offset|·1e-7, i.e. the normalised value by that over σ≈1.7.
        double tol = 2e-5 * (1 + Math.abs(offset));
        for (int i = 0; i < e.length; i++) {
            close("layerNorm[" + i + "]", e[i], a[i], tol * (1 + Math.abs(e[i])));
        }
    }

    @Property(tries = 100)
    void geluMatchesScalarTwin(@ForAll VectorWidth width, @ForAll @IntRange(min = 1, max = 5) int rows,
                               @ForAll @IntRange(min = 1, max = 77) int cols, @ForAll long seed) {
        Tensor x = uniform(seed, -12, 12, rows, cols);
        Tensor e = copy(x);
        Tensor a = copy(x);
        SCALAR.gelu(e);
        kernels(width).gelu(a);
        for (long i = 0; i < x.numel(); i++) {
            float ev = e.getFloat(i);
            close("gelu(" + x.getFloat(i) + ")", ev, a.getFloat(i), 1e-5 * Math.abs(ev) + 1e-7);
        }
    }

    @Property(tries = 100)
    void softmaxMatchesScalarTwin(@ForAll VectorWidth width, @ForAll @IntRange(min = 1, max = 7) int rows,
                                  @ForAll @IntRange(min = 1, max = 200) int cols,
                                  @ForAll @FloatRange(min = 0.1f, max = 40) float spread, @ForAll long seed) {
        Tensor x = uniform(seed, -spread, spread, rows, cols);
        Tensor e = copy(x);
        Tensor a = copy(x);
        SCALAR.softmaxRows(e);
        kernels(width).softmaxRows(a);
        for (long i = 0; i < x.numel(); i++) {
            float ev = e.getFloat(i);
            close("softmax[" + i + "]", ev, a.getFloat(i), 1e-5 * ev + 1e-9);
        }
    }

    @Property(tries = 80)
    void attentionMatchesScalarTwin(@ForAll VectorWidth width, @ForAll @IntRange(min = 1, max = 3) int batch,
                                    @ForAll @IntRange(min = 1, max = 23) int seqLen,
                                    @ForAll @IntRange(min = 1, max = 3) int heads,
                                    @ForAll @IntRange(min = 1, max = 37) int headDim,
                                    @ForAll boolean allowEmptySequences, @ForAll long seed) {
        long rows = (long) batch * seqLen;
        long cols = (long) heads * headDim;
        Tensor q = uniform(seed, -2, 2, rows, cols);
        Tensor k = uniform(seed + 1, -2, 2, rows, cols);
        Tensor v = uniform(seed + 2, -1, 1, rows, cols);
        int[] mask = TestData.mask(seed + 3, batch, seqLen, allowEmptySequences);
        Tensor e = zeros(rows, cols);
        Tensor a = zeros(rows, cols);
        SCALAR.attention(q, k, v, batch, seqLen, heads, headDim, mask, e);
        kernels(width).attention(q, k, v, batch, seqLen, heads, headDim, mask, a);
        for (long i = 0; i < e.numel(); i++) {
            close("attention[" + i + "]", e.getFloat(i), a.getFloat(i), 2e-5);
        }
    }

    @Property(tries = 60)
    void embeddingGatherMatchesScalarTwin(@ForAll VectorWidth width, @ForAll @IntRange(min = 1, max = 50) int vocab,
                                          @ForAll @IntRange(min = 1, max = 70) int h,
                                          @ForAll @IntRange(min = 0, max = 40) int tokens, @ForAll long seed) {
        Tensor table = uniform(seed, -1, 1, vocab, h);
        int[] ids = new java.util.SplittableRandom(seed).ints(tokens, 0, vocab).toArray();
        Tensor e = zeros(tokens, h);
        Tensor a = zeros(tokens, h);
        SCALAR.embeddingGather(table, ids, e);
        kernels(width).embeddingGather(table, ids, a);
        assertArrayEquals(e.toFloatArray(), a.toFloatArray());
    }

    @Property(tries = 60)
    void meanPoolEqualsScalarTwinExactly(@ForAll VectorWidth width, @ForAll @IntRange(min = 1, max = 4) int batch,
                                         @ForAll @IntRange(min = 1, max = 20) int seqLen,
                                         @ForAll @IntRange(min = 1, max = 70) int h,
                                         @ForAll boolean allowEmptySequences, @ForAll long seed) {
        Tensor hidden = uniform(seed, -3, 3, (long) batch * seqLen, h);
        int[] mask = TestData.mask(seed + 1, batch, seqLen, allowEmptySequences);
        Tensor e = zeros(batch, h);
        Tensor a = zeros(batch, h);
        SCALAR.meanPool(hidden, mask, batch, seqLen, e);
        kernels(width).meanPool(hidden, mask, batch, seqLen, a);
        // Same additions in the same token order and the same division: bit-identical by construction.
        assertArrayEquals(e.toFloatArray(), a.toFloatArray());
    }

    static void close(String what, float expected, float actual, double tol) {
        if (!(Math.abs((double) expected - actual) <= tol)) {
            fail(what + ": scalar twin " + expected + ", vector " + actual + ", |diff| "
                    + Math.abs((double) expected - actual) + " > " + tol);
        }
    }
}
