package dev.zoft.zo.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatasetTest {

    /** 30 examples: 20 of class 0, 10 of class 1, texts "t0".."t29". */
    static Dataset sample() {
        List<LabeledText> l = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            l.add(new LabeledText("t" + i, i % 3 == 0 ? 1 : 0));
        }
        return Dataset.of(l, Labels.sentiment(), "sample");
    }

    @Test
    void accessorsAndCounts() {
        Dataset d = sample();
        assertEquals(30, d.size());
        assertEquals(new LabeledText("t3", 1), d.get(3));
        assertArrayEquals(new int[] {20, 10}, d.labelCounts());
        assertEquals(2, d.numLabels());
        assertEquals("positive", d.labels().name(1));
        assertEquals(30, d.examples().size());
        assertThrows(UnsupportedOperationException.class, () -> d.texts().set(0, "x"));
        int[] labels = d.labelArray();
        labels[1] = 1;
        assertEquals(0, d.label(1), "labelArray must be a copy");
        assertThrows(IllegalArgumentException.class,
                () -> Dataset.of(List.of(new LabeledText("x", 2)), Labels.sentiment(), "bad"));
        assertThrows(IllegalArgumentException.class, () -> new LabeledText("x", -1));
    }

    @Test
    void firstN() {
        Dataset d = sample().firstN(5);
        assertEquals(List.of("t0", "t1", "t2", "t3", "t4"), d.texts());
        assertEquals("sample (first 5)", d.source());
        assertEquals(30, sample().firstN(100).size());
    }

    @Test
    void shuffledIsADeterministicPermutation() {
        Dataset a = sample().shuffled(42);
        Dataset b = sample().shuffled(42);
        Dataset c = sample().shuffled(43);
        assertEquals(a.texts(), b.texts());
        assertNotEquals(a.texts(), c.texts());
        assertNotEquals(sample().texts(), a.texts());
        assertEquals(sample().texts().stream().sorted().toList(), a.texts().stream().sorted().toList());
        for (int i = 0; i < a.size(); i++) {
            // the label travels with its text
            int k = Integer.parseInt(a.text(i).substring(1));
            assertEquals(k % 3 == 0 ? 1 : 0, a.label(i));
        }
    }

    @Test
    void balancedTakesEqualCountsWithoutRepeats() {
        Dataset b = sample().balanced(7, 1);
        assertArrayEquals(new int[] {7, 7}, b.labelCounts());
        assertEquals(14, b.texts().stream().distinct().count());
        assertEquals(b.texts(), sample().balanced(7, 1).texts());
        assertNotEquals(b.texts(), sample().balanced(7, 2).texts());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sample().balanced(11, 1));
        assertTrue(e.getMessage().contains("has only 10"), e.getMessage());
    }

    @Test
    void stratifiedKeepsClassProportions() {
        Dataset s = sample().stratified(9, 5);
        assertArrayEquals(new int[] {6, 3}, s.labelCounts());
        assertArrayEquals(new int[] {5, 2}, sample().stratified(7, 5).labelCounts()); // 4.67 + 2.33
        assertEquals(30, sample().stratified(30, 5).texts().stream().distinct().count());
        assertThrows(IllegalArgumentException.class, () -> sample().stratified(31, 5));
    }

    @Test
    void subsetAllowsRepeatsAndChecksBounds() {
        Dataset s = sample().subset(new int[] {3, 3, 0}, "picked");
        assertEquals(List.of("t3", "t3", "t0"), s.texts());
        assertEquals("sample (picked)", s.source());
        assertThrows(IndexOutOfBoundsException.class, () -> sample().subset(new int[] {30}, "x"));
    }

    @Test
    void labelsResolveNamesThenIndices() {
        Labels l = Labels.of("neg", "pos");
        assertEquals(1, l.parse("pos"));
        assertEquals(0, l.parse("0"));
        assertEquals(-1, l.parse("2"));
        assertEquals(-1, l.parse("Pos"));
        assertEquals(-1, l.parse("+1"));
        assertEquals(-1, l.parse("99999999999999"));
        assertEquals(-1, l.parse(""));
        Labels ints = Labels.integers(3);
        assertEquals(2, ints.parse("2"));
        assertEquals("1", ints.name(1));
        assertThrows(IllegalArgumentException.class, () -> Labels.of("a", "a"));
        assertThrows(IllegalArgumentException.class, () -> Labels.of("only"));
    }

    @Test
    void largestRemainderSumsExactly() {
        assertArrayEquals(new int[] {1, 1, 1}, Apportion.largestRemainder(new double[] {1, 1, 1}, 3));
        assertArrayEquals(new int[] {2, 1, 1}, Apportion.largestRemainder(new double[] {1, 1, 1}, 4));
        assertArrayEquals(new int[] {0, 5}, Apportion.largestRemainder(new double[] {0, 3}, 5));
        Map<Integer, Integer> seen = new HashMap<>();
        java.util.SplittableRandom r = new java.util.SplittableRandom(9);
        for (int t = 0; t < 200; t++) {
            double[] w = new double[1 + r.nextInt(20)];
            for (int i = 0; i < w.length; i++) {
                w[i] = r.nextDouble() < 0.3 ? 0 : r.nextDouble() * Math.pow(10, r.nextInt(-300, 300));
            }
            w[r.nextInt(w.length)] = 1;
            int total = r.nextInt(100_000);
            int[] out = Apportion.largestRemainder(w, total);
            int sum = 0;
            for (int i = 0; i < out.length; i++) {
                assertTrue(out[i] >= 0);
                if (w[i] == 0) {
                    assertEquals(0, out[i], "a zero weight gets nothing");
                }
                sum += out[i];
            }
            assertEquals(total, sum);
            seen.merge(w.length, 1, Integer::sum);
        }
        assertTrue(seen.size() > 10);
    }
}
