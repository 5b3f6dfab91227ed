package dev.zoft.weights.gguf;

import dev.zoft.weights.TensorStore;
import dev.zoft.weights.WeightFormatException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reads llama.cpp's own vocab-only GGUF files from the shared assets and checks what is known about them. */
class GgufVocabFilesTest {

    @ParameterizedTest
    @CsvSource({
            "ggml-vocab-gpt-2.gguf, gpt2, 50257, true",
            "ggml-vocab-llama-spm.gguf, llama, 32000, false",
            "ggml-vocab-llama-bpe.gguf, gpt2, 128256, true",
            "ggml-vocab-qwen2.gguf, gpt2, 151936, true",
            "ggml-vocab-phi-3.gguf, llama, 32064, false",
            "ggml-vocab-bert-bge.gguf, bert, 30522, false",
    })
    void everyVocabFileReads(String file, String model, int vocab, boolean hasMerges) {
        try (GgufFile g = GgufFile.open(SharedAssets.asset("vocab/" + file))) {
            GgufMetadata m = g.metadata();
            assertEquals(3, g.version());
            assertEquals(32, g.alignment());
            assertTrue(g.tensorInfos().isEmpty(), "vocab files hold no tensors");
            assertEquals(model, m.getString("tokenizer.ggml.model"));
            List<String> tokens = m.getStringArray("tokenizer.ggml.tokens");
            assertEquals(vocab, tokens.size());
            assertEquals(hasMerges, m.contains("tokenizer.ggml.merges"));
            if (hasMerges) {
                List<String> merges = m.getStringArray("tokenizer.ggml.merges");
                assertTrue(merges.size() > 1000);
                assertTrue(merges.get(0).contains(" "), "a merge is two tokens separated by a space: " + merges.get(0));
            }
            int[] types = m.getIntArray("tokenizer.ggml.token_type");
            assertEquals(vocab, types.length);
            String arch = m.getString("general.architecture");
            assertTrue(m.getLong(arch + ".context_length") > 0);
            long bos = m.findLong("tokenizer.ggml.bos_token_id").orElse(-1);
            assertTrue(bos < vocab);
            try (TensorStore s = g.tensors()) {
                assertEquals(0, s.size());
                assertEquals(model, s.metadata().get("tokenizer.ggml.model"));
            }
        }
    }

    @Test
    void gpt2VocabHasKnownTokens() {
        try (GgufFile g = GgufFile.open(SharedAssets.asset("vocab/ggml-vocab-gpt-2.gguf"))) {
            GgufMetadata m = g.metadata();
            List<String> tokens = m.getStringArray("tokenizer.ggml.tokens");
            assertEquals("!", tokens.get(0));
            assertEquals("<|endoftext|>", tokens.get(50256));
            // GPT-2 byte-level BPE: the first merge is "Ġ t" (Ġ = U+0120 stands for a space).
            assertEquals("\u0120 t", m.getStringArray("tokenizer.ggml.merges").get(0));
            assertEquals(50000, m.getStringArray("tokenizer.ggml.merges").size());
            assertEquals("gpt2", m.getString("general.architecture"));
        }
    }

    @Test
    void llamaSpmVocabHasScoresAndByteTokens() {
        try (GgufFile g = GgufFile.open(SharedAssets.asset("vocab/ggml-vocab-llama-spm.gguf"))) {
            GgufMetadata m = g.metadata();
            List<String> tokens = m.getStringArray("tokenizer.ggml.tokens");
            float[] scores = m.getFloatArray("tokenizer.ggml.scores");
            assertEquals(32000, scores.length);
            assertEquals("<unk>", tokens.get(0));
            assertEquals("<s>", tokens.get(1));
            assertEquals("</s>", tokens.get(2));
            assertEquals("<0x00>", tokens.get(3));
            assertEquals(1, m.getLong("tokenizer.ggml.bos_token_id"));
            assertEquals(2, m.getLong("tokenizer.ggml.eos_token_id"));
            int[] types = m.getIntArray("tokenizer.ggml.token_type");
            assertEquals(6, types[3], "<0x00> is a BYTE token (type 6)");
            assertEquals(GgufValueType.ARRAY, m.type("tokenizer.ggml.scores"));
            assertEquals(GgufValueType.FLOAT32, m.getArray("tokenizer.ggml.scores").elementType());
            assertEquals("llama", m.getString("general.architecture"));
            assertEquals(4096, m.getLong("llama.embedding_length"));
            assertEquals(32, m.getLong("llama.block_count"));
            assertFalse(m.contains("tokenizer.ggml.merges"));
        }
    }

    @Test
    void wrongTypeNamesTheKeyAndTheActualType() {
        try (GgufFile g = GgufFile.open(SharedAssets.asset("vocab/ggml-vocab-llama-spm.gguf"))) {
            GgufMetadata m = g.metadata();
            WeightFormatException e = assertThrows(WeightFormatException.class, () -> m.getString("tokenizer.ggml.scores"));
            assertTrue(e.getMessage().contains("tokenizer.ggml.scores") && e.getMessage().contains("ARRAY of FLOAT32"), e.getMessage());
            e = assertThrows(WeightFormatException.class, () -> m.getLong("tokenizer.ggml.model"));
            assertTrue(e.getMessage().contains("STRING") && e.getMessage().contains("integer"), e.getMessage());
            e = assertThrows(WeightFormatException.class, () -> m.getStringArray("tokenizer.ggml.scores"));
            assertTrue(e.getMessage().contains("string array"), e.getMessage());
            e = assertThrows(WeightFormatException.class, () -> m.getLong("no.such.key"));
            assertTrue(e.getMessage().contains("no.such.key") && e.getMessage().contains("missing"), e.getMessage());
            assertTrue(m.findLong("no.such.key").isEmpty());
            assertTrue(m.findString("no.such.key").isEmpty());
        }
    }
}
