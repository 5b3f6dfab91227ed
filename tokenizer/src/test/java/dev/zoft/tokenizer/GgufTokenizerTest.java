package dev.zoft.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.weights.WeightFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tokenizers from GGUF metadata: well-known ids of each real vocabulary, BOS handling, a small
 * SentencePiece vocabulary written by the test (score order decides merges), and every refusal
 * naming the file and the problem.
 */
class GgufTokenizerTest {
    @TempDir
    Path dir;

    @Test
    void wellKnownIdsOfEachFamily() {
        // Published ids: GPT-2 / r50k, Llama-3, Qwen2 and Llama-2 for "Hello world".
        assertArrayEquals(new int[] {15496, 995}, BpeCorpus.tokenizer("gpt-2").encode("Hello world").ids());
        assertArrayEquals(new int[] {128000, 9906, 1917},
                BpeCorpus.tokenizer("llama-bpe").encode("Hello world").ids());
        assertArrayEquals(new int[] {9707, 1879}, BpeCorpus.tokenizer("qwen2").encode("Hello world").ids());
        assertArrayEquals(new int[] {1, 15043, 3186},
                BpeCorpus.tokenizer("llama-spm").encode("Hello world").ids());
        HfTokenizer phi3 = BpeCorpus.tokenizer("phi-3");
        assertEquals(1, phi3.encode("Hello world").idAt(0));
        assertEquals("<|user|>", phi3.idToToken(32010));
        assertArrayEquals(new int[] {1, 32010}, phi3.encode("<|user|>").ids(), "a control token in the text is matched");
        assertEquals("Hello world", phi3.decode(phi3.encode("<|user|>Hello world<|end|>").ids()).replace(" ", " "));
    }

    @Test
    void llama3KeepsWholeWordsAndDigitTriples() {
        HfTokenizer llama3 = BpeCorpus.tokenizer("llama-bpe");
        List<String> tokens = llama3.encode("1234567 isn't").tokens();
        assertEquals(List.of("<|begin_of_text|>", "123", "456", "7", "Ġisn", "'t"), tokens);
        HfTokenizer qwen2 = BpeCorpus.tokenizer("qwen2");
        assertEquals(List.of("1", "2", "3"), qwen2.encode("123").tokens());
    }

    @Test
    void smallSentencePieceVocabularyFromAGgufFile() throws Exception {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        for (int b = 0; b < 256; b++) {
            tokens.add(BpeModel.byteToken(b));
        }
        int base = tokens.size();
        tokens.addAll(List.of("\u2581", "a", "b", "c", "ab", "bc", "\u2581a"));
        float[] scores = new float[tokens.size()];
        int[] types = new int[tokens.size()];
        Arrays.fill(types, GgufVocab.NORMAL);
        types[0] = GgufVocab.UNKNOWN;
        types[1] = GgufVocab.CONTROL;
        types[2] = GgufVocab.CONTROL;
        for (int b = 0; b < 256; b++) {
            types[3 + b] = GgufVocab.BYTE;
        }
        scores[base + 4] = -2; // ab
        scores[base + 5] = -1; // bc: higher score, so "abc" merges b+c first although a+b is leftmost
        scores[base + 6] = -3; // ▁a
        Path file = dir.resolve("spm.gguf");
        Files.write(file, new GgufMetadataWriter()
                .put("general.architecture", "llama")
                .put("tokenizer.ggml.model", "llama")
                .put("tokenizer.ggml.tokens", tokens)
                .put("tokenizer.ggml.scores", scores)
                .put("tokenizer.ggml.token_type", types)
                .put("tokenizer.ggml.bos_token_id", 1)
                .put("tokenizer.ggml.eos_token_id", 2)
                .put("tokenizer.ggml.unknown_token_id", 0)
                .toBytes());
        HfTokenizer t = GgufTokenizer.load(file);
        assertEquals(List.of("<s>", "\u2581a", "bc", "\u2581", "<0x7A>"), t.encode("abc z").tokens());
        assertEquals("abc z", t.decode(t.encode("abc z").ids()));
        assertEquals("<s> abc z", t.decode(t.encode("abc z").ids(), false), "the prefix space is stripped from the text's start only");
        assertEquals(List.of("<s>", "\u2581a", "<0xE2>", "<0x82>", "<0xAC>"), t.encode("a€").tokens());
        assertEquals("a€", t.decode(t.encode("a€").ids()));

        Path json = dir.resolve("spm.json");
        GgufTokenizer.exportTokenizerJson(file, json);
        assertArrayEquals(t.encode("abc abcab").ids(), TokenizerJson.load(json).encode("abc abcab").ids());
    }

    @Test
    void addBosAndEosFollowTheMetadata() throws Exception {
        GgufMetadataWriter w = tinyGpt2().put("tokenizer.ggml.add_bos_token", true).put("tokenizer.ggml.add_eos_token", true);
        Path file = dir.resolve("bos.gguf");
        Files.write(file, w.toBytes());
        assertEquals(List.of("<|bos|>", "ab", "<|bos|>"), GgufTokenizer.load(file).encode("ab").tokens());
        Files.write(file, tinyGpt2().toBytes());
        assertEquals(List.of("ab"), GgufTokenizer.load(file).encode("ab").tokens());
    }

    @Test
    void batchesPadWithTheFilesPaddingToken() {
        HfTokenizer qwen2 = BpeCorpus.tokenizer("qwen2");
        Batch batch = qwen2.encodePadded(List.of("Hello world", "Hi"));
        assertArrayEquals(new int[] {9707, 1879}, batch.ids()[0]);
        assertArrayEquals(new int[] {13048, 151643}, batch.ids()[1]);
        assertArrayEquals(new int[] {1, 0}, batch.attentionMask()[1]);
        assertEquals(null, qwen2.truncation(), "decoder vocabularies are not truncated");
    }

    @Test
    void refusalsNameTheFileAndTheProblem() throws Exception {
        assertRefused(tinyGpt2().put("tokenizer.ggml.model", "bert"), "tokenizer.ggml.model 'bert' is not supported");
        assertRefused(tinyGpt2().put("tokenizer.ggml.pre", "deepseek-llm"), "tokenizer.ggml.pre 'deepseek-llm'");
        assertRefused(tinyGpt2().put("tokenizer.ggml.merges", List.of("a b", "ab")), "merges[1] 'ab'");
        assertRefused(tinyGpt2().put("tokenizer.ggml.merges", List.of("a zz")), "'zz' is not in the vocabulary");
        assertRefused(tinyGpt2().put("tokenizer.ggml.token_type", new int[] {1}), "token_type has 1 entries");
        assertRefused(tinyGpt2().put("tokenizer.ggml.bos_token_id", 999), "outside the vocabulary");
        assertRefused(tinyGpt2().put("tokenizer.ggml.tokens", "not an array"), "tokenizer.ggml.tokens");
        assertRefused(tinyGpt2().put("tokenizer.ggml.model", "llama"), "tokenizer.ggml.scores is missing");
        Path notGguf = dir.resolve("not.gguf");
        Files.writeString(notGguf, "{\"model\": {}}");
        WeightFormatException e = assertThrows(WeightFormatException.class, () -> GgufTokenizer.load(notGguf));
        assertTrue(e.getMessage().contains(notGguf.toString()), e.getMessage());
    }

    private void assertRefused(GgufMetadataWriter w, String expected) throws Exception {
        Path file = dir.resolve("bad.gguf");
        Files.write(file, w.toBytes());
        TokenizerFormatException e = assertThrows(TokenizerFormatException.class, () -> GgufTokenizer.load(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    /** A byte-level vocabulary of the 256 byte characters, "ab", and a control token. */
    static GgufMetadataWriter tinyGpt2() {
        List<String> tokens = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(ByteLevel.charOf(b)));
        }
        tokens.add("ab");
        tokens.add("<|bos|>");
        int[] types = new int[tokens.size()];
        Arrays.fill(types, GgufVocab.NORMAL);
        types[257] = GgufVocab.CONTROL;
        return new GgufMetadataWriter()
                .put("tokenizer.ggml.model", "gpt2")
                .put("tokenizer.ggml.pre", "gpt-2")
                .put("tokenizer.ggml.tokens", tokens)
                .put("tokenizer.ggml.token_type", types)
                .put("tokenizer.ggml.merges", List.of("a b"))
                .put("tokenizer.ggml.bos_token_id", 257)
                .put("tokenizer.ggml.eos_token_id", 257);
    }
}
