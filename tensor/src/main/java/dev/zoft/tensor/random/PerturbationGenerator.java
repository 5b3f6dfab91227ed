package dev.zoft.tensor.random;

import dev.zoft.tensor.VectorWidth;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Generates the perturbation direction z of a zeroth-order step: one value per trainable
 * parameter, each a pure function {@code z(seed, index)} of a 64-bit seed and the parameter's
 * 64-bit index. Any index range can therefore be generated on its own, in any chunks, on any
 * thread split, at any vector width, and a replay of a seed log on another machine regenerates
 * exactly the same z: every method of every instance of this class writes bit-identical values
 * for the same (seed, index), whatever its {@link VectorWidth} and however a range is split.
 *
 * <h2>Definition</h2>
 * The generator is Philox4x32-10 ({@link Philox4x32}) with
 * <ul>
 *   <li>key {@code (k0, k1) = (low 32 bits of seed, high 32 bits of seed)};</li>
 *   <li>counter {@code (c0, c1, c2, c3) = (low 32 bits of B, high 32 bits of B, tag, 0)}, where B
 *       is the index's block number and tag the distribution's
 *       {@linkplain Distribution#counterTag() counter tag} (0 Gaussian, 1 Rademacher). Word c3 is
 *       reserved (always 0).</li>
 * </ul>
 * Let {@code (x0, x1, x2, x3)} be the output words of the block.
 * <ul>
 *   <li><b>Gaussian</b> ({@link Distribution#GAUSSIAN}): {@code B = index / 4}. The pair (x0, x1)
 *       gives indices {@code 4B} and {@code 4B + 1}, the pair (x2, x3) indices {@code 4B + 2} and
 *       {@code 4B + 3}, each pair by the Box–Muller transform of {@link BoxMuller}:
 *       {@code u = ((a >>> 8) + 1)·2⁻²⁴ ∈ (0, 1]}, {@code v = (b >>> 8)·2⁻²⁴ ∈ [0, 1)},
 *       {@code r = sqrt(−2 ln u)}, first index {@code r·cos 2πv}, second {@code r·sin 2πv},
 *       computed in float with zoft's own polynomial log, sine and cosine (so the result is
 *       bit-reproducible everywhere, not a {@code StrictMath} or SVML result). |z| ≤ 5.77.</li>
 *   <li><b>Rademacher</b> ({@link Distribution#RADEMACHER}): {@code B = index / 128},
 *       {@code j = index mod 128}; the value is −1 if bit {@code j mod 32} (0 = least
 *       significant) of word {@code x[j / 32]} is set, else +1.</li>
 * </ul>
 * {@link #fillRawBits} exposes the Gaussian words themselves: the raw word of index i is word
 * {@code i mod 4} of Gaussian block {@code i / 4}.
 *
 * <h2>Memory</h2>
 * Values are F32 (raw words int32), little-endian, contiguous: value j of a call is at byte
 * {@code 4·j} of the segment (slice a segment to start elsewhere). Segments may be native or heap,
 * any alignment. Every size and offset is a long.
 *
 * <h2>Implementations</h2>
 * The {@link VectorWidth#SCALAR} instance is the scalar twin (the definition, one index at a
 * time); the W128, W256 and W512 instances run Philox and Box–Muller in SIMD lanes with the Vector
 * API and the scalar twin for partial blocks at the ends of a range. Widths the CPU lacks run
 * (slowly) in emulation. Instances are stateless and thread-safe; the methods do not split work
 * across threads themselves (callers partition index ranges, e.g. by tensor rows).
 */
public final class PerturbationGenerator {

    private static final PerturbationGenerator[] BY_WIDTH = {
        new PerturbationGenerator(VectorWidth.SCALAR, ScalarKernel.INSTANCE),
        new PerturbationGenerator(VectorWidth.W128, VectorKernel128.INSTANCE),
        new PerturbationGenerator(VectorWidth.W256, VectorKernel256.INSTANCE),
        new PerturbationGenerator(VectorWidth.W512, VectorKernel512.INSTANCE),
    };

    private final VectorWidth width;
    private final ZKernel kernel;

    private PerturbationGenerator(VectorWidth width, ZKernel kernel) {
        this.width = width;
        this.kernel = kernel;
    }

    /** The generator running at {@code width}. */
    public static PerturbationGenerator of(VectorWidth width) {
        return BY_WIDTH[Objects.requireNonNull(width, "width").ordinal()];
    }

    /** The generator at {@link VectorWidth#configured()} ({@code -Dzoft.vector.bits}, else the host's). */
    public static PerturbationGenerator configured() {
        return of(VectorWidth.configured());
    }

    public VectorWidth width() {
        return width;
    }

    /** {@code z(seed, index)} for one index, by the scalar definition. */
    public static float value(Distribution distribution, long seed, long index) {
        checkRange(index, 1);
        float[] one = new float[1];
        MemorySegment seg = MemorySegment.ofArray(one);
        scalarRange(Objects.requireNonNull(distribution, "distribution"), seed, index, 1, Mode.FILL, 0f, seg);
        return one[0];
    }

    /** The standard normal {@code z(seed, index)}; same as {@code Distribution.GAUSSIAN.value(seed, index)}. */
    public static float gaussian(long seed, long index) {
        return value(Distribution.GAUSSIAN, seed, index);
    }

    /** The ±1 {@code z(seed, index)}; same as {@code Distribution.RADEMACHER.value(seed, index)}. */
    public static float rademacher(long seed, long index) {
        return value(Distribution.RADEMACHER, seed, index);
    }

    /**
     * Writes {@code out[j] = z(seed, firstIndex + j)} for {@code j ∈ [0, count)} as F32.
     *
     * @throws IllegalArgumentException if {@code firstIndex < 0}, {@code count < 0},
     *     {@code firstIndex + count} overflows, or {@code out} is smaller than {@code 4·count} bytes
     */
    public void fill(Distribution distribution, long seed, long firstIndex, MemorySegment out, long count) {
        run(distribution, seed, firstIndex, checkSegment(out, count, "out"), count, Mode.FILL, 0f);
    }

    /** {@link #fill(Distribution, long, long, MemorySegment, long)} into {@code out[offset .. offset + count)}. */
    public void fill(Distribution distribution, long seed, long firstIndex, float[] out, int offset, int count) {
        fill(distribution, seed, firstIndex, arraySlice(out, offset, count), count);
    }

    /**
     * {@code θ[j] ← θ[j] + c·z(seed, firstIndex + j)} for {@code j ∈ [0, count)} on F32 θ, in one
     * pass: the in-place perturbation ({@code c = ±ε}) and update ({@code c = −η·g}) of a ZO step.
     * Each element is computed as the float product {@code c·z} then the float sum (no FMA), at
     * every width.
     *
     * @throws IllegalArgumentException as {@link #fill}, or if {@code c} is not finite
     */
    public void axpy(Distribution distribution, long seed, long firstIndex, float c, MemorySegment theta, long count) {
        if (!Float.isFinite(c)) {
            throw new IllegalArgumentException("the coefficient c must be finite, got " + c);
        }
        run(distribution, seed, firstIndex, checkSegment(theta, count, "theta"), count, Mode.AXPY, c);
    }

    /** {@link #axpy(Distribution, long, long, float, MemorySegment, long)} on {@code theta[offset .. offset + count)}. */
    public void axpy(Distribution distribution, long seed, long firstIndex, float c, float[] theta, int offset, int count) {
        axpy(distribution, seed, firstIndex, c, arraySlice(theta, offset, count), count);
    }

    /** Gaussian {@link #fill(Distribution, long, long, MemorySegment, long) fill}. */
    public void fillGaussian(long seed, long firstIndex, MemorySegment out, long count) {
        fill(Distribution.GAUSSIAN, seed, firstIndex, out, count);
    }

    /** Gaussian {@link #fill(Distribution, long, long, float[], int, int) fill} into an array. */
    public void fillGaussian(long seed, long firstIndex, float[] out, int offset, int count) {
        fill(Distribution.GAUSSIAN, seed, firstIndex, out, offset, count);
    }

    /** Gaussian {@link #axpy(Distribution, long, long, float, MemorySegment, long) axpy}. */
    public void axpyGaussian(long seed, long firstIndex, float c, MemorySegment theta, long count) {
        axpy(Distribution.GAUSSIAN, seed, firstIndex, c, theta, count);
    }

    /** Gaussian {@link #axpy(Distribution, long, long, float, float[], int, int) axpy} on an array. */
    public void axpyGaussian(long seed, long firstIndex, float c, float[] theta, int offset, int count) {
        axpy(Distribution.GAUSSIAN, seed, firstIndex, c, theta, offset, count);
    }

    /**
     * Writes the raw Philox word of each index {@code firstIndex + j} (word {@code i mod 4} of
     * Gaussian block {@code i / 4}) as a little-endian int32 at byte {@code 4·j} of {@code out}:
     * the uniform bits the Gaussian values are made from.
     */
    public void fillRawBits(long seed, long firstIndex, MemorySegment out, long count) {
        run(Distribution.GAUSSIAN, seed, firstIndex, checkSegment(out, count, "out"), count, Mode.RAW, 0f);
    }

    private void run(Distribution distribution, long seed, long firstIndex, MemorySegment seg, long count, Mode mode, float c) {
        Objects.requireNonNull(distribution, "distribution");
        checkRange(firstIndex, count);
        if (kernel == ScalarKernel.INSTANCE) {
            scalarRange(distribution, seed, firstIndex, count, mode, c, seg);
            return;
        }
        int perBlock = distribution.indicesPerBlock();
        long end = firstIndex + count;
        long firstBlock = Math.ceilDiv(firstIndex, perBlock);
        long endBlock = end / perBlock;
        if (firstBlock >= endBlock) {
            scalarRange(distribution, seed, firstIndex, count, mode, c, seg);
            return;
        }
        long bodyStart = firstBlock * perBlock;
        long bodyEnd = endBlock * perBlock;
        int k0 = (int) seed;
        int k1 = (int) (seed >>> 32);
        scalarRange(distribution, seed, firstIndex, bodyStart - firstIndex, mode, c, seg);
        long bodyOffset = (bodyStart - firstIndex) * 4;
        if (distribution == Distribution.GAUSSIAN) {
            kernel.gaussianBlocks(k0, k1, firstBlock, endBlock - firstBlock, mode, c, seg, bodyOffset);
        } else {
            kernel.rademacherBlocks(k0, k1, firstBlock, endBlock - firstBlock, mode, c, seg, bodyOffset);
        }
        scalarRange(distribution, seed, bodyEnd, end - bodyEnd, mode, c, seg.asSlice((bodyEnd - firstIndex) * 4));
    }

    private static void scalarRange(Distribution distribution, long seed, long first, long count, Mode mode, float c,
                                    MemorySegment seg) {
        if (count == 0) {
            return;
        }
        int k0 = (int) seed;
        int k1 = (int) (seed >>> 32);
        if (distribution == Distribution.GAUSSIAN) {
            ScalarKernel.gaussianRange(k0, k1, first, count, mode, c, seg, 0);
        } else {
            ScalarKernel.rademacherRange(k0, k1, first, count, mode, c, seg, 0);
        }
    }

    private static void checkRange(long firstIndex, long count) {
        if (firstIndex < 0) {
            throw new IllegalArgumentException("parameter index must be non-negative, got " + firstIndex);
        }
        if (count < 0) {
            throw new IllegalArgumentException("count must be non-negative, got " + count);
        }
        if (count > Long.MAX_VALUE - firstIndex) {
            throw new IllegalArgumentException("index range [" + firstIndex + ", " + firstIndex + " + " + count
                    + ") overflows a long");
        }
    }

    private static MemorySegment checkSegment(MemorySegment seg, long count, String name) {
        Objects.requireNonNull(seg, name);
        if (seg.isReadOnly()) {
            throw new IllegalArgumentException(name + " is a read-only segment");
        }
        if (count < 0) {
            throw new IllegalArgumentException("count must be non-negative, got " + count);
        }
        if (count > seg.byteSize() / 4) {
            throw new IllegalArgumentException(name + " holds " + seg.byteSize() + " bytes, fewer than the "
                    + count + " four-byte values requested");
        }
        return seg;
    }

    private static MemorySegment arraySlice(float[] array, int offset, int count) {
        Objects.checkFromIndexSize(offset, count, Objects.requireNonNull(array, "array").length);
        return MemorySegment.ofArray(array).asSlice(offset * 4L, count * 4L);
    }
}
