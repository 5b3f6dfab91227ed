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
 * a mask. Four vectors of blocks go through the ten rounds side by side, which gives the core four
 * independent multiply chains and shares each round key's broadcast between them. Words 0 and 2
 * of every block are then packed into one long lane ({@code x0 | x2 << 32}) and stored as int
 * lanes {@code [x0, x2]} (reinterpretation is little-endian), words 1 and 3 likewise into a second
 * scratch array: so int lane 2j holds the Box–Muller pair (x0, x1) of block j and lane 2j + 1 the
 * pair (x2, x3). Then Box–Muller repeats {@link BoxMuller} lane-wise, operation for operation,
 * and a zip of the cosine and sine vectors puts block j's four values at indices 4j .. 4j + 3.
 * The scratch pass is deliberate: one method doing both is too large for C2 to inline every
 * Vector API call, and a vector that is not inlined is boxed on the heap (a helper method taking
 * or returning vectors costs the same, so the loops are written out in place). The scratch
 * arrays are per-thread and reused, so a call allocates nothing.
 *
 * <p>Rademacher values take the same vector Philox (counter tag 1) for {@link #CHUNK_BLOCKS}
 * blocks at a time; each 32-bit word then gives 32 values, the sign bit of value l being bit l of
 * the word shifted up to bit 31 and XORed into the bits of c (so θ + c·z is θ ± c without a
 * multiply: {@code c·(±1)} is exactly {@code ±c}). Per parameter that is a load, an add and a
 * store: the pass runs at memory bandwidth.
 *
 * <p>The three widths are three copies of this class that differ only in their species: the
 * Vector API compiles to SIMD only where the species is a compile-time constant, which a
 * {@code static final} field guarantees and a parameter does not. Keep them identical (they are
 * generated from the 128-bit one by replacing "128").
 */
final class VectorKernel128 extends ZKernel {

    static final VectorKernel128 INSTANCE = new VectorKernel128();

    private static final VectorSpecies<Long> LS = LongVector.SPECIES_128;
    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_128;
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_128;
    /** Philox blocks per iteration, one per long lane. */
    private static final int BLOCKS = LS.length();
    private static final int FLOATS = FS.length();
    /**
     * Blocks per pass: Philox fills 2 × 2 KB of scratch words, then Box–Muller (or the Rademacher
     * expansion) consumes them while they are in L1.
     */
    private static final int CHUNK_BLOCKS = 128;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
    private static final VectorShuffle<Float> ZIP_LOW = VectorShuffle.makeZip(FS, 0);
    private static final VectorShuffle<Float> ZIP_HIGH = VectorShuffle.makeZip(FS, 1);
    private static final VectorShuffle<Integer> INT_ZIP_LOW = VectorShuffle.makeZip(IS, 0);
    private static final VectorShuffle<Integer> INT_ZIP_HIGH = VectorShuffle.makeZip(IS, 1);
    /** Bytes of F32 values one Rademacher block covers. */
    private static final long RADEMACHER_BLOCK_BYTES = 4L * Distribution.RADEMACHER.indicesPerBlock();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final long MASK32 = 0xFFFF_FFFFL;
    private static final long M0 = Philox4x32.M0 & MASK32;
    private static final long M1 = Philox4x32.M1 & MASK32;

    private VectorKernel128() {
    }

    /**
     * One thread's working memory, reused by every call on that thread: the round keys and the
     * words of one pass ({@code [x0, x2]} pairs in {@code a}, {@code [x1, x3]} pairs in {@code b}).
     */
    private static final class Scratch {
        final long[] roundKeys = new long[2 * Philox4x32.ROUNDS];
        final int[] a = new int[2 * CHUNK_BLOCKS];
        final int[] b = new int[2 * CHUNK_BLOCKS];
        /** One block's words, for the blocks of a range's tail that Philox makes one at a time. */
        final int[] words = new int[4];

        /** Fills {@link #roundKeys} with {@code (k0 + r·W0, k1 + r·W1)}, zero-extended, interleaved. */
        long[] keys(int k0, int k1) {
            for (int r = 0; r < Philox4x32.ROUNDS; r++) {
                roundKeys[2 * r] = (k0 + r * Philox4x32.W0) & MASK32;
                roundKeys[2 * r + 1] = (k1 + r * Philox4x32.W1) & MASK32;
            }
            return roundKeys;
        }
    }

    @Override
    void gaussianBlocks(int k0, int k1, long firstBlock, long blocks, Mode mode, float c, MemorySegment seg, long byteOffset) {
        Scratch scratch = SCRATCH.get();
        long[] roundKeys = scratch.keys(k0, k1);
        long tag = Distribution.GAUSSIAN.counterTag() & MASK32;
        long whole = blocks - blocks % BLOCKS;
        int[] a = scratch.a;
        int[] b = scratch.b;
        for (long done = 0; done < whole; ) {
            int n = (int) Math.min(CHUNK_BLOCKS, whole - done);
            philox(roundKeys, tag, firstBlock + done, n, a, b);
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
     * Philox blocks {@code [firstBlock, firstBlock + n)} of counter tag {@code tag} (n a multiple
     * of {@link #BLOCKS}) into {@code a[2j] = x0, a[2j + 1] = x2, b[2j] = x1, b[2j + 1] = x3} of
     * block {@code firstBlock + j}: four vectors of blocks per iteration, then one at a time for the tail.
     */
    private static void philox(long[] roundKeys, long tag, long firstBlock, int n, int[] a, int[] b) {
        LongVector laneBlock = LongVector.zero(LS).addIndex(1);
        int j = 0;
        for (; j + 4 * BLOCKS <= n; j += 4 * BLOCKS) {
            LongVector cx = laneBlock.add(firstBlock + j);
            LongVector cy = laneBlock.add(firstBlock + j + BLOCKS);
            LongVector cz = laneBlock.add(firstBlock + j + 2 * BLOCKS);
            LongVector cw = laneBlock.add(firstBlock + j + 3 * BLOCKS);
            LongVector x0 = cx.and(MASK32);
            LongVector y0 = cy.and(MASK32);
            LongVector z0 = cz.and(MASK32);
            LongVector w0 = cw.and(MASK32);
            LongVector x1 = cx.lanewise(LSHR, 32);
            LongVector y1 = cy.lanewise(LSHR, 32);
            LongVector z1 = cz.lanewise(LSHR, 32);
            LongVector w1 = cw.lanewise(LSHR, 32);
            LongVector x2 = LongVector.broadcast(LS, tag);
            LongVector y2 = x2;
            LongVector z2 = x2;
            LongVector w2 = x2;
            LongVector x3 = LongVector.zero(LS);
            LongVector y3 = x3;
            LongVector z3 = x3;
            LongVector w3 = x3;
            for (int r = 0; r < 2 * Philox4x32.ROUNDS; r += 2) {
                long ka = roundKeys[r];
                long kb = roundKeys[r + 1];
                LongVector px = x0.mul(M0);
                LongVector py = y0.mul(M0);
                LongVector pz = z0.mul(M0);
                LongVector pw = w0.mul(M0);
                LongVector qx = x2.mul(M1);
                LongVector qy = y2.mul(M1);
                LongVector qz = z2.mul(M1);
                LongVector qw = w2.mul(M1);
                x0 = qx.lanewise(LSHR, 32).lanewise(XOR, x1).lanewise(XOR, ka);
                y0 = qy.lanewise(LSHR, 32).lanewise(XOR, y1).lanewise(XOR, ka);
                z0 = qz.lanewise(LSHR, 32).lanewise(XOR, z1).lanewise(XOR, ka);
                w0 = qw.lanewise(LSHR, 32).lanewise(XOR, w1).lanewise(XOR, ka);
                x1 = qx.and(MASK32);
                y1 = qy.and(MASK32);
                z1 = qz.and(MASK32);
                w1 = qw.and(MASK32);
                x2 = px.lanewise(LSHR, 32).lanewise(XOR, x3).lanewise(XOR, kb);
                y2 = py.lanewise(LSHR, 32).lanewise(XOR, y3).lanewise(XOR, kb);
                z2 = pz.lanewise(LSHR, 32).lanewise(XOR, z3).lanewise(XOR, kb);
                w2 = pw.lanewise(LSHR, 32).lanewise(XOR, w3).lanewise(XOR, kb);
                x3 = px.and(MASK32);
                y3 = py.and(MASK32);
                z3 = pz.and(MASK32);
                w3 = pw.and(MASK32);
            }
            ((IntVector) x0.or(x2.lanewise(LSHL, 32)).reinterpretShape(IS, 0)).intoArray(a, 2 * j);
            ((IntVector) x1.or(x3.lanewise(LSHL, 32)).reinterpretShape(IS, 0)).intoArray(b, 2 * j);
            ((IntVector) y0.or(y2.lanewise(LSHL, 32)).reinterpretShape(IS, 0)).intoArray(a, 2 * j + 2 * BLOCKS);
            ((IntVector) y1.or(y3.lanewise(LSHL, 32)).reinterpretShape(IS, 0)).intoArray(b, 2 * j + 2 * BLOCKS);
            ((IntVector) z0.or(z2.lanewise(LSHL, 32)).reinterpretShape(IS, 0)).intoArray(a, 2 * j + 4 * BLOCKS);
            ((IntVector) z1.or(z3.lanewise(LSHL, 32)).reinterpretShape(IS, 0)).intoArray(b, 2 * j + 4 * BLOCKS);
            ((IntVector) w0.or(w2.lanewise(LSHL, 32)).reinterpretShape(IS, 0)).intoArray(a, 2 * j + 6 * BLOCKS);
            ((IntVector) w1.or(w3.lanewise(LSHL, 32)).reinterpretShape(IS, 0)).intoArray(b, 2 * j + 6 * BLOCKS);
        }
        for (; j < n; j += BLOCKS) {
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
            // BoxMuller.radius lane-wise, written out here rather than called: the helper would be
            // near C2's inlining size limit, and past it every vector it returns is boxed (2x slower).
            FloatVector u = ((FloatVector) IntVector.fromArray(IS, a, i).lanewise(LSHR, SHIFT).add(1)
                    .convertShape(I2F, FS, 0)).mul(TWO_POW_M24);
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
            FloatVector r = f.add(y).add(fe.mul(LN2_HI)).mul(-2f).sqrt();
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

    @Override
    void rademacherBlocks(int k0, int k1, long firstBlock, long blocks, Mode mode, float c, MemorySegment seg, long byteOffset) {
        Scratch scratch = SCRATCH.get();
        long[] roundKeys = scratch.keys(k0, k1);
        long tag = Distribution.RADEMACHER.counterTag() & MASK32;
        long whole = blocks - blocks % BLOCKS;
        int[] a = scratch.a;
        int[] b = scratch.b;
        for (long done = 0; done < whole; ) {
            int n = (int) Math.min(CHUNK_BLOCKS, whole - done);
            philox(roundKeys, tag, firstBlock + done, n, a, b);
            expandSigns(a, b, n, mode == Mode.AXPY, c, seg, byteOffset + done * RADEMACHER_BLOCK_BYTES);
            done += n;
        }
        // The last blocks, fewer than a vector of them: scalar Philox but still the vector
        // expansion. Values emitted one at a time by the scalar twin cost ~60x more, and every
        // tensor of a model ends in such a tail.
        int rest = (int) (blocks - whole);
        int[] words = scratch.words;
        for (int j = 0; j < rest; j++) {
            long block = firstBlock + whole + j;
            Philox4x32.block(k0, k1, (int) block, (int) (block >>> 32), (int) tag, 0, words, 0);
            a[2 * j] = words[0];
            b[2 * j] = words[1];
            a[2 * j + 1] = words[2];
            b[2 * j + 1] = words[3];
        }
        expandSigns(a, b, rest, mode == Mode.AXPY, c, seg, byteOffset + whole * RADEMACHER_BLOCK_BYTES);
    }

    /**
     * The ±1 values of each of n blocks (32 per word) whose words {@link #philox} left in a and b (word
     * order x0, x1, x2, x3 = a[2j], b[2j], a[2j + 1], b[2j + 1]), stored or added times c.
     */
    private static void expandSigns(int[] a, int[] b, int n, boolean axpy, float c, MemorySegment seg, long pos) {
        // Lane l of vector v within a word takes bit v·FLOATS + l: shift it left to the sign bit.
        IntVector toSignBit = IntVector.broadcast(IS, 31).sub(IntVector.zero(IS).addIndex(1));
        IntVector magnitude = (IntVector) FloatVector.broadcast(FS, axpy ? c : 1f).reinterpretShape(IS, 0);
        for (int i = 0; i < 2 * n; i++) {
            for (int half = 0; half < 2; half++) {
                IntVector word = IntVector.broadcast(IS, half == 0 ? a[i] : b[i]);
                for (int v = 0; v < 32; v += FLOATS, pos += FLOATS * 4L) {
                    FloatVector signed = (FloatVector) word.lanewise(LSHL, toSignBit.sub(v)).and(SIGN)
                            .lanewise(XOR, magnitude).reinterpretShape(FS, 0);
                    if (axpy) {
                        signed = FloatVector.fromMemorySegment(FS, seg, pos, LE).add(signed);
                    }
                    signed.intoMemorySegment(seg, pos, LE);
                }
            }
        }
    }
}
