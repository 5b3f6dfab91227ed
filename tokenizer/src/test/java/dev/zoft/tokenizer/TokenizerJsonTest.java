package dev.zoft.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading tokenizer.json: the MiniLM file's settings, and a clear error for each kind of bad file. */
class TokenizerJsonTest {

    @Test
    void loadsTheMiniLmTokenizerWithItsSettings() throws Exception {
        HfTokenizer t = TokenizerJson.load(TestFiles.miniLmTokenizerJson());
        assertEquals(30522, t.vocabSize());
        assertEquals(OptionalInt.of(101), t.tokenToId("[CLS]"));
        assertEquals(OptionalInt.of(2054), t.tokenToId("what"));
        assertEquals(OptionalInt.empty(), t.tokenToId("not-a-token"));
        assertEquals("[UNK]", t.idToToken(100));
        assertEquals("##ing", t.idToToken(t.tokenToId("##ing").getAsInt()));
        assertThrows(IllegalArgumentException.class, () -> t.idToToken(30522));
        assertThrows(IllegalArgumentException.class, () -> t.idToToken(-1));
        assertEquals(new Truncation(128, Truncation.Strategy.LONGEST_FIRST, false), t.truncation());
        assertEquals(new Padding(128, 0, false, 0, 0, "[PAD]"), t.padding());
    }

    @Test
    void withoutTruncationSectionTheBertDefaultOf512Applies() {
        HfTokenizer t = SmallTokenizers.load(SmallTokenizers.bert());
        assertEquals(Truncation.of(512), t.truncation());
        assertEquals(Padding.longest(0, "[PAD]"), t.padding());
        assertEquals(512, t.encode("a ".repeat(600)).length());
    }

    @Test
    void malformedJsonNamesTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("broken.json");
        Files.writeString(file, "{\"model\": {\"type\": \"WordPiece\",");
        TokenizerFormatException e = assertThrows(TokenizerFormatException.class, () -> TokenizerJson.load(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("malformed JSON"), e.getMessage());
    }

    @Test
    void invalidUtf8IsRejected() {
        byte[] json = SmallTokenizers.bytes(SmallTokenizers.bert());
        byte[] bad = new byte[json.length + 2];
        System.arraycopy(json, 0, bad, 0, 10);
        bad[10] = (byte) 0xC3; // a lead byte followed by ASCII is malformed
        bad[11] = (byte) 0x28;
        System.arraycopy(json, 10, bad, 12, json.length - 10);
        assertMessage(bad, "not valid UTF-8");
    }

    @Test
    void emptyAndNonObjectDocumentsAreRejected() {
        assertMessage(new byte[0], "empty");
        assertMessage("[1, 2]".getBytes(StandardCharsets.UTF_8), "not a JSON object");
        assertMessage("{}".getBytes(StandardCharsets.UTF_8), "has no 'model'");
    }

    @Test
    void missingVocabIsRejected() {
        ObjectNode json = SmallTokenizers.bert();
        ((ObjectNode) json.get("model")).remove("vocab");
        assertMessage(SmallTokenizers.bytes(json), "model has no 'vocab'");
    }

    @Test
    void unknownTokenMustBeInTheVocab() {
        ObjectNode json = SmallTokenizers.bert();
        ((ObjectNode) json.get("model").get("vocab")).remove("[UNK]");
        assertMessage(SmallTokenizers.bytes(json), "unknown token '[UNK]' (model.unk_token) is not in model.vocab");
    }

    @Test
    void badVocabIdsAreRejected() {
        ObjectNode json = SmallTokenizers.bert();
        ((ObjectNode) json.get("model").get("vocab")).put("zzz", -3);
        assertMessage(SmallTokenizers.bytes(json), "model.vocab['zzz'] is not a non-negative 32-bit integer");
        json = SmallTokenizers.bert();
        ((ObjectNode) json.get("model").get("vocab")).put("zzz", Integer.MAX_VALUE);
        assertMessage(SmallTokenizers.bytes(json), "far from dense");
        json = SmallTokenizers.bert();
        ((ObjectNode) json.get("model").get("vocab")).put("zzz", "7");
        assertMessage(SmallTokenizers.bytes(json), "model.vocab['zzz'] is not a non-negative 32-bit integer");
    }

    @Test
    void duplicateKeysAreRejected() {
        String json = new String(SmallTokenizers.bytes(SmallTokenizers.bert()), StandardCharsets.UTF_8)
                .replace("\"un\":5", "\"un\":5,\"un\":6");
        assertMessage(json.getBytes(StandardCharsets.UTF_8), "Duplicate field 'un'");
    }

    @Test
    void unsupportedComponentsAreNamed() {
        ObjectNode json = SmallTokenizers.bert();
        ((ObjectNode) json.get("model")).put("type", "Unigram");
        assertMessage(SmallTokenizers.bytes(json), "model type 'Unigram' is not supported");

        json = SmallTokenizers.bert();
        ((ObjectNode) json.get("normalizer")).put("type", "Precompiled");
        assertMessage(SmallTokenizers.bytes(json), "normalizer type 'Precompiled' is not supported");

        json = SmallTokenizers.bert();
        ((ObjectNode) json.get("pre_tokenizer")).put("type", "Punctuation");
        assertMessage(SmallTokenizers.bytes(json), "pre_tokenizer type 'Punctuation' is not supported");

        json = SmallTokenizers.bert();
        ((ObjectNode) json.get("post_processor")).put("type", "ByteLevelish");
        assertMessage(SmallTokenizers.bytes(json), "post_processor type 'ByteLevelish' is not supported");

        json = SmallTokenizers.bert();
        ((ObjectNode) json.get("decoder")).put("type", "CTC");
        assertMessage(SmallTokenizers.bytes(json), "decoder type 'CTC' is not supported");

        json = SmallTokenizers.bert();
        json.put("version", "2.0");
        assertMessage(SmallTokenizers.bytes(json), "unsupported tokenizer.json version '2.0'");
    }

    @Test
    void nestedUnsupportedComponentsAreNamedWithTheirPath() {
        ObjectNode json = SmallTokenizers.bert();
        ObjectNode seq = json.putObject("normalizer").put("type", "Sequence");
        seq.putArray("normalizers").addObject().put("type", "NFD");
        ((com.fasterxml.jackson.databind.node.ArrayNode) seq.get("normalizers")).addObject().put("type", "Strip");
        assertMessage(SmallTokenizers.bytes(json), "normalizer.normalizers[1] type 'Strip' is not supported");
    }

    @Test
    void untaggedWordPieceModelIsRecognised() {
        ObjectNode json = SmallTokenizers.bert();
        ((ObjectNode) json.get("model")).remove("type");
        assertEquals(5, SmallTokenizers.load(json).encode("un").idAt(1));
    }

    private static void assertMessage(byte[] json, String expected) {
        TokenizerFormatException e = assertThrows(TokenizerFormatException.class,
                () -> TokenizerJson.parse(json, "test.json"));
        assertTrue(e.getMessage().startsWith("test.json: "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), () -> "expected '" + expected + "' in: " + e.getMessage());
    }
}
