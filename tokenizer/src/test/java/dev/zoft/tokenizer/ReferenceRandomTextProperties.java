package dev.zoft.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Random Unicode text tokenizes and decodes exactly as the reference does. */
class ReferenceRandomTextProperties {
    private static final HfTokenizer OURS;

    static {
        try {
            OURS = TokenizerJson.load(TestFiles.miniLmTokenizerJson()).withTruncation(null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Property(tries = 400)
    void randomUnicodeMatchesTheReference(@ForAll("unicodeText") String text) {
        int[] expected = Reference.ids(Reference.miniLm(), text);
        int[] actual = OURS.encode(text).ids();
        assertArrayEquals(expected, actual, () -> "ids of " + ReferenceCorpusTest.escape(text));
        assertEquals(Reference.miniLm().decode(Reference.toLongs(actual), true), OURS.decode(actual),
                () -> "decode of " + ReferenceCorpusTest.escape(text));
    }

    /**
     * Text mixing every kind of code point (no lone surrogates: see ReferenceCorpusTest) with
     * ASCII words, spaces and the special-token literals, so that words form and tokens split.
     */
    @Provide
    Arbitrary<String> unicodeText() {
        Arbitrary<String> anyCodePoint = Arbitraries.integers().between(0, Character.MAX_CODE_POINT)
                .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE)
                .map(Character::toString);
        Arbitrary<String> bmp = Arbitraries.integers().between(0x80, 0xFFFF)
                .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE)
                .map(Character::toString);
        Arbitrary<String> ascii = Arbitraries.strings().withCharRange(' ', '~').ofMinLength(1).ofMaxLength(8);
        Arbitrary<String> word = Arbitraries.of("the", "movie", "un", "##able", "playing", "é", "ß", "İ", "Σ", "中", "😀",
                "👍🏽", "\u0301", "[SEP]", "[CLS]", "[MASK]", " ", "  ", "\t", "\n", "\u00a0", "\u200b", "\ufeff", "'s", "n't");
        Arbitrary<String> piece = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, anyCodePoint), net.jqwik.api.Tuple.of(2, bmp),
                net.jqwik.api.Tuple.of(3, ascii), net.jqwik.api.Tuple.of(3, word));
        return piece.list().ofMaxSize(40).map(list -> String.join("", list));
    }

}
