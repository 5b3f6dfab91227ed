package dev.zoft.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every Unicode code point, placed between two letters ({@code "a" + c + "b"}), tokenizes as the
 * reference does. The letters expose each character class: whitespace splits, controls vanish,
 * punctuation and CJK ideographs are isolated, marks are stripped, letters are lowercased and then
 * joined into one word. Compared in chunks, and per code point where a chunk differs.
 */
class AllCodePointsTest {
    private static final int CHUNK = 4096;

    @Test
    void everyCodePointMatchesTheReference() throws java.io.IOException {
        HfTokenizer ours = TokenizerJson.load(TestFiles.miniLmTokenizerJson()).withTruncation(null);
        HuggingFaceTokenizer reference = Reference.miniLm();
        List<String> mismatches = new ArrayList<>();
        for (int from = 0; from <= Character.MAX_CODE_POINT; from += CHUNK) {
            int to = Math.min(Character.MAX_CODE_POINT + 1, from + CHUNK);
            String chunk = sample(from, to);
            if (!Arrays.equals(ours.encode(chunk).ids(), Reference.ids(reference, chunk))) {
                for (int cp = from; cp < to; cp++) {
                    String one = sample(cp, cp + 1);
                    int[] expected = Reference.ids(reference, one);
                    int[] actual = ours.encode(one).ids();
                    if (!Arrays.equals(expected, actual)) {
                        mismatches.add(String.format("U+%04X type %d: expected %s, got %s", cp,
                                Character.getType(cp), Arrays.toString(expected), Arrays.toString(actual)));
                    }
                }
            }
        }
        assertEquals(List.of(), mismatches.subList(0, Math.min(50, mismatches.size())),
                mismatches.size() + " code points differ");
    }

    private static String sample(int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int cp = from; cp < to; cp++) {
            sb.append(" a").appendCodePoint(cp).append("b ");
        }
        return sb.toString();
    }
}
