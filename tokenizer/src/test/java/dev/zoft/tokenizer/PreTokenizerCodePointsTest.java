package dev.zoft.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pre-tokenizer regexes run on Java's {@link java.util.regex.Pattern}, the reference's on
 * Oniguruma: their {@code \p{L}}, {@code \p{N}} and {@code \s} must agree on every code point, or
 * words would be cut differently (and the BPE ids often would not show it, as merges rarely cross a
 * rare character). So the number of words is compared directly, for every code point from U+0080 to
 * U+31FFF (planes 0 to 3, surrogates excepted) between a symbol, a letter, a space and a digit,
 * against the reference's word ids.
 */
class PreTokenizerCodePointsTest {
    @TempDir
    static Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"gpt-2", "llama-bpe", "qwen2"})
    void everyCodePointIsCutAsTheReferenceCutsIt(String name) throws Exception {
        Path json = dir.resolve(name + ".json");
        GgufTokenizer.exportTokenizerJson(BpeCorpus.vocab(name), json);
        String regex = switch (name) {
            case "gpt-2" -> SplitPreTokenizer.GPT2_PATTERN;
            case "llama-bpe" -> SplitPreTokenizer.LLAMA3_PATTERN;
            default -> SplitPreTokenizer.QWEN2_PATTERN;
        };
        PreTokenizer ours = new SplitPreTokenizer(SplitPreTokenizer.compile(regex), SplitPreTokenizer.Behavior.ISOLATED, false);
        int checked = 0;
        try (HuggingFaceTokenizer reference = Reference.create(json,
                Map.of("addSpecialTokens", "false", "padding", "false", "truncation", "false"))) {
            for (int cp = 0x80; cp < 0x32000; cp++) {
                if (cp >= 0xD800 && cp < 0xE000) {
                    continue;
                }
                String c = Character.toString(cp);
                String text = "!" + c + "a " + c + "1";
                if (name.equals("qwen2")) {
                    text = TokenizerJson.nfc(text); // Qwen2 normalizes first; the regex sees NFC text
                }
                long words = Arrays.stream(reference.encode(text).getWordIds()).max().orElse(-1) + 1;
                int[] n = {0};
                ours.split(text, w -> n[0]++);
                int codePoint = cp;
                assertEquals(words, n[0], () -> name + ": words around U+" + Integer.toHexString(codePoint).toUpperCase());
                checked++;
            }
        }
        assertEquals(0x32000 - 0x80 - 0x800, checked);
    }
}
