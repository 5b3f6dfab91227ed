package dev.zoft.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Right padding keeps every sequence's ids in place and marks exactly its tokens as real. */
class EncoderBatchProperties {

    @Property(tries = 200)
    void rightPaddingKeepsIdsAndMasksExactlyTheRealTokens(
            @ForAll @Size(min = 1, max = 6) List<@Size(min = 1, max = 20) List<@IntRange(min = 0, max = 30521) Integer>> sequences,
            @ForAll @IntRange(min = 0, max = 5) int extra,
            @ForAll @IntRange(min = 0, max = 3) int padId) {
        List<int[]> rows = sequences.stream().map(s -> s.stream().mapToInt(Integer::intValue).toArray()).toList();
        int longest = rows.stream().mapToInt(r -> r.length).max().orElseThrow();
        EncoderBatch batch = EncoderBatch.rightPadded(rows, longest + extra, padId);
        assertEquals(rows.size(), batch.batchSize());
        assertEquals(longest + extra, batch.seqLen());
        int[] ids = batch.ids();
        int[] mask = batch.mask();
        int[] types = batch.typeIds();
        for (int b = 0; b < rows.size(); b++) {
            int[] row = rows.get(b);
            assertEquals(row.length, batch.realTokens(b));
            for (int t = 0; t < batch.seqLen(); t++) {
                int i = b * batch.seqLen() + t;
                assertEquals(t < row.length ? row[t] : padId, ids[i]);
                assertEquals(t < row.length ? 1 : 0, mask[i]);
                assertEquals(0, types[i]);
            }
        }
    }
}
