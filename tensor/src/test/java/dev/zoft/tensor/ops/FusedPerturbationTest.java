package dev.zoft.tensor.ops;

import static dev.zoft.tensor.ops.TestData.kernels;
import static dev.zoft.tensor.ops.TestData.uniform;
import static dev.zoft.tensor.ops.TestData.zeros;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.random.Distribution;
import dev.zoft.tensor.random.PerturbationGenerator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The fused GEMM over {@code w + c·z} gives bit for bit what perturbing w (and bias) in place and
 * multiplying gives, at every width, and never writes w: it runs on a read-only segment.
 */
@Tag("mixed-widths")
@net.jqwik.api.Tag("mixed-widths")
class FusedPerturbationTest {

    @Property(tries = 60)
    void fusedEqualsInPlaceBitForBit(@ForAll VectorWidth width, @ForAll Distribution distribution,
                                     @ForAll @IntRange(min = 1, max = 30) int m,
                                     @ForAll @IntRange(min = 1, max = 70) int n,
                                     @ForAll @IntRange(min = 1, max = 900) int k,
                                     @ForAll boolean withBias, @ForAll long seed,
                                     @ForAll @LongRange(min = 0, max = 1L << 40) long weightIndex,
                                     @ForAll @LongRange(min = 0, max = 1L << 40) long biasIndex) {
        float c = 1e-3f * (1 + (seed & 7));
        FusedPerturbation p = new FusedPerturbation(distribution, seed, c, weightIndex, biasIndex);
        Tensor x = uniform(seed, -1, 1, m, k);
        Tensor w = uniform(seed + 1, -1, 1, n, k);
        Tensor bias = withBias ? uniform(seed + 2, -1, 1, n) : null;
        float[] wBefore = w.toFloatArray();

        Tensor fused = zeros(m, n);
        Tensor readOnlyW = Tensor.wrap(w.segment().asReadOnly(), DType.F32, n, k);
        Tensor readOnlyBias = bias == null ? null : Tensor.wrap(bias.segment().asReadOnly(), DType.F32, n);
        kernels(width).matmulTransposedPerturbed(x, readOnlyW, readOnlyBias, fused, p);

        PerturbationGenerator generator = PerturbationGenerator.of(width);
        generator.axpy(distribution, seed, weightIndex, c, w.segment(), w.numel());
        if (bias != null) {
            generator.axpy(distribution, seed, biasIndex, c, bias.segment(), bias.numel());
        }
        Tensor inPlace = zeros(m, n);
        kernels(width).matmulTransposed(x, w, bias, inPlace);

        assertArrayEquals(inPlace.toFloatArray(), fused.toFloatArray(), width + " " + distribution);
        generator.axpy(distribution, seed, weightIndex, -c, w.segment(), w.numel());
        assertArrayEquals(wBefore, w.toFloatArray(), 1e-5f, "the in-place twin restores (to rounding)");
    }

    @Test
    void rejectsIndicesThatOverflow() {
        FusedPerturbation p = new FusedPerturbation(Distribution.GAUSSIAN, 1, 0.1f, Long.MAX_VALUE - 3, 0);
        for (VectorWidth width : VectorWidth.values()) {
            assertThrows(IllegalArgumentException.class,
                    () -> kernels(width).matmulTransposedPerturbed(zeros(2, 3), zeros(4, 3), null, zeros(2, 4), p));
        }
        assertThrows(IllegalArgumentException.class, () -> new FusedPerturbation(Distribution.GAUSSIAN, 1, Float.NaN, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new FusedPerturbation(Distribution.RADEMACHER, 1, 1f, -1, 0));
    }
}
