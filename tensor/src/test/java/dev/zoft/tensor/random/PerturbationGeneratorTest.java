package dev.zoft.tensor.random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.VectorWidth;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Determinism of the perturbation generator: z(seed, index) is the same bit for bit whatever the
 * width, the chunking, the threads, the entry point (fill, axpy, array or segment), and its raw
 * words are exactly Commons RNG's Philox4x32 stream.
 */
class PerturbationGeneratorTest {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final PerturbationGenerator SCALAR = PerturbationGenerator.of(VectorWidth.SCALAR);

    /**
     * Start indices: small ones, unaligned ones, ones whose blocks cross 2³² (the carry from
     * counter word 0 into word 1, for both block sizes), and ones near the end of the index space.
     */
    @Provide
    Arbitrary<Long> firstIndices() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(0, 5_000),
                Arbitraries.longs().between(0, 1_000).map(k -> 4 * k + 3),
                Arbitraries.longs().between((1L << 34) - 3_000, (1L << 34) + 100),
                Arbitraries.longs().between((1L << 39) - 3_000, (1L << 39) + 100),
                Arbitraries.longs().between(0, Long.MAX_VALUE - 10_000),
                Arbitraries.longs().between(Long.MAX_VALUE - 10_000, Long.MAX_VALUE - 4_000));
    }

    @Property(tries = 200)
    void everyWidthMatchesTheScalarDefinition(@ForAll long seed, @ForAll("firstIndices") long first,
                                              @ForAll @IntRange(max = 3_000) int count,
                                              @ForAll Distribution distribution, @ForAll VectorWidth width) {
        float[] got = new float[count];
        PerturbationGenerator.of(width).fill(distribution, seed, first, got, 0, count);
        for (int j = 0; j < count; j += 1 + j / 64) {
            assertSameBits(distribution.value(seed, first + j), got[j], distribution, seed, first + j, width);
        }
        float[] scalar = new float[count];
        SCALAR.fill(distribution, seed, first, scalar, 0, count);
        assertSameBits(scalar, got, distribution, seed, first, width);
    }

    @Property(tries = 150)
    void randomChunksGiveTheSameValues(@ForAll long seed, @ForAll("firstIndices") long first,
                                       @ForAll @IntRange(min = 1, max = 4_000) int count, @ForAll long splitSeed,
                                       @ForAll Distribution distribution, @ForAll VectorWidth oneCallWidth,
                                       @ForAll VectorWidth chunkWidth) {
        float[] whole = new float[count];
        PerturbationGenerator.of(oneCallWidth).fill(distribution, seed, first, whole, 0, count);
        float[] chunked = new float[count];
        Random random = new Random(splitSeed);
        int[] cuts = cuts(random, count);
        for (int c = 0; c + 1 < cuts.length; c++) {
            // Each chunk may run at its own width: a replay need not know how the run was split.
            VectorWidth width = random.nextBoolean() ? chunkWidth : VectorWidth.values()[random.nextInt(4)];
            PerturbationGenerator.of(width).fill(distribution, seed, first + cuts[c], chunked, cuts[c], cuts[c + 1] - cuts[c]);
        }
        assertSameBits(whole, chunked, distribution, seed, first, chunkWidth);
    }

    @Property(tries = 40)
    void twoThreadsGiveTheSameValuesAsOne(@ForAll long seed, @ForAll @IntRange(max = 1_000_000) int firstIndex,
                                          @ForAll @IntRange(min = 1, max = 200_000) int count,
                                          @ForAll @IntRange(max = 200_000) int split,
                                          @ForAll Distribution distribution, @ForAll VectorWidth width) throws Exception {
        int cut = split % (count + 1);
        PerturbationGenerator generator = PerturbationGenerator.of(width);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment one = arena.allocate(4L * count);
            MemorySegment two = arena.allocate(4L * count);
            generator.fill(distribution, seed, firstIndex, one, count);
            Thread left = new Thread(() -> generator.fill(distribution, seed, firstIndex, two, cut));
            Thread right = new Thread(() -> generator.fill(distribution, seed, firstIndex + cut,
                    two.asSlice(4L * cut), count - cut));
            Throwable[] failure = new Throwable[1];
            left.setUncaughtExceptionHandler((t, e) -> failure[0] = e);
            right.setUncaughtExceptionHandler((t, e) -> failure[0] = e);
            left.start();
            right.start();
            left.join();
            right.join();
            if (failure[0] != null) {
                throw new AssertionError("a worker thread failed", failure[0]);
            }
            long mismatch = one.mismatch(two);
            assertEquals(-1L, mismatch, () -> distribution + " seed " + seed + " at " + width
                    + ": 2-thread result differs from 1-thread at value " + mismatch / 4);
        }
    }

    @Property(tries = 150)
    void axpyEqualsFillThenScalarAxpy(@ForAll long seed, @ForAll("firstIndices") long first,
                                      @ForAll @IntRange(max = 3_000) int count, @ForAll float c,
                                      @ForAll Distribution distribution, @ForAll VectorWidth width,
                                      @ForAll long thetaSeed) {
        if (!Float.isFinite(c)) {
            return;
        }
        float[] theta = new float[count];
        Random random = new Random(thetaSeed);
        for (int j = 0; j < count; j++) {
            theta[j] = (float) random.nextGaussian() * 0.05f;
        }
        float[] z = new float[count];
        SCALAR.fill(distribution, seed, first, z, 0, count);
        float[] expected = new float[count];
        for (int j = 0; j < count; j++) {
            expected[j] = theta[j] + c * z[j];
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(4L * count + 4, 4).asSlice(4);
            MemorySegment.copy(theta, 0, seg, F32, 0, count);
            PerturbationGenerator.of(width).axpy(distribution, seed, first, c, seg, count);
            assertSameBits(expected, seg.toArray(F32), distribution, seed, first, width);
        }
        PerturbationGenerator.of(width).axpy(distribution, seed, first, c, theta, 0, count);
        assertSameBits(expected, theta, distribution, seed, first, width);
    }

    @Property(tries = 100)
    void rawWordsAreTheCommonsRngStream(@ForAll long seed, @ForAll("firstBlocks") long firstBlock,
                                        @ForAll @IntRange(max = 600) int blocks, @ForAll @IntRange(max = 3) int skip,
                                        @ForAll VectorWidth width) {
        int count = Math.max(0, 4 * blocks - skip);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(4L * count + 1);
            PerturbationGenerator.of(width).fillRawBits(seed, 4 * firstBlock + skip, seg, count);
            long previous = firstBlock - 1; // Commons RNG increments its counter before each block
            org.apache.commons.rng.core.source32.Philox4x32 commons = new org.apache.commons.rng.core.source32.Philox4x32(
                    new int[] {(int) seed, (int) (seed >>> 32), (int) previous, (int) (previous >>> 32), 0, 0});
            for (int j = 0; j < skip && count > 0; j++) {
                commons.nextInt();
            }
            for (int j = 0; j < count; j++) {
                int expected = commons.nextInt();
                int actual = seg.get(I32, 4L * j);
                if (expected != actual) {
                    throw new AssertionError(String.format("seed %016x block %d + %d word %d at %s: Commons %08x, ours %08x",
                            seed, firstBlock, (j + skip) / 4, (j + skip) % 4, width, expected, actual));
                }
            }
        }
    }

    @Provide
    Arbitrary<Long> firstBlocks() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(1, 10_000),
                Arbitraries.longs().between((1L << 32) - 700, (1L << 32) + 10),
                Arbitraries.longs().between((1L << 33) - 700, (1L << 33) + 10),
                Arbitraries.longs().between(1, (Long.MAX_VALUE >> 2) - 1_000));
    }

    @Test
    void rademacherValuesAreExactlyPlusOrMinusOneAndBalanced() {
        int n = 10_000_000;
        float[] z = new float[n];
        PerturbationGenerator.configured().fill(Distribution.RADEMACHER, 0x5EED_0001L, 12_345L, z, 0, n);
        long sum = 0;
        long lag1 = 0;
        for (int j = 0; j < n; j++) {
            assertTrue(z[j] == 1f || z[j] == -1f, () -> "not ±1: " + Arrays.toString(Arrays.copyOf(z, 8)));
            sum += (long) z[j];
            if (j > 0) {
                lag1 += (long) (z[j] * z[j - 1]);
            }
        }
        // Standard error of the mean is 1/√n ≈ 3.2e-4; allow 4.7 of them.
        assertEquals(0.0, (double) sum / n, 1.5e-3, "mean of Rademacher draws");
        assertEquals(0.0, (double) lag1 / (n - 1), 1.5e-3, "lag-1 correlation of Rademacher draws");
    }

    @Test
    void gaussianAndRademacherStreamsAreUncorrelated() {
        int n = 2_000_000;
        float[] g = new float[n];
        float[] r = new float[n];
        PerturbationGenerator generator = PerturbationGenerator.configured();
        generator.fillGaussian(77L, 0, g, 0, n);
        generator.fill(Distribution.RADEMACHER, 77L, 0, r, 0, n);
        double dot = 0;
        for (int j = 0; j < n; j++) {
            dot += g[j] * r[j];
        }
        assertEquals(0.0, dot / n, 5 / Math.sqrt(n), "Gaussian·Rademacher correlation for one seed");
    }

    @Test
    void differentSeedsGiveDifferentDirections() {
        float[] a = new float[4096];
        float[] b = new float[4096];
        PerturbationGenerator.configured().fillGaussian(1L, 0, a, 0, a.length);
        PerturbationGenerator.configured().fillGaussian(1L << 32, 0, b, 0, b.length);
        double dot = 0;
        for (int j = 0; j < a.length; j++) {
            dot += a[j] * b[j];
        }
        assertEquals(0.0, dot / a.length, 5 / Math.sqrt(a.length), "correlation of seeds 1 and 2^32");
    }

    @Test
    void arrayEntryPointsWriteOnlyTheirWindow() {
        float[] out = new float[100];
        Arrays.fill(out, 7f);
        PerturbationGenerator.configured().fillGaussian(3L, 1_001L, out, 10, 80);
        float[] expected = new float[80];
        SCALAR.fillGaussian(3L, 1_001L, expected, 0, 80);
        assertSameBits(expected, Arrays.copyOfRange(out, 10, 90), Distribution.GAUSSIAN, 3L, 1_001L, VectorWidth.SCALAR);
        for (int j = 0; j < 100; j++) {
            if (j < 10 || j >= 90) {
                assertEquals(7f, out[j], "value outside the window at " + j);
            }
        }
    }

    @Test
    void badArgumentsAreRejectedWithClearMessages() {
        PerturbationGenerator g = PerturbationGenerator.configured();
        float[] small = new float[8];
        MemorySegment seg = MemorySegment.ofArray(small);
        assertThrows(IllegalArgumentException.class, () -> g.fillGaussian(1, -1, seg, 1));
        assertThrows(IllegalArgumentException.class, () -> g.fillGaussian(1, 0, seg, -1));
        assertThrows(IllegalArgumentException.class, () -> g.fillGaussian(1, Long.MAX_VALUE - 2, seg, 5));
        IllegalArgumentException tooSmall = assertThrows(IllegalArgumentException.class, () -> g.fillGaussian(1, 0, seg, 9));
        assertTrue(tooSmall.getMessage().contains("32 bytes"), tooSmall.getMessage());
        assertThrows(IllegalArgumentException.class, () -> g.axpyGaussian(1, 0, Float.NaN, seg, 8));
        assertThrows(IllegalArgumentException.class, () -> g.axpyGaussian(1, 0, Float.POSITIVE_INFINITY, seg, 8));
        assertThrows(IllegalArgumentException.class, () -> g.fillGaussian(1, 0, seg.asReadOnly(), 8));
        assertThrows(IndexOutOfBoundsException.class, () -> g.fillGaussian(1, 0, small, 4, 5));
        // The last index there is: a range may end exactly at Long.MAX_VALUE.
        g.fillGaussian(1, Long.MAX_VALUE - 8, seg, 8);
        assertSameBits(new float[] {PerturbationGenerator.gaussian(1, Long.MAX_VALUE - 1)}, new float[] {small[7]},
                Distribution.GAUSSIAN, 1, Long.MAX_VALUE - 1, g.width());
    }

    /** 0 = c₀ < c₁ < ... < c_k = count, with random interior cuts (possibly none, possibly many). */
    private static int[] cuts(Random random, int count) {
        TreeSet<Integer> set = new TreeSet<>();
        set.add(0);
        set.add(count);
        int interior = random.nextInt(Math.min(count, 12) + 1);
        for (int i = 0; i < interior; i++) {
            set.add(random.nextInt(count + 1));
        }
        return set.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void assertSameBits(float expected, float actual, Distribution d, long seed, long index, VectorWidth w) {
        if (Float.floatToRawIntBits(expected) != Float.floatToRawIntBits(actual)) {
            throw new AssertionError(d + " seed " + seed + " index " + index + " at " + w + ": expected " + expected
                    + ", got " + actual);
        }
    }

    private static void assertSameBits(float[] expected, float[] actual, Distribution d, long seed, long first, VectorWidth w) {
        assertEquals(expected.length, actual.length);
        for (int j = 0; j < expected.length; j++) {
            assertSameBits(expected[j], actual[j], d, seed, first + j, w);
        }
    }
}
