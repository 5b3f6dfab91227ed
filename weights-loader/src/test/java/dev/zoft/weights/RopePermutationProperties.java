package dev.zoft.weights;

import dev.zoft.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.lang.foreign.Arena;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The row permutation between RoPE layouts: the two directions are inverse, and it is the right
 * one: rotating consecutive pairs of the permuted projection gives the permuted result of rotating
 * half-split pairs of the original, so attention scores are the same in both layouts.
 */
class RopePermutationProperties {

    @Property(tries = 100)
    void directionsAreInverse(@ForAll @IntRange(min = 1, max = 4) int heads, @ForAll @IntRange(min = 1, max = 4) int halfHead,
                              @ForAll @IntRange(min = 1, max = 5) int in, @ForAll boolean bias, @ForAll long seed) {
        try (Arena arena = Arena.ofConfined()) {
            Tensor w = random(arena, new Random(seed), bias ? new long[]{heads * 2L * halfHead} : new long[]{heads * 2L * halfHead, in});
            Tensor back = RopePermutation.toHalfSplit(RopePermutation.toInterleaved(w, heads, arena), heads, arena);
            assertArrayEquals(w.toFloatArray(), back.toFloatArray());
        }
    }

    @Property(tries = 100)
    void rotatingInEitherLayoutAgrees(@ForAll @IntRange(min = 1, max = 3) int heads, @ForAll @IntRange(min = 1, max = 4) int halfHead,
                                      @ForAll @IntRange(min = 1, max = 6) int in, @ForAll @IntRange(min = 0, max = 50) int pos,
                                      @ForAll long seed) {
        Random r = new Random(seed);
        int headDim = 2 * halfHead;
        try (Arena arena = Arena.ofConfined()) {
            Tensor wHalf = random(arena, r, heads * (long) headDim, in);
            Tensor wInter = RopePermutation.toInterleaved(wHalf, heads, arena);
            double[] x = new double[in];
            for (int i = 0; i < in; i++) {
                x[i] = r.nextGaussian();
            }
            double[] qHalf = matvec(wHalf, x);
            double[] qInter = matvec(wInter, x);
            for (int h = 0; h < heads; h++) {
                int base = h * headDim;
                for (int i = 0; i < halfHead; i++) {
                    double theta = pos * Math.pow(10000, -2.0 * i / headDim);
                    // half-split (Hugging Face rotate_half): pair (i, i + headDim/2)
                    double[] a = rotate(qHalf[base + i], qHalf[base + i + halfHead], theta);
                    // interleaved (Meta, llama2.c, llama.cpp llama): pair (2i, 2i + 1)
                    double[] b = rotate(qInter[base + 2 * i], qInter[base + 2 * i + 1], theta);
                    assertEquals(a[0], b[0], 1e-9);
                    assertEquals(a[1], b[1], 1e-9);
                }
            }
        }
    }

    private static double[] rotate(double x0, double x1, double theta) {
        return new double[]{x0 * Math.cos(theta) - x1 * Math.sin(theta), x0 * Math.sin(theta) + x1 * Math.cos(theta)};
    }

    private static double[] matvec(Tensor w, double[] x) {
        int rows = (int) w.dim(0);
        double[] y = new double[rows];
        for (int o = 0; o < rows; o++) {
            for (int i = 0; i < x.length; i++) {
                y[o] += w.getFloat((long) o * x.length + i) * x[i];
            }
        }
        return y;
    }

    private static Tensor random(Arena arena, Random r, long... shape) {
        Tensor t = Tensor.allocate(arena, dev.zoft.tensor.DType.F32, shape);
        for (long i = 0; i < t.numel(); i++) {
            t.setFloat(i, (float) r.nextGaussian());
        }
        return t;
    }
}
