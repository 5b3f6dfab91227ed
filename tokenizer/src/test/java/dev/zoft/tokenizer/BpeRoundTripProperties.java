package dev.zoft.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.text.Normalizer;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * decode(encode(s)) = s for the lossless tokenizers (GPT-2 and Llama-3 on any text; Llama-2 and Phi-3
 * on text without U+2581, SentencePiece's space mark, which decodes to a space; Qwen2 on text already
 * in NFC, as it normalizes to NFC first; special-token text such as {@code <s>} removed), on strings of any code points
 * (ASCII-heavy, whitespace runs, all planes); and encode never throws on any string, lone surrogates
 * included.
 */
class BpeRoundTripProperties {
    private static final List<String> LOSSLESS = List.of("gpt-2", "llama-bpe", "llama-spm", "phi-3");
    private static HfTokenizer tokenizer(String name) {
        return BpeCorpus.tokenizer(name);
    }

    @Provide
    Arbitrary<String> texts() {
        Arbitrary<Integer> ascii = Arbitraries.integers().between(0, 0x7F);
        Arbitrary<Integer> spaces = Arbitraries.of(0x20, 0x20, 0x20, 0x0A, 0x09, 0x0D, 0xA0, 0x3000, 0x2581);
        Arbitrary<Integer> any = Arbitraries.integers().between(0, 0x10FFFF)
                .filter(cp -> cp < 0xD800 || cp > 0xDFFF);
        Arbitrary<Integer> cp = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, ascii), net.jqwik.api.Tuple.of(2, spaces), net.jqwik.api.Tuple.of(3, any));
        return cp.list().ofMaxSize(60).map(list -> {
            StringBuilder sb = new StringBuilder();
            list.forEach(sb::appendCodePoint);
            return sb.toString();
        });
    }

    @Property(tries = 300)
    void losslessTokenizersRoundTrip(@ForAll("texts") String text) {
        for (String name : LOSSLESS) {
            HfTokenizer t = tokenizer(name);
            String cleaned = text.replace("<s>", "").replace("</s>", "").replace("<unk>", "").replace("<|", "");
            if (name.endsWith("spm") || name.equals("phi-3")) {
                cleaned = cleaned.replace("\u2581", ""); // SentencePiece's own space mark decodes to a space: not lossless
            }
            String s = cleaned;
            assertEquals(s, t.decode(t.encode(s).ids()), () -> name + " round trip of " + ReferenceCorpusTest.escape(s));
        }
    }

    @Property(tries = 200)
    void qwen2RoundTripsNfcText(@ForAll("texts") String text) {
        HfTokenizer t = tokenizer("qwen2");
        String s = Normalizer.normalize(text.replace("<|", ""), Normalizer.Form.NFC);
        assertEquals(s, t.decode(t.encode(s).ids()), () -> "qwen2 round trip of " + ReferenceCorpusTest.escape(s));
    }

    @Property(tries = 200)
    void encodeNeverThrows(@ForAll String text) {
        for (String name : List.of("gpt-2", "llama-bpe", "qwen2", "llama-spm", "phi-3")) {
            HfTokenizer t = tokenizer(name);
            t.decode(t.encode(text).ids(), false);
        }
    }

    @Property(tries = 5)
    void longRunsDoNotOverflowTheRegexStack(@ForAll("texts") String seed) {
        String longText = " ".repeat(200_000) + "a".repeat(200_000) + "\n".repeat(50_000) + seed + "1".repeat(100_000);
        for (String name : List.of("gpt-2", "llama-bpe", "qwen2", "llama-spm")) {
            HfTokenizer t = tokenizer(name);
            assertEquals(longText.length() > 0, t.encode(longText).length() > 0);
        }
    }
}
