package dev.zoft.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * Llama-2's SentencePiece BPE from {@code ggml-vocab-llama-spm.gguf} against a second, independent
 * reference: the npm package {@code llama-tokenizer-js} 1.2.2 (a JavaScript implementation with its
 * own copy of the Llama vocabulary and merges). Its ids for the whole reference corpus were written
 * by {@code tokenizer/fixtures-gen/gen-llama-spm-ids.mjs} into {@code llama-spm-reference-ids.txt},
 * one line per text with the CRC-32 of the text, so a corpus that changed since is detected.
 *
 * <p>llama-tokenizer-js has no special tokens: it reads {@code <s>} in the text as characters, where
 * Hugging Face and llama.cpp (and so we) match the control token. The few texts holding one are
 * left out here (they are covered by the Hugging Face comparison), and for the empty text, where
 * llama-tokenizer-js returns nothing, BOS alone is checked.
 */
class LlamaSpmFixtureTest {
    private static final List<String> SPECIAL = List.of("<s>", "</s>", "<unk>");

    @Test
    void idsMatchLlamaTokenizerJs() throws IOException {
        List<String> corpus = BpeCorpus.all();
        String[] lines;
        try (InputStream in = getClass().getResourceAsStream("/llama-spm-reference-ids.txt")) {
            assertTrue(in != null, "llama-spm-reference-ids.txt missing from test resources");
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
        }
        assertEquals(corpus.size(), lines.length, "fixture lines vs corpus texts (regenerate the fixture if the corpus changed)");
        HfTokenizer llama = BpeCorpus.tokenizer("llama-spm");
        int compared = 0;
        for (int i = 0; i < lines.length; i++) {
            String text = corpus.get(i);
            String[] fields = lines[i].split(" ");
            CRC32 crc = new CRC32();
            crc.update(CharClasses.replaceLoneSurrogates(text).getBytes(StandardCharsets.UTF_8));
            assertEquals(fields[0], String.format("%08x", crc.getValue()), "text " + i + " differs from the fixture's");
            if (SPECIAL.stream().anyMatch(text::contains)) {
                continue;
            }
            if (text.isEmpty()) {
                // llama-tokenizer-js gives no ids at all for "", Hugging Face and llama.cpp give BOS.
                assertArrayEquals(new int[] {1}, llama.encode(text).ids());
                continue;
            }
            int[] expected = Arrays.stream(fields, 1, fields.length).mapToInt(Integer::parseInt).toArray();
            int index = i;
            assertArrayEquals(expected, llama.encode(text).ids(), () -> "ids of text " + index + " "
                    + ReferenceCorpusTest.escape(text));
            compared++;
        }
        assertTrue(compared > 2900, "compared " + compared);
    }
}
