package dev.zoft.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our tokenizer against Hugging Face's (through DJL) on real and adversarial text, loaded from the
 * same all-MiniLM-L6-v2 tokenizer.json: ids, tokens, type ids, decoding, truncation, pairs and padded
 * batches must all be identical.
 */
class ReferenceCorpusTest {
    private static HfTokenizer untruncated;
    private static HfTokenizer fromFile;
    private static List<String> dev;
    private static List<String> train;

    @BeforeAll
    static void load() throws Exception {
        fromFile = TokenizerJson.load(TestFiles.miniLmTokenizerJson());
        untruncated = fromFile.withTruncation(null);
        dev = TestFiles.sst2Sentences("dev.tsv", Integer.MAX_VALUE);
        train = TestFiles.sst2Sentences("train.tsv", 5000);
        assertEquals(872, dev.size(), "SST-2 dev sentences");
        assertEquals(5000, train.size(), "SST-2 train sentences");
    }

    @Test
    void sst2DevMatchesExactly() {
        assertSameEncodings(dev);
    }

    @Test
    void sst2TrainFirst5000MatchExactly() {
        assertSameEncodings(train);
    }

    @Test
    void stressCorpusMatchesExactly() {
        List<String> corpus = TestFiles.stressCorpus();
        assertTrue(corpus.size() >= 300, "stress corpus has " + corpus.size() + " lines");
        assertSameEncodings(corpus);
    }

    /**
     * A lone surrogate cannot reach the Rust tokenizer as such: encoded to UTF-8 it is U+FFFD, which
     * the normalizer drops. DJL's JNI string conversion is lossier (once a string holds a lone
     * surrogate, it also turns valid surrogate pairs into U+FFFD), so the comparison is made against
     * the reference on the properly UTF-8-encoded string, and directly where both agree.
     */
    @Test
    void loneSurrogatesAreTreatedAsReplacementCharacters() {
        List<String> texts = List.of("lone \ud800 high", "lone \udc00 low", "\udbff", "ok \ud83d\ude00 lone \ud83d",
                "\udc00\ud800 reversed", "a\ud800b", "\ud83d\ude00\ud83d\ude00\ude00 \ud83d\ude00x");
        HuggingFaceTokenizer reference = Reference.miniLm();
        for (String text : texts) {
            String asUtf8 = viaUtf8(text);
            assertTrue(asUtf8.contains("\ufffd"));
            assertArrayEquals(Reference.ids(reference, asUtf8), untruncated.encode(text).ids(), () -> "ids of " + escape(text));
        }
        assertSameEncodings(List.of("lone \ud800 high", "lone \udc00 low", "\udbff", "\udc00\ud800 reversed", "a\ud800b"));
    }

    @Test
    void decodeMatchesTheReferenceDecoder() {
        HuggingFaceTokenizer reference = Reference.miniLm();
        List<String> texts = new ArrayList<>(dev);
        texts.addAll(train);
        texts.addAll(TestFiles.stressCorpus());
        for (String text : texts) {
            int[] ids = untruncated.encode(text).ids();
            long[] longIds = Reference.toLongs(ids);
            assertEquals(reference.decode(longIds, true), untruncated.decode(ids), () -> "decode of " + text);
            assertEquals(reference.decode(longIds, false), untruncated.decode(ids, false), () -> "decode with specials of " + text);
        }
    }

    @Test
    void truncationKeepsClsAndSepLikeTheReference() {
        HfTokenizer ours = fromFile.withMaxLength(12);
        try (HuggingFaceTokenizer reference = Reference.create(TestFiles.miniLmTokenizerJson(),
                Map.of("addSpecialTokens", "true", "padding", "false", "truncation", "true", "maxLength", "12"))) {
            int truncated = 0;
            for (String text : dev) {
                Encoding e = ours.encode(text);
                assertArrayEquals(Reference.ids(reference, text), e.ids(), () -> "truncated ids of " + text);
                if (untruncated.encode(text).length() > 12) {
                    truncated++;
                    assertEquals(12, e.length());
                    assertEquals(102, e.idAt(11), "[SEP] kept at the end");
                }
                assertEquals(101, e.idAt(0), "[CLS] kept at the start");
            }
            assertTrue(truncated > 500, "most dev sentences are longer than 12 tokens: " + truncated);
        }
    }

    @Test
    void theFilesOwnTruncationIs128() {
        String longText = String.join(" ", dev.subList(0, 20));
        Encoding e = fromFile.encode(longText);
        assertEquals(128, e.length());
        assertArrayEquals(Arrays.copyOf(untruncated.encode(longText).ids(), 127), Arrays.copyOf(e.ids(), 127));
        assertEquals(102, e.idAt(127));
    }

    @Test
    void pairsMatchTheReferenceIncludingLongestFirstTruncation() {
        HfTokenizer ours = fromFile.withMaxLength(24);
        try (HuggingFaceTokenizer reference = Reference.create(TestFiles.miniLmTokenizerJson(),
                Map.of("addSpecialTokens", "true", "padding", "false", "truncation", "true", "maxLength", "24"))) {
            for (int i = 0; i + 1 < 400; i++) {
                String a = dev.get(i);
                String b = dev.get(i + 1).substring(0, Math.min(dev.get(i + 1).length(), 10 * (i % 7)));
                ai.djl.huggingface.tokenizers.Encoding expected = reference.encode(a, b);
                Encoding actual = ours.encodePair(a, b);
                assertArrayEquals(Reference.toInts(expected.getIds()), actual.ids(), () -> "pair ids of " + a + " | " + b);
                assertArrayEquals(Reference.toInts(expected.getTypeIds()), actual.typeIds(), () -> "pair type ids of " + a + " | " + b);
            }
        }
    }

    @Test
    void paddedBatchesMatchTheReference() {
        HfTokenizer longest = fromFile.withPadding(fromFile.padding().toLongest());
        try (HuggingFaceTokenizer reference = Reference.create(TestFiles.miniLmTokenizerJson(),
                Map.of("addSpecialTokens", "true", "padding", "true", "truncation", "true", "maxLength", "128"))) {
            for (int from = 0; from < dev.size(); from += 32) {
                List<String> chunk = dev.subList(from, Math.min(dev.size(), from + 32));
                assertSameBatch(reference.batchEncode(chunk), longest.encodePadded(chunk));
            }
        }
    }

    @Test
    void theFilesFixedPaddingMatchesTheReference() {
        try (HuggingFaceTokenizer reference = Reference.create(TestFiles.miniLmTokenizerJson(),
                Map.of("addSpecialTokens", "true", "padding", "max_length", "truncation", "true", "maxLength", "128"))) {
            List<String> chunk = new ArrayList<>(dev.subList(0, 16));
            chunk.add(String.join(" ", dev.subList(100, 130))); // longer than 128 tokens: truncated
            chunk.add("");
            Batch batch = fromFile.encodePadded(chunk);
            assertEquals(128, batch.seqLen());
            assertSameBatch(reference.batchEncode(chunk), batch);
        }
    }

    private static void assertSameBatch(ai.djl.huggingface.tokenizers.Encoding[] expected, Batch actual) {
        assertEquals(expected.length, actual.batchSize());
        int[][] ids = actual.ids();
        int[][] mask = actual.attentionMask();
        int[][] types = actual.typeIds();
        for (int r = 0; r < expected.length; r++) {
            int row = r;
            assertArrayEquals(Reference.toInts(expected[r].getIds()), ids[r], () -> "ids of row " + row);
            assertArrayEquals(Reference.toInts(expected[r].getAttentionMask()), mask[r], () -> "mask of row " + row);
            assertArrayEquals(Reference.toInts(expected[r].getTypeIds()), types[r], () -> "type ids of row " + row);
        }
    }

    private static void assertSameEncodings(List<String> texts) {
        HuggingFaceTokenizer reference = Reference.miniLm();
        for (String text : texts) {
            ai.djl.huggingface.tokenizers.Encoding expected = reference.encode(text);
            Encoding actual = untruncated.encode(text);
            assertArrayEquals(Reference.toInts(expected.getIds()), actual.ids(), () -> "ids of " + escape(text));
            assertEquals(List.of(expected.getTokens()), actual.tokens(), () -> "tokens of " + escape(text));
            assertArrayEquals(Reference.toInts(expected.getTypeIds()), actual.typeIds(), () -> "type ids of " + escape(text));
            assertArrayEquals(Reference.toInts(expected.getAttentionMask()), actual.attentionMask());
            assertArrayEquals(Reference.toInts(expected.getSpecialTokenMask()), actual.specialTokensMask(),
                    () -> "special tokens mask of " + escape(text));
        }
    }

    /** The string after a UTF-8 round trip that writes U+FFFD for each lone surrogate (String.getBytes writes '?'). */
    private static String viaUtf8(String s) {
        try {
            java.nio.ByteBuffer bytes = java.nio.charset.StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPLACE)
                    .replaceWith(new byte[] {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD})
                    .encode(java.nio.CharBuffer.wrap(s));
            return java.nio.charset.StandardCharsets.UTF_8.decode(bytes).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder("\"");
        s.codePoints().forEach(cp -> {
            if (cp >= 0x20 && cp < 0x7F) {
                sb.appendCodePoint(cp);
            } else {
                sb.append(String.format("\\u{%X}", cp));
            }
        });
        return sb.append('"').toString();
    }
}
