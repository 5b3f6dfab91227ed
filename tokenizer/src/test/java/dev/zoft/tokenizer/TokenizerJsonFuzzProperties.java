package dev.zoft.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/**
 * The loader on damaged input: random bytes, byte-level mutations of a valid file and structural
 * mutations of its JSON tree. The only acceptable outcomes are a working tokenizer or a
 * {@link TokenizerFormatException}; any other exception fails the property.
 */
class TokenizerJsonFuzzProperties {
    private static final byte[] VALID = SmallTokenizers.bytes(SmallTokenizers.bert());

    @Property(tries = 300)
    void randomBytes(@ForAll @Size(max = 300) byte[] bytes) {
        loadOrFormatError(bytes);
    }

    @Property(tries = 1000)
    void mutatedBytes(@ForAll long seed) {
        Random rnd = new Random(seed);
        byte[] b = VALID.clone();
        int edits = 1 + rnd.nextInt(4);
        for (int i = 0; i < edits; i++) {
            int pos = rnd.nextInt(b.length);
            switch (rnd.nextInt(4)) {
                case 0 -> b[pos] = (byte) rnd.nextInt(256);
                case 1 -> b = java.util.Arrays.copyOf(b, pos); // truncate
                case 2 -> b[pos] = (byte) "{}[]\",:0-e".charAt(rnd.nextInt(10));
                default -> {
                    byte[] longer = new byte[b.length + 1];
                    System.arraycopy(b, 0, longer, 0, pos);
                    longer[pos] = (byte) rnd.nextInt(256);
                    System.arraycopy(b, pos, longer, pos + 1, b.length - pos);
                    b = longer;
                }
            }
            if (b.length == 0) {
                break;
            }
        }
        loadOrFormatError(b);
    }

    @Property(tries = 1000)
    void mutatedStructure(@ForAll long seed) {
        Random rnd = new Random(seed);
        ObjectNode json = SmallTokenizers.bert();
        int edits = 1 + rnd.nextInt(3);
        for (int i = 0; i < edits; i++) {
            List<ObjectNode> objects = new ArrayList<>();
            collectObjects(json, objects);
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
        loadOrFormatError(SmallTokenizers.bytes(json));
    }

    private static void loadOrFormatError(byte[] bytes) {
        HfTokenizer t;
        try {
            t = TokenizerJson.parse(bytes, "fuzz.json");
        } catch (TokenizerFormatException expected) {
            return;
        }
        // A file that loads must also tokenize and decode without blowing up; a post-processor whose
        // specials cannot fit under a mutated max length is reported as IllegalArgumentException.
        try {
            Encoding e = t.encode("unaffable play\u00e9 😀 [SEP] x");
            t.decode(e.ids());
            t.encodePadded(List.of("a", "b b"));
        } catch (IllegalArgumentException tooShort) {
            if (!tooShort.getMessage().contains("max length")) {
                throw tooShort;
            }
        }
    }

    static void collectObjects(JsonNode node, List<ObjectNode> out) {
        if (node instanceof ObjectNode o) {
            out.add(o);
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            collectObjects(e.getValue(), out);
        }
        if (node instanceof ArrayNode a) {
            for (JsonNode child : a) {
                collectObjects(child, out);
            }
        }
    }

    static JsonNode randomValue(Random rnd) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (rnd.nextInt(9)) {
            case 0 -> f.nullNode();
            case 1 -> f.booleanNode(rnd.nextBoolean());
            case 2 -> f.numberNode(rnd.nextInt(7) - 2);
            case 3 -> f.numberNode(rnd.nextLong());
            case 4 -> f.numberNode(rnd.nextDouble());
            case 5 -> f.textNode(List.of("", "[UNK]", "WordPiece", "BPE", "Fixed", "Left", "A", "B", "##").get(rnd.nextInt(9)));
            case 6 -> f.arrayNode().add(f.textNode("[SEP]")).add(f.numberNode(rnd.nextInt(30)));
            case 7 -> f.objectNode().put("type", List.of("BertNormalizer", "Sequence", "WordPiece", "TemplateProcessing").get(rnd.nextInt(4)));
            default -> f.objectNode().put("Fixed", rnd.nextBoolean() ? rnd.nextInt(5) : Integer.MAX_VALUE);
        };
    }
}
