package dev.zoft.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zoft.weights.WeightFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The BPE loaders on damaged input: structural mutations of byte-level and SentencePiece
 * tokenizer.json trees, byte mutations of a GGUF file holding a tokenizer, and random GGUF
 * vocabularies. The only acceptable outcomes are a working tokenizer (which must then encode and
 * decode arbitrary text) or a {@link TokenizerFormatException} / {@link WeightFormatException}.
 */
class BpeFuzzProperties {
    private static final byte[] GGUF = GgufTokenizerTest.tinyGpt2().put("tokenizer.ggml.add_bos_token", true).toBytes();
    private static final String PROBE = "ab c'll Ab\n\n  1234 é😀 <|bos|><s> \u2581x\u0000";

    @Property(tries = 400)
    void mutatedTokenizerJson(@ForAll long seed) {
        Random rnd = new Random(seed);
        ObjectNode json = rnd.nextBoolean() ? BpeVariantsTest.byteLevelBase() : BpeVariantsTest.sentencePieceBase();
        for (int i = 0, edits = 1 + rnd.nextInt(3); i < edits; i++) {
            List<ObjectNode> objects = new ArrayList<>();
            TokenizerJsonFuzzProperties.collectObjects(json, objects);
            ObjectNode target = objects.get(rnd.nextInt(objects.size()));
            List<String> names = new ArrayList<>();
            target.fieldNames().forEachRemaining(names::add);
            if (names.isEmpty()) {
                continue;
            }
            String field = names.get(rnd.nextInt(names.size()));
            switch (rnd.nextInt(3)) {
                case 0 -> target.remove(field);
                case 1 -> target.set(field, randomValue(rnd));
                default -> target.set(field + (char) ('a' + rnd.nextInt(26)), randomValue(rnd));
            }
        }
        HfTokenizer t;
        try {
            t = TokenizerJson.parse(SmallTokenizers.bytes(json), "fuzz.json");
        } catch (TokenizerFormatException expected) {
            return;
        }
        t.decode(t.encode(PROBE).ids(), false);
    }

    @Property(tries = 300)
    void mutatedGgufBytes(@ForAll long seed) throws IOException {
        Random rnd = new Random(seed);
        byte[] b = GGUF.clone();
        for (int i = 0, edits = 1 + rnd.nextInt(4); i < edits; i++) {
            int pos = rnd.nextInt(b.length);
            switch (rnd.nextInt(3)) {
                case 0 -> b[pos] = (byte) rnd.nextInt(256);
                case 1 -> b = Arrays.copyOf(b, pos);
                default -> b[pos] = (byte) (b[pos] ^ (1 << rnd.nextInt(8)));
            }
            if (b.length == 0) {
                break;
            }
        }
        Path file = Files.createTempFile("fuzz", ".gguf");
        try {
            Files.write(file, b);
            HfTokenizer t;
            try {
                t = GgufTokenizer.load(file);
            } catch (TokenizerFormatException | WeightFormatException expected) {
                return;
            }
            t.decode(t.encode(PROBE).ids(), false);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Property(tries = 300)
    void randomGgufVocabularies(@ForAll long seed) {
        Random rnd = new Random(seed);
        String[] pieces = {"a", "b", "ab", "\u2581", "\u2581a", "<0x61>", "<0xZZ>", "", " ", "a b", "<s>", "Ġ", "é", "😀"};
        List<String> tokens = new ArrayList<>();
        for (int i = 0, n = rnd.nextInt(12); i < n; i++) {
            tokens.add(pieces[rnd.nextInt(pieces.length)]);
        }
        float[] scores = rnd.nextInt(5) == 0 ? null : new float[tokens.size() + (rnd.nextInt(6) == 0 ? 1 : 0)];
        if (scores != null) {
            for (int i = 0; i < scores.length; i++) {
                scores[i] = rnd.nextInt(4) == 0 ? Float.NaN : rnd.nextFloat() * -10;
            }
        }
        int[] types = rnd.nextInt(4) == 0 ? null : rnd.ints(tokens.size(), -1, 8).toArray();
        List<String> merges = null;
        if (rnd.nextBoolean()) {
            merges = new ArrayList<>();
            for (int i = 0, n = rnd.nextInt(6); i < n; i++) {
                merges.add(pieces[rnd.nextInt(pieces.length)] + (rnd.nextInt(5) == 0 ? "" : " ") + pieces[rnd.nextInt(pieces.length)]);
            }
        }
        String model = List.of("gpt2", "llama", "bert", "").get(rnd.nextInt(4));
        String pre = List.of("gpt-2", "llama-bpe", "qwen2", "smollm", "default", "x").get(rnd.nextInt(6));
        GgufVocab v = new GgufVocab("random.gguf", model, pre, tokens, scores, types, merges, rnd.nextInt(14) - 2,
                rnd.nextInt(14) - 2, rnd.nextInt(14) - 2, rnd.nextInt(14) - 2, rnd.nextBoolean() ? null : rnd.nextBoolean(),
                rnd.nextBoolean() ? null : rnd.nextBoolean(), rnd.nextBoolean() ? null : rnd.nextBoolean());
        HfTokenizer t;
        try {
            t = GgufTokenizer.fromVocab(v);
        } catch (TokenizerFormatException expected) {
            return;
        }
        t.decode(t.encode(PROBE).ids(), false);
        t.decode(t.encode(PROBE).ids(), true);
    }

    private static JsonNode randomValue(Random rnd) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (rnd.nextInt(6)) {
            case 0 -> f.objectNode().put("type", List.of("BPE", "ByteLevel", "Split", "Sequence", "Replace", "Strip",
                    "ByteFallback", "Fuse", "Metaspace", "Prepend", "TemplateProcessing").get(rnd.nextInt(11)));
            case 1 -> f.objectNode().put("Regex", List.of("(", "[a-", "\\p{Foo}", "a{2,1}", "\\s+", "").get(rnd.nextInt(6)));
            case 2 -> f.objectNode().put("String", List.of("", " ", "\u2581", "ab").get(rnd.nextInt(4)));
            case 3 -> f.arrayNode().add(f.arrayNode().add("a").add("b")).add("a b").add("x y z").add(f.numberNode(3));
            case 4 -> f.textNode(List.of("Isolated", "Removed", "Contiguous", "Bogus", "\u2581", "ab").get(rnd.nextInt(6)));
            default -> TokenizerJsonFuzzProperties.randomValue(rnd);
        };
    }
}
