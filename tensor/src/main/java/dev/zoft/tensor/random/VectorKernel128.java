package dev.zoft.tensor.random;

import static dev.zoft.tensor.random.BoxMuller.*;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.XOR;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The perturbation kernels at 128 bits.
 *
 * <p>Gaussian values are made in passes of up to {@link #CHUNK_BLOCKS} Philox blocks. First Philox
 * runs one block per 64-bit lane: each of the four state words sits zero-extended in a long lane,
 * so the 32×32→64-bit products are plain lane multiplies and the high and low halves a shift and
 * a mask. Words 0 and 2 of every block are then packed into one long lane ({@code x0 | x2 << 32})
 * and stored as int lanes {@code [x0, x2]} (reinterpretation is little-endian), words 1 and 3
 * likewise into a second scratch array: so int lane 2j holds the Box–Muller pair (x0, x1) of
 * block j and lane 2j + 1 the pair (x2, x3). Then Box–Muller repeats {@link BoxMuller} lane-wise,
 * operation for operation, and a zip of the cosine and sine vectors puts block j's four values at
 * indices 4j .. 4j + 3. The scratch pass is deliberate: one method doing both is too large for
 * C2 to inline every Vector API call, and a vector that is not inlined is boxed on the heap.
 *
 * <p>The three widths are three copies of this class that differ only in their species: the
 * Vector API compiles to SIMD only where the species is a compile-time constant, which a
 * {@code static final} field guarantees and a parameter does not. Keep them identical (they are
 * generated from the 256-bit one by replacing "256").
 */
final class VectorKernel128 extends ZKernel {

    static final VectorKernel128 INSTANCE = new VectorKernel128();

    private static final VectorSpecies<Long> LS = LongVector.SPECIES_128;
    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_128;
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_128;
    /** Philox blocks per iteration, one per long lane. */
    private static final int BLOCKS = LS.length();
    private static final int FLOATS = FS.length();
    /** Blocks per pass: Philox fills 2 × 8 KB of scratch words, then Box–Muller consumes them. */
    private static final int CHUNK_BLOCKS = 1024;
    private static final VectorShuffle<Float> ZIP_LOW = VectorShuffle.makeZip(FS, 0);
    private static final VectorShuffle<Float> ZIP_HIGH = VectorShuffle.makeZip(FS, 1);
    private static final VectorShuffle<Integer> INT_ZIP_LOW = VectorShuffle.makeZip(IS, 0);
    private static final VectorShuffle<Integer> INT_ZIP_HIGH = VectorShuffle.makeZip(IS, 1);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final long MASK32 = 0xFFFF_FFFFL;
    private static final long M0 = Philox4x32.M0 & MASK32;
    private static final long M1 = Philox4x32.M1 & MASK32;

    private VectorKernel128() {
    }

    @Override
    void gaussianBlocks(int k0, int k1, long firstBlock, long blocks, Mode mode, float c, MemorySegment seg, long byteOffset) {
        long[] roundKeys = new long[2 * Philox4x32.ROUNDS];
        for (int r = 0; r < Philox4x32.ROUNDS; r++) {
            roundKeys[2 * r] = (k0 + r * Philox4x32.W0) & MASK32;
            roundKeys[2 * r + 1] = (k1 + r * Philox4x32.W1) & MASK32;
        }
        long whole = blocks - blocks % BLOCKS;
        int[] a = new int[2 * (int) Math.min(CHUNK_BLOCKS, whole)];
        int[] b = new int[a.length];
        for (long done = 0; done < whole; ) {
            int n = (int) Math.min(CHUNK_BLOCKS, whole - done);
            philox(roundKeys, firstBlock + done, n, a, b);
            long pos = byteOffset + done * 16;
            if (mode == Mode.RAW) {
                zipWords(a, b, n, seg, pos);
            } else {
                boxMuller(a, b, n, mode == Mode.AXPY, c, seg, pos);
            }
            done += n;
        }
        ScalarKernel.gaussianRange(k0, k1, (firstBlock + whole) << 2, (blocks - whole) << 2, mode, c, seg,
                byteOffset + whole * 16);
    }

    /**
     * Philox blocks {@code [firstBlock, firstBlock + n)} (n a multiple of {@link #BLOCKS}) into
     * {@code a[2j] = x0, a[2j + 1] = x2, b[2j] = x1, b[2j + 1] = x3} of block {@code firstBlock + j}.
     */
    private static void philox(long[] roundKeys, long firstBlock, int n, int[] a, int[] b) {
        LongVector laneBlock = LongVector.zero(LS).addIndex(1);
        long tag = Distribution.GAUSSIAN.counterTag() & MASK32;
        for (int j = 0; j < n; j += BLOCKS) {
            LongVector counter = laneBlock.add(firstBlock + j);
            LongVector x0 = counter.and(MASK32);
            LongVector x1 = counter.lanewise(LSHR, 32);
            LongVector x2 = LongVector.broadcast(LS, tag);
            LongVector x3 = LongVector.zero(LS);
            for (int r = 0; r < 2 * Philox4x32.ROUNDS; r += 2) {
                LongVector p0 = x0.mul(M0);
                LongVector p1 = x2.mul(M1);
                x0 = p1.lanewise(LSHR, 32).lanewise(XOR, x1).lanewise(XOR, roundKeys[r]);
                x1 = p1.and(MASK32);
                x2 = p0.lanewise(LSHR, 32).lanewise(XOR, x3).lanewise(XOR, roundKeys[r + 1]);
                x3 = p0.and(MASK32);
            }
            ((IntVector) x0.or(x2.lanewise(LSHL, 32)).reinterpretShape(IS, 0)).intoArray(a, 2 * j);
            ((IntVector) x1.or(x3.lanewise(LSHL, 32)).reinterpretShape(IS, 0)).intoArray(b, 2 * j);
        }
    }

    /** The raw words of n blocks in index order: {@code x0, x1, x2, x3} per block. */
    private static void zipWords(int[] a, int[] b, int n, MemorySegment seg, long pos) {
        for (int i = 0; i < 2 * n; i += FLOATS, pos += 8L * FLOATS) {
            IntVector va = IntVector.fromArray(IS, a, i);
            IntVector vb = IntVector.fromArray(IS, b, i);
            va.rearrange(INT_ZIP_LOW, vb).intoMemorySegment(seg, pos, LE);
            va.rearrange(INT_ZIP_HIGH, vb).intoMemorySegment(seg, pos + 4L * FLOATS, LE);
        }
    }

    /**
     * {@link BoxMuller#pair} lane-wise on the 2n pairs {@code (a[i], b[i])}: pair i gives values
     * 2i and 2i + 1, stored (or added, times c) at {@code pos}.
     */
    private static void boxMuller(int[] a, int[] b, int n, boolean axpy, float c, MemorySegment seg, long pos) {
        for (int i = 0; i < 2 * n; i += FLOATS, pos += 8L * FLOATS) {
            FloatVector r = radius(IntVector.fromArray(IS, a, i));
            IntVector w = IntVector.fromArray(IS, b, i).lanewise(LSHR, SHIFT).add(HALF_QUARTER);
            IntVector q = w.lanewise(LSHR, QUARTER_SHIFT);
            FloatVector x = ((FloatVector) w.and(QUARTER_MASK).sub(HALF_QUARTER).convertShape(I2F, FS, 0))
                    .mul(TWO_POW_M22).mul(HALF_PI);
            FloatVector xx = x.mul(x);
            FloatVector ps = xx.mul(S3).add(S2).mul(xx).add(S1);
            FloatVector sin = x.add(x.mul(xx).mul(ps));
            FloatVector pc = xx.mul(C3).add(C2).mul(xx).add(C1);
            FloatVector cos = FloatVector.broadcast(FS, 1f).sub(xx.mul(0.5f)).add(xx.mul(xx).mul(pc));
            // Odd quadrants swap sine and cosine (an all-ones select mask), then the quadrant's signs.
            IntVector cosBits = ((IntVector) cos.reinterpretShape(IS, 0));
            IntVector sinBits = ((IntVector) sin.reinterpretShape(IS, 0));
            IntVector swapped = cosBits.lanewise(XOR, sinBits).and(q.and(1).neg());
            IntVector cosSign = q.add(1).and(2).lanewise(LSHL, 30);
            IntVector sinSign = q.and(2).lanewise(LSHL, 30);
            FloatVector zc = r.mul(((FloatVector) cosBits.lanewise(XOR, swapped).lanewise(XOR, cosSign).reinterpretShape(FS, 0)));
            FloatVector zs = r.mul(((FloatVector) sinBits.lanewise(XOR, swapped).lanewise(XOR, sinSign).reinterpretShape(FS, 0)));
            FloatVector low = zc.rearrange(ZIP_LOW, zs);
            FloatVector high = zc.rearrange(ZIP_HIGH, zs);
            long pos2 = pos + 4L * FLOATS;
            if (axpy) {
                low = FloatVector.fromMemorySegment(FS, seg, pos, LE).add(low.mul(c));
                high = FloatVector.fromMemorySegment(FS, seg, pos2, LE).add(high.mul(c));
            }
            low.intoMemorySegment(seg, pos, LE);
            high.intoMemorySegment(seg, pos2, LE);
        }
    }

    /** {@link BoxMuller#radius} lane-wise. */
    private static FloatVector radius(IntVector a) {
        FloatVector u = ((FloatVector) a.lanewise(LSHR, SHIFT).add(1).convertShape(I2F, FS, 0)).mul(TWO_POW_M24);
        IntVector bits = ((IntVector) u.reinterpretShape(IS, 0));
        IntVector e = bits.sub(SQRT_HALF_BITS).lanewise(ASHR, 23);
        FloatVector f = ((FloatVector) bits.sub(e.lanewise(LSHL, 23)).reinterpretShape(FS, 0)).sub(1f);
        FloatVector z = f.mul(f);
        FloatVector p = f.mul(L8).add(L7);
        p = p.mul(f).add(L6);
        p = p.mul(f).add(L5);
        p = p.mul(f).add(L4);
        p = p.mul(f).add(L3);
        p = p.mul(f).add(L2);
        p = p.mul(f).add(L1);
        p = p.mul(f).add(L0);
        FloatVector fe = (FloatVector) e.convertShape(I2F, FS, 0);
        FloatVector y = f.mul(z).mul(p);
        y = y.add(fe.mul(LN2_LO));
        y = y.add(z.mul(-0.5f));
        FloatVector ln = f.add(y).add(fe.mul(LN2_HI));
        return ln.mul(-2f).sqrt();
    }

    @Override
    void rademacherBlocks(int k0, int k1, long firstBlock, long blocks, Mode mode, float c, MemorySegment seg, long byteOffset) {
        int[] words = new int[4];
        int tag = Distribution.RADEMACHER.counterTag();
        // Lane l of vector v within a word takes bit v·FLOATS + l: shift it left to the sign bit.
        IntVector toSignBit = IntVector.broadcast(IS, 31).sub(IntVector.zero(IS).addIndex(1));
        IntVector one = ((IntVector) FloatVector.broadcast(FS, 1f).reinterpretShape(IS, 0));
        IntVector cBits = ((IntVector) FloatVector.broadcast(FS, c).reinterpretShape(IS, 0));
        long pos = byteOffset;
        for (long n = 0; n < blocks; n++) {
            long block = firstBlock + n;
            Philox4x32.block(k0, k1, (int) block, (int) (block >>> 32), tag, 0, words, 0);
            for (int wi = 0; wi < 4; wi++) {
                IntVector word = IntVector.broadcast(IS, words[wi]);
                for (int v = 0; v < 32; v += FLOATS, pos += FLOATS * 4L) {
                    IntVector sign = word.lanewise(LSHL, toSignBit.sub(v)).and(SIGN);
                    if (mode == Mode.AXPY) {
                        FloatVector theta = FloatVector.fromMemorySegment(FS, seg, pos, LE);
                        theta.add(((FloatVector) cBits.lanewise(XOR, sign).reinterpretShape(FS, 0))).intoMemorySegment(seg, pos, LE);
                    } else {
                        ((FloatVector) one.or(sign).reinterpretShape(FS, 0)).intoMemorySegment(seg, pos, LE);
                    }
                }
            }
        }
    }
}
