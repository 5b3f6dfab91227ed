package dev.zoft.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Builds small tokenizer.json documents for unit tests and fuzzing. */
final class SmallTokenizers {
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> VOCAB = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un", "##aff", "##able",
            "aff", "##ord", "a", "##a", "b", "##b", "!", "😀", "##😀", "play", "##ing", "é", "e");

    private SmallTokenizers() {
    }

    /** A BERT-style tokenizer.json over {@link #VOCAB} (id = position), uncased, [CLS] A [SEP]. */
    static ObjectNode bert() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int i = 0; i < 5; i++) {
            ObjectNode t = added.addObject();
            t.put("id", i).put("content", VOCAB.get(i)).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", false).put("special", true);
        }
        ObjectNode normalizer = root.putObject("normalizer");
        normalizer.put("type", "BertNormalizer").put("clean_text", true).put("handle_chinese_chars", true)
                .putNull("strip_accents");
        normalizer.put("lowercase", true);
        root.putObject("pre_tokenizer").put("type", "BertPreTokenizer");
        ObjectNode post = root.putObject("post_processor");
        post.put("type", "BertProcessing");
        post.putArray("sep").add("[SEP]").add(3);
        post.putArray("cls").add("[CLS]").add(2);
        root.putObject("decoder").put("type", "WordPiece").put("prefix", "##").put("cleanup", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "WordPiece").put("unk_token", "[UNK]").put("continuing_subword_prefix", "##")
                .put("max_input_chars_per_word", 100);
        ObjectNode vocab = model.putObject("vocab");
        for (int i = 0; i < VOCAB.size(); i++) {
            vocab.put(VOCAB.get(i), i);
        }
        return root;
    }

    static byte[] bytes(ObjectNode json) {
        try {
            return JSON.writeValueAsBytes(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static HfTokenizer load(ObjectNode json) {
        return TokenizerJson.parse(bytes(json), "small-tokenizer.json");
    }
}
