package dev.zoft.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The heap-based merge loop of {@link BpeModel} against the definition of BPE written the slow way
 * (scan all adjacent pairs, merge the lowest-ranked, leftmost on ties; repeat), on random vocabularies,
 * merge lists and words; and the options that change the initial symbols.
 */
class BpeModelProperties {

    @Property(tries = 300)
    void heapMergeEqualsTheNaiveDefinition(@ForAll long seed) {
        Random rnd = new Random(seed);
        String alphabet = "abcd\u00e9\ud83d\ude00".substring(0, 2 + rnd.nextInt(5));
        List<String> letters = alphabet.codePoints().mapToObj(Character::toString).toList();
        Map<String, Integer> vocab = new LinkedHashMap<>();
        letters.forEach(l -> vocab.putIfAbsent(l, vocab.size()));
        List<BpeModel.Merge> merges = new ArrayList<>();
        for (int i = 0, n = rnd.nextInt(40); i < n; i++) {
            List<String> tokens = new ArrayList<>(vocab.keySet());
            String a = tokens.get(rnd.nextInt(tokens.size()));
            String b = tokens.get(rnd.nextInt(tokens.size()));
            merges.add(new BpeModel.Merge(a, b));
            vocab.putIfAbsent(a + b, vocab.size());
        }
        BpeModel model = new BpeModel(vocab, merges, null, false, false, false, null, null);
        for (int w = 0; w < 20; w++) {
            StringBuilder word = new StringBuilder();
            for (int k = 1 + rnd.nextInt(30); k > 0; k--) {
                word.append(letters.get(rnd.nextInt(letters.size())));
            }
            IntArrayList out = new IntArrayList();
            model.tokenize(word.toString(), out);
            assertArrayEquals(naive(word.toString(), vocab, merges), out.toIntArray(), () -> "word " + word);
            IntArrayList again = new IntArrayList();
            model.tokenize(word.toString(), again);
            assertEquals(out, again, "cached result");
        }
    }

    /** BPE by its definition, O(n²) per word. Later duplicates of a pair win, as in the model. */
    private static int[] naive(String word, Map<String, Integer> vocab, List<BpeModel.Merge> merges) {
        Map<String, Integer> rank = new HashMap<>();
        for (int i = 0; i < merges.size(); i++) {
            rank.put(merges.get(i).left() + "\u0000" + merges.get(i).right(), i);
        }
        List<String> symbols = new ArrayList<>(word.codePoints().mapToObj(Character::toString).toList());
        while (true) {
            int best = -1;
            int bestRank = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < symbols.size(); i++) {
                Integer r = rank.get(symbols.get(i) + "\u0000" + symbols.get(i + 1));
                if (r != null && r < bestRank) {
                    bestRank = r;
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            symbols.set(best, symbols.get(best) + symbols.remove(best + 1));
        }
        return symbols.stream().mapToInt(vocab::get).toArray();
    }

    @Test
    void unknownCharactersFuseOrNotAndFallBackToBytes() {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        vocab.put("<unk>", 0);
        vocab.put("a", 1);
        for (int b = 0; b < 256; b++) {
            if (b != 0x9F) {
                vocab.put(BpeModel.byteToken(b), 2 + b);
            }
        }
        BpeModel fused = new BpeModel(vocab, List.of(), "<unk>", true, false, false, null, null);
        BpeModel separate = new BpeModel(vocab, List.of(), "<unk>", false, false, false, null, null);
        BpeModel bytes = new BpeModel(vocab, List.of(), "<unk>", true, true, false, null, null);
        BpeModel dropping = new BpeModel(vocab, List.of(), null, false, false, false, null, null);
        assertArrayEquals(new int[] {1, 0, 1}, ids(fused, "axyza"));
        assertArrayEquals(new int[] {1, 0, 0, 0, 1}, ids(separate, "axyza"));
        assertArrayEquals(new int[] {1, 2 + 'x', 2 + 0xC3, 2 + 0xA9, 1}, ids(bytes, "ax\u00e9a"));
        // U+1F600 is F0 9F 98 80 and <0x9F> is missing: no partial bytes, the unknown token instead.
        assertArrayEquals(new int[] {1, 0}, ids(bytes, "a\ud83d\ude00"));
        assertArrayEquals(new int[] {1, 1}, ids(dropping, "axa"));
    }

    @Test
    void ignoreMergesKeepsAWordThatIsAToken() {
        Map<String, Integer> vocab = new LinkedHashMap<>(Map.of("a", 0, "b", 1, "c", 2, "bc", 3, "abc", 4));
        List<BpeModel.Merge> merges = List.of(new BpeModel.Merge("b", "c"));
        assertArrayEquals(new int[] {0, 3}, ids(new BpeModel(vocab, merges, null, false, false, false, null, null), "abc"));
        assertArrayEquals(new int[] {4}, ids(new BpeModel(vocab, merges, null, false, false, true, null, null), "abc"));
    }

    @Test
    void continuingPrefixAndSuffix() {
        Map<String, Integer> vocab = new LinkedHashMap<>(Map.of("a", 0, "##b", 1, "##c</w>", 2, "a##b", 3, "ab", 4));
        List<BpeModel.Merge> merges = List.of(new BpeModel.Merge("a", "##b"));
        BpeModel model = new BpeModel(vocab, merges, null, false, false, false, "##", "</w>");
        assertArrayEquals(new int[] {4, 2}, ids(model, "abc"));
    }

    @Test
    void badMergesNameTheToken() {
        Map<String, Integer> vocab = Map.of("a", 0, "b", 1);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new BpeModel(vocab, List.of(new BpeModel.Merge("a", "b")), null, false, false, false, null, null));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("'ab'"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new BpeModel(vocab, List.of(new BpeModel.Merge("a", "z")), null, false, false, false, null, null));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("'z'"), e.getMessage());
    }

    private static int[] ids(BpeModel model, String word) {
        IntArrayList out = new IntArrayList();
        model.tokenize(word, out);
        return out.toIntArray();
    }
}
