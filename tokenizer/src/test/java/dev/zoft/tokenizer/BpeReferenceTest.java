package dev.zoft.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Ids identical to independent implementations on about 2,900 texts (SST-2, code, numbers,
 * whitespace runs, unicode; see {@link BpeCorpus#all}):
 * <ul>
 *   <li>GPT-2 loaded from {@code ggml-vocab-gpt-2.gguf} against jtokkit's {@code r50k_base} (tiktoken's
 *       GPT-2 ranks, a separate implementation with its own copy of the vocabulary);
 *   <li>every vocab GGUF (GPT-2, Llama-3, Qwen2, Llama-2 SPM, Phi-3) exported to a tokenizer.json by
 *       {@link GgufTokenizer#exportTokenizerJson}, then our tokenizer loaded from the GGUF and from that
 *       file against the Hugging Face Rust tokenizer (through DJL) loading the same file: ids, tokens,
 *       and decoded text with and without special tokens.
 * </ul>
 * The Llama-2 SPM ids are also checked against a second reference in {@code LlamaSpmFixtureTest}.
 */
class BpeReferenceTest {
    private static final String END_OF_TEXT = "<|endoftext|>";
    private static final int END_OF_TEXT_ID = 50256;
    private static List<String> corpus;

    @TempDir
    static Path dir;

    @BeforeAll
    static void load() {
        corpus = BpeCorpus.all();
        assertTrue(corpus.size() >= 2000, "corpus has " + corpus.size() + " texts");
    }

    @Test
    void gpt2MatchesJtokkitR50kBase() {
        com.knuddels.jtokkit.api.Encoding reference =
                Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
        HfTokenizer ours = BpeCorpus.tokenizer("gpt-2");
        for (String text : corpus) {
            // r50k's encodeOrdinary reads <|endoftext|> as text; ours (like Hugging Face) matches it as the token.
            java.util.List<Integer> expectedList = new java.util.ArrayList<>();
            String[] pieces = viaUtf8(text).split(java.util.regex.Pattern.quote(END_OF_TEXT), -1);
            for (int i = 0; i < pieces.length; i++) {
                if (i > 0) {
                    expectedList.add(END_OF_TEXT_ID);
                }
                for (int id : reference.encodeOrdinary(pieces[i]).toArray()) {
                    expectedList.add(id);
                }
            }
            int[] expected = expectedList.stream().mapToInt(Integer::intValue).toArray();
            assertArrayEquals(expected, ours.encode(text).ids(), () -> "GPT-2 ids of " + ReferenceCorpusTest.escape(text));
            com.knuddels.jtokkit.api.IntArrayList list = new com.knuddels.jtokkit.api.IntArrayList();
            for (int id : expected) {
                list.add(id);
            }
            assertEquals(reference.decode(list), ours.decode(expected, false), () -> "GPT-2 decode of " + ReferenceCorpusTest.escape(text));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt-2", "llama-bpe", "qwen2", "llama-spm", "phi-3"})
    void matchesHuggingFaceOnTheExportedTokenizerJson(String name) throws Exception {
        Path gguf = BpeCorpus.vocab(name);
        Path json = dir.resolve(name + ".tokenizer.json");
        GgufTokenizer.exportTokenizerJson(gguf, json);
        HfTokenizer fromGguf = BpeCorpus.tokenizer(name);
        HfTokenizer fromJson = TokenizerJson.load(json);
        try (HuggingFaceTokenizer reference = Reference.create(json,
                Map.of("addSpecialTokens", "true", "padding", "false", "truncation", "false"))) {
            int mismatches = 0;
            StringBuilder report = new StringBuilder();
            for (String text : corpus) {
                String utf8 = viaUtf8(text);
                ai.djl.huggingface.tokenizers.Encoding expected = reference.encode(utf8);
                int[] expectedIds = Reference.toInts(expected.getIds());
                Encoding a = fromGguf.encode(text);
                Encoding b = fromJson.encode(text);
                if (!java.util.Arrays.equals(expectedIds, a.ids()) || !java.util.Arrays.equals(expectedIds, b.ids())) {
                    if (mismatches++ < 5) {
                        report.append("\n").append(ReferenceCorpusTest.escape(text)).append("\n  expected ")
                                .append(java.util.Arrays.toString(expectedIds)).append("\n  gguf     ")
                                .append(java.util.Arrays.toString(a.ids())).append("\n  json     ")
                                .append(java.util.Arrays.toString(b.ids()));
                    }
                    continue;
                }
                assertEquals(List.of(expected.getTokens()), a.tokens(), () -> name + " tokens of " + ReferenceCorpusTest.escape(text));
                long[] ids = expected.getIds();
                assertEquals(reference.decode(ids, true), fromGguf.decode(a.ids(), true),
                        () -> name + " decode of " + ReferenceCorpusTest.escape(text));
                assertEquals(reference.decode(ids, false), fromGguf.decode(a.ids(), false),
                        () -> name + " decode with specials of " + ReferenceCorpusTest.escape(text));
            }
            assertEquals(0, mismatches, name + ": " + mismatches + " of " + corpus.size() + " texts differ" + report);
        }
        assertTrue(Files.size(json) > 100_000);
    }

    @Test
    void withoutSpecialTokensMatchesTheReference() throws Exception {
        Path json = dir.resolve("llama-bpe-plain.tokenizer.json");
        GgufTokenizer.exportTokenizerJson(BpeCorpus.vocab("llama-bpe"), json);
        HfTokenizer ours = BpeCorpus.tokenizer("llama-bpe");
        try (HuggingFaceTokenizer reference = Reference.create(json,
                Map.of("addSpecialTokens", "false", "padding", "false", "truncation", "false"))) {
            for (String text : corpus.subList(0, 300)) {
                assertArrayEquals(Reference.ids(reference, text), ours.encode(text, false).ids(), () -> "ids of " + text);
                assertEquals(128000, ours.encode(text, true).idAt(0));
            }
        }
        HfTokenizer cut = ours.withMaxLength(3);
        assertEquals(List.of("<|begin_of_text|>", "Hello", "Ġworld"), cut.encode("Hello world again").tokens());
        assertEquals(List.of("Hello", "Ġworld", "Ġagain"), cut.encode("Hello world again there", false).tokens());
    }

    @Test
    void sentencePieceWithoutSpacePrefixOrBosMatchesTheReference() throws Exception {
        GgufVocab v;
        try (dev.zoft.weights.gguf.GgufFile f = dev.zoft.weights.gguf.GgufFile.open(BpeCorpus.vocab("llama-spm"))) {
            v = GgufVocab.read(f.metadata());
        }
        GgufVocab plain = new GgufVocab(v.source(), v.model(), v.pre(), v.tokens(), v.scores(), v.types(), v.merges(),
                v.bos(), v.eos(), v.unk(), v.pad(), false, true, false);
        Path json = dir.resolve("llama-spm-plain.tokenizer.json");
        Files.write(json, SmallTokenizers.JSON.writeValueAsBytes(GgufTokenizer.toTokenizerJson(plain)));
        HfTokenizer ours = GgufTokenizer.fromVocab(plain);
        try (HuggingFaceTokenizer reference = Reference.create(json,
                Map.of("addSpecialTokens", "true", "padding", "false", "truncation", "false"))) {
            for (String text : corpus.subList(0, 600)) {
                int[] ids = ours.encode(text).ids();
                assertArrayEquals(Reference.ids(reference, text), ids, () -> "ids of " + text);
                assertEquals(2, ids[ids.length - 1], "EOS appended, no BOS");
                assertEquals(reference.decode(Reference.toLongs(ids), true), ours.decode(ids));
            }
        }
    }

    /** Lone surrogates reach the reference as U+FFFD (see ReferenceCorpusTest). */
    static String viaUtf8(String s) {
        return CharClasses.replaceLoneSurrogates(s);
    }
}
