package dev.zoft.tensor.random;

import static dev.zoft.tensor.random.BoxMuller.*;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.NE;
import static jdk.incubator.vector.VectorOperators.XOR;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The perturbation kernels at 128 bits.
 *
 * <p>Philox runs one block per 64-bit lane: each of the four state words sits zero-extended in a
 * long lane, so the 32×32→64-bit products are plain lane multiplies and the high and low halves a
 * shift and a mask. After the rounds, words 0 and 2 of every block are packed into one long lane
 * ({@code x0 | x2 << 32}) and reinterpreted as int lanes {@code [x0, x2]} per block (lane order is
 * little-endian), likewise words 1 and 3: so int lane 2j holds the Box–Muller pair (x0, x1) of
 * block j and lane 2j + 1 the pair (x2, x3). Box–Muller then repeats {@link BoxMuller} lane-wise,
 * operation for operation, and a zip of the cosine and sine vectors puts block j's four values at
 * indices 4j .. 4j + 3.
 *
 * <p>The three widths are three copies of this class that differ only in their species: the
 * Vector API compiles to SIMD only where the species is a compile-time constant, which a
 * {@code static final} field guarantees and a parameter does not.
 */
final class VectorKernel128 extends ZKernel {

    static final VectorKernel128 INSTANCE = new VectorKernel128();

    private static final VectorSpecies<Long> LS = LongVector.SPECIES_128;
    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_128;
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_128;
    /** Philox blocks per iteration, one per long lane. */
    private static final int BLOCKS = LS.length();
    private static final int FLOATS = FS.length();
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
        long[] roundKey0 = new long[Philox4x32.ROUNDS];
        long[] roundKey1 = new long[Philox4x32.ROUNDS];
        for (int r = 0; r < Philox4x32.ROUNDS; r++) {
            roundKey0[r] = (k0 + r * Philox4x32.W0) & MASK32;
            roundKey1[r] = (k1 + r * Philox4x32.W1) & MASK32;
        }
        long tag = Distribution.GAUSSIAN.counterTag() & MASK32;
        LongVector laneBlock = LongVector.zero(LS).addIndex(1);
        long iterations = blocks / BLOCKS;
        for (long it = 0; it < iterations; it++) {
            LongVector counter = laneBlock.add(firstBlock + it * BLOCKS);
            LongVector x0 = counter.and(MASK32);
            LongVector x1 = counter.lanewise(LSHR, 32);
            LongVector x2 = LongVector.broadcast(LS, tag);
            LongVector x3 = LongVector.zero(LS);
            for (int r = 0; r < Philox4x32.ROUNDS; r++) {
                LongVector p0 = x0.mul(M0);
                LongVector p1 = x2.mul(M1);
                x0 = p1.lanewise(LSHR, 32).lanewise(XOR, x1).lanewise(XOR, roundKey0[r]);
                x1 = p1.and(MASK32);
                x2 = p0.lanewise(LSHR, 32).lanewise(XOR, x3).lanewise(XOR, roundKey1[r]);
                x3 = p0.and(MASK32);
            }
            IntVector a = x0.or(x2.lanewise(LSHL, 32)).reinterpretAsInts();
            IntVector b = x1.or(x3.lanewise(LSHL, 32)).reinterpretAsInts();
            long pos = byteOffset + it * (BLOCKS * 16L);
            if (mode == Mode.RAW) {
                a.rearrange(INT_ZIP_LOW, b).intoMemorySegment(seg, pos, LE);
                a.rearrange(INT_ZIP_HIGH, b).intoMemorySegment(seg, pos + FLOATS * 4L, LE);
                continue;
            }
            FloatVector r = radius(a);
            IntVector w = b.lanewise(LSHR, SHIFT).add(HALF_QUARTER);
            IntVector q = w.lanewise(LSHR, QUARTER_SHIFT);
            FloatVector x = ((FloatVector) w.and(QUARTER_MASK).sub(HALF_QUARTER).convert(I2F, 0)).mul(TWO_POW_M22).mul(HALF_PI);
            FloatVector xx = x.mul(x);
            FloatVector ps = xx.mul(S3).add(S2).mul(xx).add(S1);
            FloatVector sin = x.add(x.mul(xx).mul(ps));
            FloatVector pc = xx.mul(C3).add(C2).mul(xx).add(C1);
            FloatVector cos = FloatVector.broadcast(FS, 1f).sub(xx.mul(0.5f)).add(xx.mul(xx).mul(pc));
            VectorMask<Float> swap = q.and(1).compare(NE, 0).cast(FS);
            IntVector cosSign = q.add(1).and(2).lanewise(LSHL, 30);
            IntVector sinSign = q.and(2).lanewise(LSHL, 30);
            FloatVector zc = r.mul(cos.blend(sin, swap).reinterpretAsInts().lanewise(XOR, cosSign).reinterpretAsFloats());
            FloatVector zs = r.mul(sin.blend(cos, swap).reinterpretAsInts().lanewise(XOR, sinSign).reinterpretAsFloats());
            FloatVector low = zc.rearrange(ZIP_LOW, zs);
            FloatVector high = zc.rearrange(ZIP_HIGH, zs);
            long pos2 = pos + FLOATS * 4L;
            if (mode == Mode.AXPY) {
                low = FloatVector.fromMemorySegment(FS, seg, pos, LE).add(low.mul(c));
                high = FloatVector.fromMemorySegment(FS, seg, pos2, LE).add(high.mul(c));
            }
            low.intoMemorySegment(seg, pos, LE);
            high.intoMemorySegment(seg, pos2, LE);
        }
        long done = iterations * BLOCKS;
        ScalarKernel.gaussianRange(k0, k1, (firstBlock + done) << 2, (blocks - done) << 2, mode, c, seg,
                byteOffset + done * 16L);
    }

    /** {@link BoxMuller#radius} lane-wise. */
    private static FloatVector radius(IntVector a) {
        FloatVector u = ((FloatVector) a.lanewise(LSHR, SHIFT).add(1).convert(I2F, 0)).mul(TWO_POW_M24);
        IntVector bits = u.reinterpretAsInts();
        IntVector e = bits.sub(SQRT_HALF_BITS).lanewise(ASHR, 23);
        FloatVector f = bits.sub(e.lanewise(LSHL, 23)).reinterpretAsFloats().sub(1f);
        FloatVector z = f.mul(f);
        FloatVector p = f.mul(L8).add(L7);
        p = p.mul(f).add(L6);
        p = p.mul(f).add(L5);
        p = p.mul(f).add(L4);
        p = p.mul(f).add(L3);
        p = p.mul(f).add(L2);
        p = p.mul(f).add(L1);
        p = p.mul(f).add(L0);
        FloatVector fe = (FloatVector) e.convert(I2F, 0);
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
        IntVector one = FloatVector.broadcast(FS, 1f).reinterpretAsInts();
        IntVector cBits = FloatVector.broadcast(FS, c).reinterpretAsInts();
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
                        theta.add(cBits.lanewise(XOR, sign).reinterpretAsFloats()).intoMemorySegment(seg, pos, LE);
                    } else {
                        one.or(sign).reinterpretAsFloats().intoMemorySegment(seg, pos, LE);
                    }
                }
            }
        }
    }
}
