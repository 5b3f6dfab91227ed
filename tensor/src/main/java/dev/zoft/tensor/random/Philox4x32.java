package dev.zoft.tensor.random;

import java.util.Objects;

/**
 * Scalar reference of the Philox4x32-10 counter-based generator (Salmon, Moraes, Dror and Shaw,
 * "Parallel random numbers: as easy as 1, 2, 3", SC'11).
 *
 * <p>Philox is a keyed bijection of a 128-bit counter: {@code block(key, counter)} gives four
 * 32-bit words, and nothing else (no state). A 64-bit key is two words {@code (k0, k1)}; the
 * counter is four words {@code (c0, c1, c2, c3)}, c0 the least significant. One round multiplies
 * words 0 and 2 by {@link #M0} and {@link #M1} into 64-bit products and mixes the high halves with
 * the other words and the key:
 *
 * <pre>
 *   (hi0, lo0) = M0 · x0          (hi1, lo1) = M1 · x2
 *   x0' = hi1 ^ x1 ^ k0           x1' = lo1
 *   x2' = hi0 ^ x3 ^ k1           x3' = lo0
 * </pre>
 *
 * and the key is bumped by {@code (W0, W1)} between rounds (mod 2³²); there are ten rounds. The
 * output words are {@code (x0, x1, x2, x3)} in that order.
 *
 * <p>As a stream generator (Apache Commons RNG's {@code Philox4x32}, Random123's engines), the
 * outputs of block {@code c}, then {@code c + 1} (a 128-bit increment), ... are emitted word 0
 * first. This class is the definition the vector kernels of {@link PerturbationGenerator} are
 * tested against; it is not meant to be fast.
 */
public final class Philox4x32 {

    /** Multiplier of word 0. */
    public static final int M0 = 0xD2511F53;
    /** Multiplier of word 2. */
    public static final int M1 = 0xCD9E8D57;
    /** Key bump of k0 (the golden ratio, 2³²/φ). */
    public static final int W0 = 0x9E3779B9;
    /** Key bump of k1 (√3 − 1, scaled to 2³²). */
    public static final int W1 = 0xBB67AE85;
    /** Rounds of Philox4x32-10. */
    public static final int ROUNDS = 10;

    private static final long MASK32 = 0xFFFF_FFFFL;

    private Philox4x32() {
    }

    /**
     * Computes one Philox4x32-10 block.
     *
     * @param k0 key word 0
     * @param k1 key word 1
     * @param c0 counter word 0 (least significant)
     * @param c1 counter word 1
     * @param c2 counter word 2
     * @param c3 counter word 3 (most significant)
     * @param out receives the four output words at {@code out[offset .. offset + 3]}
     * @param offset first index written
     */
    public static void block(int k0, int k1, int c0, int c1, int c2, int c3, int[] out, int offset) {
        Objects.checkFromIndexSize(offset, 4, Objects.requireNonNull(out, "out").length);
        int x0 = c0, x1 = c1, x2 = c2, x3 = c3;
        for (int round = 0; round < ROUNDS; round++) {
            long p0 = (M0 & MASK32) * (x0 & MASK32);
            long p1 = (M1 & MASK32) * (x2 & MASK32);
            x0 = (int) (p1 >>> 32) ^ x1 ^ k0;
            x1 = (int) p1;
            x2 = (int) (p0 >>> 32) ^ x3 ^ k1;
            x3 = (int) p0;
            k0 += W0;
            k1 += W1;
        }
        out[offset] = x0;
        out[offset + 1] = x1;
        out[offset + 2] = x2;
        out[offset + 3] = x3;
    }

    /**
     * A stream view: the words of blocks {@code counter, counter + 1, ...} in order, the counter
     * incremented as a 128-bit integer (carrying from word 0 to word 3, wrapping at 2¹²⁸).
     * Commons RNG's {@code Philox4x32} seeded with {@code (k0, k1, c0, c1, c2, c3)} emits the
     * stream starting at {@code counter + 1}; {@code new Stream(k0, k1, c).next()} emits the
     * stream starting at {@code c}.
     */
    public static final class Stream {
        private final int k0;
        private final int k1;
        private final int[] counter;
        private final int[] buffer = new int[4];
        private int position = 4;

        /**
         * @param k0 key word 0
         * @param k1 key word 1
         * @param counter the four counter words of the first block, least significant first
         */
        public Stream(int k0, int k1, int[] counter) {
            if (Objects.requireNonNull(counter, "counter").length != 4) {
                throw new IllegalArgumentException("a Philox4x32 counter has 4 words, got " + counter.length);
            }
            this.k0 = k0;
            this.k1 = k1;
            this.counter = counter.clone();
        }

        /** The next 32-bit output word. */
        public int next() {
            if (position == 4) {
                block(k0, k1, counter[0], counter[1], counter[2], counter[3], buffer, 0);
                increment();
                position = 0;
            }
            return buffer[position++];
        }

        private void increment() {
            for (int w = 0; w < 4; w++) {
                if (++counter[w] != 0) {
                    return;
                }
            }
        }
    }
}
