package dev.zoft.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The MiniLM tokenizer.json with one section changed (normalizer flags, other supported components,
 * added tokens with single_word / lstrip / rstrip / normalized, no post-processor or decoder, a small
 * max_input_chars_per_word): each variant must still match the reference on the stress corpus and
 * part of SST-2.
 */
class VariantConfigTest {
    @TempDir
    Path dir;

    private static final Map<String, Consumer<ObjectNode>> VARIANTS = Map.ofEntries(
            Map.entry("cased", root -> normalizer(root).put("lowercase", false)),
            Map.entry("cased-strip", root -> normalizer(root).put("lowercase", false).put("strip_accents", true)),
            Map.entry("lowercase-keep-accents", root -> normalizer(root).put("strip_accents", false)),
            Map.entry("no-clean-no-chinese", root -> normalizer(root).put("clean_text", false).put("handle_chinese_chars", false)),
            Map.entry("no-normalizer-whitespace-split", root -> {
                root.putNull("normalizer");
                root.putObject("pre_tokenizer").put("type", "WhitespaceSplit");
            }),
            Map.entry("sequences", root -> {
                ObjectNode n = root.putObject("normalizer").put("type", "Sequence");
                n.putArray("normalizers").add(obj("NFKD")).add(obj("Lowercase")).add(obj("NFC"));
                ObjectNode p = root.putObject("pre_tokenizer").put("type", "Sequence");
                p.putArray("pretokenizers").add(obj("WhitespaceSplit")).add(obj("BertPreTokenizer"));
            }),
            Map.entry("bert-processing-no-decoder", root -> {
                ObjectNode post = root.putObject("post_processor").put("type", "BertProcessing");
                post.putArray("sep").add("[SEP]").add(102);
                post.putArray("cls").add("[CLS]").add(101);
                root.putNull("decoder");
            }),
            Map.entry("no-post-processor", root -> root.putNull("post_processor")),
            Map.entry("short-words", root -> ((ObjectNode) root.get("model")).put("max_input_chars_per_word", 6)),
            Map.entry("added-tokens", root -> {
                ArrayNode added = (ArrayNode) root.get("added_tokens");
                added.addObject().put("id", 30522).put("content", "<mask>").put("single_word", false)
                        .put("lstrip", true).put("rstrip", false).put("normalized", false).put("special", true);
                added.addObject().put("id", 30523).put("content", "movie").put("single_word", true)
                        .put("lstrip", false).put("rstrip", false).put("normalized", true).put("special", false);
                added.addObject().put("id", 30524).put("content", "Café Noir").put("single_word", false)
                        .put("lstrip", false).put("rstrip", true).put("normalized", true).put("special", false);
                added.addObject().put("id", 30525).put("content", "[SEP]x").put("single_word", false)
                        .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", false);
            }));

    @ParameterizedTest
    @ValueSource(strings = {"cased", "cased-strip", "lowercase-keep-accents", "no-clean-no-chinese",
            "no-normalizer-whitespace-split", "sequences", "bert-processing-no-decoder", "no-post-processor",
            "short-words", "added-tokens"})
    void variantMatchesTheReference(String name) throws Exception {
        ObjectNode root = (ObjectNode) SmallTokenizers.JSON.readTree(TestFiles.miniLmTokenizerJson().toFile());
        VARIANTS.get(name).accept(root);
        Path file = dir.resolve(name + ".json");
        Files.write(file, SmallTokenizers.bytes(root));
        HfTokenizer ours = TokenizerJson.load(file).withTruncation(null);
        List<String> texts = new ArrayList<>(TestFiles.stressCorpus());
        texts.addAll(TestFiles.sst2Sentences("dev.tsv", 300));
        texts.addAll(List.of("a <mask> b   <mask>c", "the movie, movies movie", "moviegoer movie!", "CAFÉ NOIR  x café noir!",
                "[SEP]x [SEP] x[SEP]xy"));
        try (HuggingFaceTokenizer reference = Reference.create(file,
                Map.of("addSpecialTokens", "true", "padding", "false", "truncation", "false"))) {
            for (String text : texts) {
                ai.djl.huggingface.tokenizers.Encoding expected = reference.encode(text);
                Encoding actual = ours.encode(text);
                assertArrayEquals(Reference.toInts(expected.getIds()), actual.ids(),
                        () -> name + ": ids of " + ReferenceCorpusTest.escape(text));
                assertEquals(List.of(expected.getTokens()), actual.tokens(),
                        () -> name + ": tokens of " + ReferenceCorpusTest.escape(text));
                assertEquals(reference.decode(expected.getIds(), true), ours.decode(actual.ids()),
                        () -> name + ": decode of " + ReferenceCorpusTest.escape(text));
            }
        }
    }

    private static ObjectNode normalizer(ObjectNode root) {
        return (ObjectNode) root.get("normalizer");
    }

    private static ObjectNode obj(String type) {
        return SmallTokenizers.JSON.createObjectNode().put("type", type);
    }
}
