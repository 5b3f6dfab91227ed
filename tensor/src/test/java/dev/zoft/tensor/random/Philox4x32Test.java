package dev.zoft.tensor.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The scalar Philox4x32-10 against Apache Commons RNG 1.7's {@code Philox4x32} (an independent
 * implementation) and against the published Random123 known-answer vectors.
 *
 * <p>Commons RNG is seeded with {@code int[]{k0, k1, c0, c1, c2, c3}} and increments the counter
 * before generating each block, so its stream starts at block {@code counter + 1}.
 */
class Philox4x32Test {

    private static final int OUTPUTS = 4 * 64;

    @Property(tries = 300)
    void streamMatchesCommonsRng(@ForAll int k0, @ForAll int k1, @ForAll int c0, @ForAll int c1,
                                 @ForAll int c2, @ForAll int c3) {
        assertSameStream(k0, k1, new int[] {c0, c1, c2, c3});
    }

    @Test
    void counterCarriesAcrossWords() {
        // The 64 blocks of each stream cross a carry from word 0 into word 1, word 1 into 2, 2 into
        // 3, and the wrap of the whole 128-bit counter to zero.
        int[][] counters = {
            {-20, 0, 0, 0},
            {-20, -1, 0, 0},
            {-20, -1, -1, 0},
            {-20, -1, -1, -1},
            {-1, 7, 0x1234, 0},
            {0xFFFF_FFF0, 0x7FFF_FFFF, 0, 0},
        };
        long[] keys = {0L, -1L, 0x0123_4567_89AB_CDEFL, 42L};
        for (int[] counter : counters) {
            for (long key : keys) {
                assertSameStream((int) key, (int) (key >>> 32), counter);
            }
        }
    }

    @Test
    void knownAnswersFromRandom123() {
        // kat_vectors of Random123 1.09: philox4x32 10 <counter words> <key words> <output words>.
        assertBlock(new int[] {0, 0, 0, 0}, 0, 0, new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8});
        assertBlock(new int[] {-1, -1, -1, -1}, -1, -1, new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd});
        assertBlock(new int[] {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, 0xa4093822, 0x299f31d0,
                new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1});
    }

    @Test
    void streamEmitsBlocksWordZeroFirst() {
        int[] words = new int[4];
        Philox4x32.Stream stream = new Philox4x32.Stream(5, 6, new int[] {-1, 0, 0, 0});
        Philox4x32.block(5, 6, -1, 0, 0, 0, words, 0);
        for (int w = 0; w < 4; w++) {
            assertEquals(words[w], stream.next());
        }
        Philox4x32.block(5, 6, 0, 1, 0, 0, words, 0);
        for (int w = 0; w < 4; w++) {
            assertEquals(words[w], stream.next());
        }
    }

    private static void assertBlock(int[] counter, int k0, int k1, int[] expected) {
        int[] out = new int[6];
        Philox4x32.block(k0, k1, counter[0], counter[1], counter[2], counter[3], out, 2);
        assertArrayEquals(expected, java.util.Arrays.copyOfRange(out, 2, 6));
    }

    private static void assertSameStream(int k0, int k1, int[] counter) {
        org.apache.commons.rng.core.source32.Philox4x32 commons = new org.apache.commons.rng.core.source32.Philox4x32(
                new int[] {k0, k1, counter[0], counter[1], counter[2], counter[3]});
        Philox4x32.Stream ours = new Philox4x32.Stream(k0, k1, plusOne(counter));
        for (int i = 0; i < OUTPUTS; i++) {
            int expected = commons.nextInt();
            int actual = ours.next();
            if (expected != actual) {
                throw new AssertionError(String.format(
                        "word %d of key (%08x, %08x) counter %s + 1: Commons RNG %08x, ours %08x",
                        i, k0, k1, java.util.Arrays.toString(counter), expected, actual));
            }
        }
    }

    private static int[] plusOne(int[] counter) {
        int[] next = counter.clone();
        for (int w = 0; w < 4 && ++next[w] == 0; w++) {
            // carry into the next word
        }
        return next;
    }
}
