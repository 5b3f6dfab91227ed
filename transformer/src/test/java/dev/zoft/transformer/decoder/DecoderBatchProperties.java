package dev.zoft.transformer.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Left and right padding describe the same sequences: same real tokens, positions and labels. */
class DecoderBatchProperties {

    @Property(tries = 200)
    void leftAndRightPaddingAgreeOnEveryRealToken(@ForAll @IntRange(min = 1, max = 6) int count,
                                                  @ForAll @IntRange(min = 0, max = 1000) int seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        List<int[]> seqs = new ArrayList<>();
        int[] prompts = new int[count];
        for (int i = 0; i < count; i++) {
            seqs.add(r.ints(r.nextInt(1, 12), 0, 100).toArray());
            prompts[i] = r.nextInt(0, seqs.get(i).length + 1);
        }
        DecoderBatch left = DecoderBatch.leftPadded(seqs, 7);
        DecoderBatch right = DecoderBatch.rightPadded(seqs, 7);
        assertEquals(left.seqLen(), right.seqLen());
        for (int b = 0; b < count; b++) {
            int[] s = seqs.get(b);
            assertArrayEquals(realOf(left, left.ids(), b), s);
            assertArrayEquals(realOf(right, right.ids(), b), s);
            int[] pos = realOf(left, left.positions(), b);
            assertArrayEquals(pos, realOf(right, right.positions(), b));
            for (int t = 0; t < pos.length; t++) {
                assertEquals(t, pos[t], "a real token's position is its index in the sequence");
            }
            assertArrayEquals(realOf(left, left.nextTokenLabels(prompts), b), realOf(right, right.nextTokenLabels(prompts), b));
            int[] labels = realOf(left, left.nextTokenLabels(), b);
            for (int t = 0; t < s.length; t++) {
                assertEquals(t + 1 < s.length ? s[t + 1] : DecoderBatch.IGNORE, labels[t]);
            }
            assertEquals(s[s.length - 1], left.ids()[left.lastRow(b)]);
            assertEquals(s[s.length - 1], right.ids()[right.lastRow(b)]);
        }
        for (int row = 0; row < left.tokens(); row++) {
            if (left.mask()[row] == 0) {
                assertEquals(DecoderBatch.IGNORE, left.nextTokenLabels()[row], "padding is never a target");
            }
        }
    }

    /** The values of sequence b's real tokens, in order. */
    private static int[] realOf(DecoderBatch batch, int[] values, int b) {
        int[] mask = batch.mask();
        return java.util.stream.IntStream.range(b * batch.seqLen(), (b + 1) * batch.seqLen())
                .filter(i -> mask[i] == 1).map(i -> values[i]).toArray();
    }
}
