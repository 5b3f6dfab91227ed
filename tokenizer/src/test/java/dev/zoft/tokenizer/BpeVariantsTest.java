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
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Small BPE tokenizer.json files, one component changed per variant (Split behaviours and invert,
 * ByteLevel options, ignore_merges, unknown-token handling, byte fallback, SentencePiece normalizers
 * and decoders, templates): each must give the reference's ids, tokens and decoded text on 400 random
 * texts over an alphabet chosen to hit merges, unknown characters and multi-byte UTF-8.
 *
 * <p>{@code Strip} with a stop count is not compared: the reference (tokenizers 0.21.4 in DJL 0.36)
 * panics in {@code decoders/strip.rs} on multi-byte tokens, which aborts the JVM; {@code DecodersTest}
 * checks it on its own.
 */
class BpeVariantsTest {
    @TempDir
    Path dir;

    private static final Map<String, Consumer<ObjectNode>> BYTE_LEVEL = Map.ofEntries(
            Map.entry("plain", root -> { }),
            Map.entry("prefix-space", root -> ((ObjectNode) root.get("pre_tokenizer")).put("add_prefix_space", true)),
            Map.entry("no-regex", root -> ((ObjectNode) root.get("pre_tokenizer")).put("use_regex", false)),
            Map.entry("ignore-merges", root -> ((ObjectNode) root.get("model")).put("ignore_merges", true)),
            Map.entry("split-isolated", root -> split(root, "Regex", "\\s+|\\p{N}", "Isolated", false)),
            Map.entry("split-removed", root -> split(root, "Regex", "\\s+", "Removed", false)),
            Map.entry("split-previous", root -> split(root, "String", " ", "MergedWithPrevious", false)),
            Map.entry("split-next", root -> split(root, "String", " ", "MergedWithNext", false)),
            Map.entry("split-contiguous", root -> split(root, "Regex", "[ab]", "Contiguous", false)),
            Map.entry("split-inverted", root -> split(root, "Regex", "\\p{L}+", "Isolated", true)),
            Map.entry("digits-individual", root -> digits(root, true)),
            Map.entry("digits-grouped", root -> digits(root, false)),
            Map.entry("split-llama3", root -> split(root, "Regex", SplitPreTokenizer.LLAMA3_PATTERN, "Isolated", false)),
            Map.entry("template-nfc", root -> {
                root.putObject("normalizer").put("type", "NFC");
                ObjectNode post = root.putObject("post_processor").put("type", "Sequence");
                ObjectNode t = post.putArray("processors").addObject().put("type", "ByteLevel").put("trim_offsets", true)
                        .put("add_prefix_space", false).put("use_regex", true);
                ObjectNode template = ((ArrayNode) post.get("processors")).addObject().put("type", "TemplateProcessing");
                template.putArray("single").addObject().putObject("SpecialToken").put("id", "<|bos|>").put("type_id", 0);
                ((ArrayNode) template.get("single")).addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
                template.putArray("pair").addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
                ((ArrayNode) template.get("pair")).addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
                ObjectNode s = template.putObject("special_tokens").putObject("<|bos|>");
                s.put("id", "<|bos|>");
                s.putArray("ids").add(300);
                s.putArray("tokens").add("<|bos|>");
            }));

    private static final Map<String, Consumer<ObjectNode>> SPM = Map.ofEntries(
            Map.entry("plain", root -> { }),
            Map.entry("no-fuse", root -> ((ObjectNode) root.get("model")).put("fuse_unk", false)),
            Map.entry("no-byte-fallback", root -> ((ObjectNode) root.get("model")).put("byte_fallback", false)),
            Map.entry("no-unk-no-fallback", root -> ((ObjectNode) root.get("model")).put("byte_fallback", false)
                    .putNull("unk_token")),
            Map.entry("metaspace-decoder", root -> root.putObject("decoder").put("type", "Metaspace")
                    .put("replacement", "\u2581").put("prepend_scheme", "always").put("split", false)),
            Map.entry("no-decoder", root -> root.putNull("decoder")),
            Map.entry("metaspace-first", root -> metaspace(root, "first", false)),
            Map.entry("metaspace-first-split", root -> metaspace(root, "first", true)),
            Map.entry("metaspace-always-split", root -> metaspace(root, "always", true)),
            Map.entry("metaspace-never", root -> metaspace(root, "never", false)),
            Map.entry("replace-regex", root -> {
                ObjectNode r = ((ArrayNode) root.get("normalizer").get("normalizers")).addObject();
                r.put("type", "Replace");
                r.putObject("pattern").put("Regex", "[0-9]+");
                r.put("content", "#");
            }));

    @ParameterizedTest
    @ValueSource(strings = {"plain", "prefix-space", "no-regex", "ignore-merges", "split-isolated", "split-removed",
            "split-previous", "split-next", "split-contiguous", "split-inverted", "split-llama3", "template-nfc",
            "digits-individual", "digits-grouped"})
    void byteLevelVariantMatchesTheReference(String name) throws Exception {
        ObjectNode root = byteLevelBase();
        BYTE_LEVEL.get(name).accept(root);
        compare("byte-level-" + name, root, "ab c'sS\n\t1é😀中 23\u0663\u00bd");
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "no-fuse", "no-byte-fallback", "no-unk-no-fallback", "metaspace-decoder",
            "no-decoder", "replace-regex", "metaspace-first", "metaspace-first-split", "metaspace-always-split",
            "metaspace-never"})
    void sentencePieceVariantMatchesTheReference(String name) throws Exception {
        ObjectNode root = sentencePieceBase();
        SPM.get(name).accept(root);
        compare("spm-" + name, root, "abc  \u2581é😀中12x");
    }

    @org.junit.jupiter.api.Test
    void robertaProcessingMatchesTheReferenceOnPairs() throws Exception {
        ObjectNode root = byteLevelBase();
        ObjectNode vocab = (ObjectNode) root.get("model").get("vocab");
        vocab.put("<s>", 400);
        vocab.put("</s>", 401);
        ArrayNode added = (ArrayNode) root.get("added_tokens");
        for (String t : List.of("<s>", "</s>")) {
            added.addObject().put("id", vocab.get(t).intValue()).put("content", t).put("single_word", false)
                    .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
        }
        ObjectNode post = root.putObject("post_processor").put("type", "RobertaProcessing");
        post.putArray("sep").add("</s>").add(401);
        post.putArray("cls").add("<s>").add(400);
        post.put("trim_offsets", true).put("add_prefix_space", false);
        compare("roberta", root, "ab c'sS\n1é ");
        Path file = dir.resolve("roberta-pairs.json");
        Files.write(file, SmallTokenizers.bytes(root));
        HfTokenizer ours = TokenizerJson.load(file);
        assertEquals(Truncation.BERT_MAX_LENGTH, ours.truncation().maxLength(), "an encoder template truncates at 512");
        ours = ours.withTruncation(null);
        try (HuggingFaceTokenizer reference = Reference.create(file,
                Map.of("addSpecialTokens", "true", "padding", "false", "truncation", "false"))) {
            for (String[] pair : new String[][] {{"ab c", "cab"}, {"", "a"}, {"a b", ""}, {"<s>ab", "ab</s>"}}) {
                ai.djl.huggingface.tokenizers.Encoding expected = reference.encode(pair[0], pair[1]);
                Encoding actual = ours.encodePair(pair[0], pair[1]);
                assertArrayEquals(Reference.toInts(expected.getIds()), actual.ids(), () -> "pair ids of " + List.of(pair));
                assertArrayEquals(Reference.toInts(expected.getTypeIds()), actual.typeIds(),
                        () -> "pair type ids of " + List.of(pair));
            }
        }
    }

    private void compare(String name, ObjectNode root, String alphabet) throws Exception {
        Path file = dir.resolve(name + ".json");
        Files.write(file, SmallTokenizers.bytes(root));
        HfTokenizer ours = TokenizerJson.load(file);
        Random rnd = new Random(name.hashCode());
        List<String> texts = new ArrayList<>(List.of("", " ", "a", "abc abc", "<|bos|>ab <|bos|>", "<s>a</s>", "a<s>b c",
                "<s> ab", "  ab  c ", "\u2581ab"));
        int[] cps = alphabet.codePoints().toArray();
        for (int i = 0; i < 400; i++) {
            StringBuilder sb = new StringBuilder();
            for (int n = rnd.nextInt(14); n > 0; n--) {
                sb.appendCodePoint(cps[rnd.nextInt(cps.length)]);
            }
            texts.add(sb.toString());
        }
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
                assertEquals(reference.decode(expected.getIds(), false), ours.decode(actual.ids(), false),
                        () -> name + ": decode with specials of " + ReferenceCorpusTest.escape(text));
            }
        }
    }

    /** SmolLM's form: digits split off first, then the GPT-2 byte-level regex. */
    private static void digits(ObjectNode root, boolean individual) {
        ObjectNode seq = root.putObject("pre_tokenizer").put("type", "Sequence");
        ArrayNode steps = seq.putArray("pretokenizers");
        steps.addObject().put("type", "Digits").put("individual_digits", individual);
        steps.addObject().put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true)
                .put("use_regex", true);
    }

    /** The newer Hugging Face form of Llama-2: no normalizer, a Metaspace pre-tokenizer and decoder. */
    private static void metaspace(ObjectNode root, String scheme, boolean split) {
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "Metaspace").put("replacement", "\u2581")
                .put("prepend_scheme", scheme).put("split", split);
        ObjectNode decoder = root.putObject("decoder").put("type", "Sequence");
        decoder.putArray("decoders").addObject().put("type", "Metaspace").put("replacement", "\u2581")
                .put("prepend_scheme", scheme).put("split", split);
        ((ArrayNode) decoder.get("decoders")).addObject().put("type", "ByteFallback");
        ((ArrayNode) decoder.get("decoders")).addObject().put("type", "Fuse");
    }

    private static void split(ObjectNode root, String kind, String pattern, String behavior, boolean invert) {
        ObjectNode seq = root.putObject("pre_tokenizer").put("type", "Sequence");
        ArrayNode steps = seq.putArray("pretokenizers");
        ObjectNode split = steps.addObject().put("type", "Split");
        split.putObject("pattern").put(kind, pattern);
        split.put("behavior", behavior).put("invert", invert);
        steps.addObject().put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true)
                .put("use_regex", false);
    }

    /** 256 byte characters (ids 0..255 in byte order) plus merged tokens, and one special token. */
    static ObjectNode byteLevelBase() {
        ObjectNode root = SmallTokenizers.JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        root.putArray("added_tokens").addObject().put("id", 300).put("content", "<|bos|>").put("single_word", false)
                .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "ByteLevel").put("add_prefix_space", false)
                .put("trim_offsets", true).put("use_regex", true);
        root.putObject("post_processor").put("type", "ByteLevel").put("add_prefix_space", false)
                .put("trim_offsets", true).put("use_regex", true);
        root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true)
                .put("use_regex", true);
        ObjectNode model = bpe(root, null, false, false);
        ObjectNode vocab = model.putObject("vocab");
        for (int b = 0; b < 256; b++) {
            vocab.put(String.valueOf(ByteLevel.charOf(b)), b);
        }
        String sp = String.valueOf(ByteLevel.charOf(' '));
        String[][] merges = {{"a", "b"}, {sp, "a"}, {"ab", "c"}, {sp, "ab"}, {"'", "s"}, {sp, sp}, {sp + "ab", "c"},
            {"c", "c"}, {"Ã", "©"}, {"b", "c"}, {"a", "a"}};
        ArrayNode m = model.putArray("merges");
        int id = 256;
        for (String[] pair : merges) {
            m.add(pair[0] + " " + pair[1]);
            if (!vocab.has(pair[0] + pair[1])) {
                vocab.put(pair[0] + pair[1], id++);
            }
        }
        return root;
    }

    /** Llama-2 style: ▁ for spaces, byte fallback, a few pieces. */
    static ObjectNode sentencePieceBase() {
        ObjectNode root = SmallTokenizers.JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        String[] specials = {"<unk>", "<s>", "</s>"};
        for (int i = 0; i < 3; i++) {
            added.addObject().put("id", i).put("content", specials[i]).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", false).put("special", true);
        }
        ObjectNode normalizer = root.putObject("normalizer").put("type", "Sequence");
        ArrayNode steps = normalizer.putArray("normalizers");
        steps.addObject().put("type", "Prepend").put("prepend", "\u2581");
        ObjectNode replace = steps.addObject().put("type", "Replace");
        replace.putObject("pattern").put("String", " ");
        replace.put("content", "\u2581");
        root.putNull("pre_tokenizer");
        ObjectNode template = root.putObject("post_processor").put("type", "TemplateProcessing");
        template.putArray("single").addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
        ((ArrayNode) template.get("single")).addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        template.putArray("pair").addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        ((ArrayNode) template.get("pair")).addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
        ObjectNode s = template.putObject("special_tokens").putObject("<s>");
        s.put("id", "<s>");
        s.putArray("ids").add(1);
        s.putArray("tokens").add("<s>");
        ObjectNode decoder = root.putObject("decoder").put("type", "Sequence");
        ArrayNode decoders = decoder.putArray("decoders");
        ObjectNode back = decoders.addObject().put("type", "Replace");
        back.putObject("pattern").put("String", "\u2581");
        back.put("content", " ");
        decoders.addObject().put("type", "ByteFallback");
        decoders.addObject().put("type", "Fuse");
        decoders.addObject().put("type", "Strip").put("content", " ").put("start", 1).put("stop", 0);
        ObjectNode model = bpe(root, "<unk>", true, true);
        ObjectNode vocab = model.putObject("vocab");
        int id = 0;
        for (String t : specials) {
            vocab.put(t, id++);
        }
        for (int b = 0; b < 256; b++) {
            vocab.put(BpeModel.byteToken(b), id++);
        }
        for (String t : new String[] {"\u2581", "a", "b", "c", "x", "1", "é", "\u2581a", "ab", "\u2581ab", "bc", "abc",
            "\u2581abc", "\u2581\u2581", "cc"}) {
            vocab.put(t, id++);
        }
        String[][] merges = {{"a", "b"}, {"\u2581", "a"}, {"\u2581", "ab"}, {"ab", "c"}, {"b", "c"}, {"\u2581", "\u2581"},
            {"\u2581ab", "c"}, {"c", "c"}, {"a", "bc"}};
        ArrayNode m = model.putArray("merges");
        for (String[] pair : merges) {
            m.addArray().add(pair[0]).add(pair[1]);
        }
        return root;
    }

    private static ObjectNode bpe(ObjectNode root, String unk, boolean fuseUnk, boolean byteFallback) {
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        if (unk == null) {
            model.putNull("unk_token");
        } else {
            model.put("unk_token", unk);
        }
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", fuseUnk).put("byte_fallback", byteFallback).put("ignore_merges", false);
        return model;
    }
}
