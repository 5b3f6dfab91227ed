package dev.zoft.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The pipeline's pieces on a small hand-made vocabulary, where the expected tokens can be worked out
 * by hand (ids are positions in {@link SmallTokenizers#VOCAB}).
 */
class WordPieceTest {
    private final HfTokenizer t = SmallTokenizers.load(SmallTokenizers.bert());

    private List<String> tokens(String text) {
        return t.encode(text).tokens();
    }

    @Test
    void greedyLongestMatchFirstWithContinuationPrefix() {
        assertEquals(List.of("[CLS]", "un", "##aff", "##able", "[SEP]"), tokens("unaffable"));
        assertEquals(List.of("[CLS]", "aff", "##ord", "##able", "[SEP]"), tokens("AFFORDABLE"));
        assertEquals(List.of("[CLS]", "play", "##ing", "!", "[SEP]"), tokens("playing!"));
        assertEquals(List.of("[CLS]", "a", "##a", "##a", "[SEP]"), tokens("aaa"));
    }

    @Test
    void aWordThatCannotBeCoveredIsOneUnknownToken() {
        // "unaffz": un ##aff match, then z does not: the whole word is [UNK], not un ##aff [UNK].
        assertEquals(List.of("[CLS]", "[UNK]", "[SEP]"), tokens("unaffz"));
        assertEquals(List.of("[CLS]", "a", "[UNK]", "b", "[SEP]"), tokens("a zz b"));
    }

    @Test
    void wordsLongerThanMaxInputCharsAreUnknown() {
        assertEquals(102, t.encode("a".repeat(100)).length()); // 100 pieces + [CLS] + [SEP]
        assertEquals(List.of("[CLS]", "[UNK]", "[SEP]"), tokens("a".repeat(101)));
        // The limit counts code points, not UTF-16 units: 100 emoji are 200 chars but still allowed.
        assertEquals(102, t.encode("😀".repeat(100)).length());
        assertEquals(List.of("[CLS]", "[UNK]", "[SEP]"), tokens("😀".repeat(101)));
        ObjectNode json = SmallTokenizers.bert();
        ((ObjectNode) json.get("model")).put("max_input_chars_per_word", 3);
        assertEquals(List.of("[CLS]", "a", "##a", "##a", "[UNK]", "[SEP]"),
                SmallTokenizers.load(json).encode("aaa aaaa").tokens());
    }

    @Test
    void supplementaryCharactersAreMatchedWhole() {
        assertEquals(List.of("[CLS]", "😀", "##😀", "a", "[UNK]", "[SEP]"), tokens("😀😀 a 🥰"));
    }

    @Test
    void normalizerStripsAccentsAndLowercasesAndCleans() {
        assertEquals(List.of("[CLS]", "e", "e", "a", "b", "[SEP]"), tokens("É e\u0301 a\u0000\u200b\u00a0b"));
        ObjectNode json = SmallTokenizers.bert();
        ((ObjectNode) json.get("normalizer")).put("strip_accents", false);
        assertEquals(List.of("[CLS]", "é", "[SEP]"), SmallTokenizers.load(json).encode("É").tokens());
    }

    @Test
    void specialTokensInTheTextAreMatchedBeforeNormalization() {
        assertEquals(List.of("[CLS]", "a", "[SEP]", "b", "[SEP]"), tokens("a[SEP]b"));
        // Not normalized, so the lowercase spelling is ordinary text: [ sep ] -> [UNK] for "sep".
        assertEquals(List.of("[CLS]", "[UNK]", "[UNK]", "[UNK]", "[SEP]"), tokens("[sep]"));
    }

    @Test
    void decodeJoinsPiecesAndCleansUp() {
        int[] ids = t.encode("unaffable play ! aaa").ids();
        assertEquals("unaffable play! aaa", t.decode(ids));
        assertEquals("[CLS] unaffable play! aaa [SEP]", t.decode(ids, false));
        assertEquals("a", t.decode(new int[] {10, 999, -1}), "unknown ids are ignored");
    }

    @Test
    void leftTruncationKeepsTheEnd() {
        HfTokenizer left = t.withTruncation(new Truncation(5, Truncation.Strategy.LONGEST_FIRST, true));
        assertEquals(List.of("[CLS]", "a", "b", "!", "[SEP]"), left.encode("un aff a b !").tokens());
        assertThrows(IllegalArgumentException.class, () -> t.withMaxLength(1).encode("a"));
    }

    @Test
    void pairTruncationStrategies() {
        HfTokenizer onlyFirst = t.withTruncation(new Truncation(7, Truncation.Strategy.ONLY_FIRST, false));
        assertEquals(List.of("[CLS]", "a", "[SEP]", "b", "b", "b", "[SEP]"), onlyFirst.encodePair("a a a", "b b b").tokens());
        HfTokenizer onlySecond = t.withTruncation(new Truncation(7, Truncation.Strategy.ONLY_SECOND, false));
        assertEquals(List.of("[CLS]", "a", "a", "a", "[SEP]", "b", "[SEP]"), onlySecond.encodePair("a a a", "b b b").tokens());
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 1, 1}, onlySecond.encodePair("a a a", "b b b").typeIds());
        assertThrows(IllegalArgumentException.class, () -> onlySecond.encode("a a a a a a a"));
    }

    @Test
    void leftPaddingToAMultiple() {
        HfTokenizer padded = t.withPadding(new Padding(0, 4, true, 0, 0, "[PAD]"));
        Batch b = padded.encodePadded(List.of("a", "a b"));
        assertEquals(4, b.seqLen());
        assertArrayEquals(new int[][] {{0, 2, 10, 3}, {2, 10, 12, 3}}, b.ids());
        assertArrayEquals(new int[][] {{0, 1, 1, 1}, {1, 1, 1, 1}}, b.attentionMask());
        assertEquals(3, b.length(0));
        Batch fixed = t.withPadding(t.padding().toFixed(6)).encodePadded(List.of("a", "a b a b a"));
        assertEquals(7, fixed.seqLen(), "a row longer than the fixed length widens the batch");
        assertArrayEquals(new int[] {2, 10, 3, 0, 0, 0, 0}, fixed.ids()[0]);
    }
}
