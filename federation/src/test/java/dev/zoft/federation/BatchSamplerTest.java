package dev.zoft.federation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BatchSamplerTest {

    @Test
    void batchesAreReproducibleAndWalkThroughTheShardWithoutRepeatsPerPass() {
        int[][] a = BatchSampler.sample(10, 4, 5, 123);
        assertArrayEquals(a, BatchSampler.sample(10, 4, 5, 123));
        assertFalse(Arrays.deepEquals(a, BatchSampler.sample(10, 4, 5, 124)));
        // The first 8 picks are distinct (one pass of 10 not yet exhausted).
        boolean[] seen = new boolean[10];
        for (int s = 0; s < 2; s++) {
            for (int i : a[s]) {
                assertTrue(i >= 0 && i < 10);
                assertFalse(seen[i], "repeat " + i);
                seen[i] = true;
            }
        }
    }

    @Test
    void aShardSmallerThanABatchGivesTheWholeShardEveryStep() {
        int[][] a = BatchSampler.sample(3, 8, 4, 1);
        for (int[] b : a) {
            assertEquals(3, b.length);
            int[] sorted = b.clone();
            Arrays.sort(sorted);
            assertArrayEquals(new int[] {0, 1, 2}, sorted);
        }
    }
}
