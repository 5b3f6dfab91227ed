package dev.zoft.tensor.random;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.zoft.tensor.VectorWidth;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The vector kernels work in passes of a few hundred Philox blocks (a scratch chunk), two vectors
 * of blocks at a time, with a one-vector tail and a scalar remainder. Ranges long enough to span
 * several chunks, starting and ending anywhere, must still give the scalar definition bit for bit,
 * for fill and for axpy. Only the configured width and the scalar twin run here (one vector width
 * per JVM), so this class needs no "mixed-widths" tag.
 */
class LongRangeProperties {

    private static final PerturbationGenerator SCALAR = PerturbationGenerator.of(VectorWidth.SCALAR);
    private static final PerturbationGenerator VECTOR = PerturbationGenerator.configured();

    /** Up to ~6 Rademacher chunks (256 blocks × 128 values) or ~190 Gaussian chunks. */
    @Provide
    Arbitrary<Integer> counts() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(0, 5_000),
                Arbitraries.integers().between(30_000, 200_000));
    }

    @Provide
    Arbitrary<Long> firstIndices() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(0, 300_000),
                Arbitraries.longs().between((1L << 39) - 100_000, (1L << 39) + 100),
                Arbitraries.longs().between(0, Long.MAX_VALUE - 300_000));
    }

    @Property(tries = 60)
    void longFillsEqualTheScalarDefinition(@ForAll long seed, @ForAll("firstIndices") long first,
                                           @ForAll("counts") int count, @ForAll Distribution distribution) {
        float[] expected = new float[count];
        SCALAR.fill(distribution, seed, first, expected, 0, count);
        float[] got = new float[count];
        VECTOR.fill(distribution, seed, first, got, 0, count);
        assertSameBits(expected, got, distribution, seed, first);
    }

    @Property(tries = 40)
    void longAxpysEqualTheScalarDefinition(@ForAll long seed, @ForAll("firstIndices") long first,
                                           @ForAll("counts") int count, @ForAll Distribution distribution,
                                           @ForAll @IntRange(min = -1000, max = 1000) int cThousandths,
                                           @ForAll long thetaSeed) {
        float c = cThousandths / 1000f;
        float[] theta = new float[count];
        Random random = new Random(thetaSeed);
        for (int j = 0; j < count; j++) {
            theta[j] = (float) random.nextGaussian();
        }
        float[] expected = theta.clone();
        SCALAR.axpy(distribution, seed, first, c, expected, 0, count);
        VECTOR.axpy(distribution, seed, first, c, theta, 0, count);
        assertSameBits(expected, theta, distribution, seed, first);
    }

    private static void assertSameBits(float[] expected, float[] actual, Distribution d, long seed, long first) {
        for (int j = 0; j < expected.length; j++) {
            int index = j;
            assertEquals(Float.floatToRawIntBits(expected[j]), Float.floatToRawIntBits(actual[j]),
                    () -> d + " seed " + seed + " index " + (first + index) + " at " + VECTOR.width()
                            + ": expected " + expected[index] + ", got " + actual[index]);
        }
    }
}
