package dev.zoft.tokenizer;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a Hugging Face {@code tokenizer.json} into an {@link HfTokenizer}.
 *
 * <p>Supported components (anything else is rejected with a {@link TokenizerFormatException} naming
 * the file and the component): models {@code WordPiece} and {@code BPE} (byte-level or with byte
 * fallback; not dropout); normalizers {@code BertNormalizer}, {@code Lowercase}, {@code NFC},
 * {@code NFD}, {@code NFKC}, {@code NFKD}, {@code Prepend}, {@code Replace}, {@code Sequence};
 * pre-tokenizers {@code BertPreTokenizer}, {@code WhitespaceSplit}, {@code ByteLevel}, {@code Split},
 * {@code Metaspace}, {@code Digits}, {@code Sequence}; post-processors {@code TemplateProcessing},
 * {@code BertProcessing}, {@code RobertaProcessing}, {@code ByteLevel}, {@code Sequence}; decoders {@code WordPiece}, {@code ByteLevel}, {@code Replace},
 * {@code ByteFallback}, {@code Fuse}, {@code Strip}, {@code Metaspace}, {@code Sequence}.
 * Each section is handled by one method below, so a new model or component is one more case.
 *
 * <p>The file's {@code truncation} section becomes the tokenizer's truncation; without one, encoder
 * tokenizers (WordPiece, or a {@code RobertaProcessing} post-processor) truncate at
 * {@link Truncation#BERT_MAX_LENGTH}, as their models have that many positions, and decoder
 * tokenizers (other BPE) do not truncate. Its {@code padding} section becomes the batch padding; without one, batches are padded to their longest row with the model's
 * {@code [PAD]} token (id 0 if there is none).
 */
public final class TokenizerJson {
    /** Far above any real tokenizer (the largest are tens of MB); stops a huge file before reading it. */
    private static final long MAX_FILE_BYTES = 1L << 30;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final String source;

    private TokenizerJson(String source) {
        this.source = source;
    }

    /**
     * Loads the tokenizer described by a {@code tokenizer.json} file.
     *
     * @throws IOException if the file cannot be read
     * @throws TokenizerFormatException if its content is not a usable tokenizer description
     */
    public static HfTokenizer load(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new TokenizerFormatException(file.toString(), "file is " + size + " bytes, too large for a tokenizer.json");
        }
        return parse(Files.readAllBytes(file), file.toString());
    }

    /**
     * Parses a {@code tokenizer.json} from its bytes (UTF-8).
     *
     * @param sourceName names the origin in error messages (e.g. a path or resource name)
     * @throws TokenizerFormatException if the bytes are not a usable tokenizer description
     */
    public static HfTokenizer parse(byte[] json, String sourceName) {
        return new TokenizerJson(sourceName).build(json);
    }

    /**
     * Builds the tokenizer a parsed {@code tokenizer.json} tree describes (e.g. one made by
     * {@link GgufTokenizer#toTokenizerJson}).
     *
     * @param sourceName names the origin in error messages
     * @throws TokenizerFormatException if the tree is not a usable tokenizer description
     */
    public static HfTokenizer fromTree(JsonNode root, String sourceName) {
        return new TokenizerJson(sourceName).build(root);
    }

    private HfTokenizer build(byte[] bytes) {
        return build(readTree(bytes));
    }

    private HfTokenizer build(JsonNode root) {
        if (!root.isObject()) {
            throw fail("the top level is not a JSON object");
        }
        JsonNode version = root.get("version");
        if (version != null && !version.isNull() && !"1.0".equals(version.asText())) {
            throw fail("unsupported tokenizer.json version '" + version.asText() + "' (expected 1.0)");
        }
        Model model = model(required(root, "model", "the top level"));
        Normalizer normalizer = normalizer(root.get("normalizer"), "normalizer");
        PreTokenizer preTokenizer = preTokenizer(root.get("pre_tokenizer"), "pre_tokenizer");
        List<AddedToken> addedTokens = assignIds(addedTokens(root.get("added_tokens")), model);
        AddedVocabulary added = new AddedVocabulary(addedTokens, normalizer);
        TemplateProcessing post = postProcessor(root.get("post_processor"));
        Decoder decoder = decoder(root.get("decoder"));
        // Encoders have 512 positions, which files written without a truncation section leave implicit;
        // decoder vocabularies are used for long texts and are never cut unless the file says so.
        JsonNode postNode = root.get("post_processor");
        boolean encoder = model instanceof WordPieceModel
                || (postNode != null && postNode.isObject() && "RobertaProcessing".equals(postNode.path("type").asText()));
        Truncation truncation = truncation(root.get("truncation"), encoder);
        Padding padding = padding(root.get("padding"), model, added);
        return new HfTokenizer(added, normalizer, preTokenizer, model, post, decoder, truncation, padding);
    }

    private JsonNode readTree(byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw fail("not valid UTF-8 (" + e.getMessage() + ")", e);
        }
        try {
            JsonNode root = MAPPER.readTree(text);
            if (root == null || root.isMissingNode()) {
                throw fail("empty, no JSON content");
            }
            return root;
        } catch (JacksonException e) {
            throw fail("malformed JSON: " + e.getOriginalMessage(), e);
        }
    }

    // ---- model ----

    private Model model(JsonNode node) {
        if (!node.isObject()) {
            throw fail("'model' is not an object");
        }
        String type = optionalText(node, "type", "model");
        if (type == null) {
            // Older files leave the model untagged; WordPiece is the one with these fields and no merges.
            boolean looksLikeWordPiece = node.has("continuing_subword_prefix") && node.has("max_input_chars_per_word")
                    && !node.has("merges");
            if (!looksLikeWordPiece) {
                throw fail("model has no 'type' and is not recognisable as WordPiece");
            }
            type = "WordPiece";
        }
        return switch (type) {
            case "WordPiece" -> wordPiece(node);
            case "BPE" -> bpe(node);
            default -> throw unsupported("model", type);
        };
    }

    private Model wordPiece(JsonNode node) {
        JsonNode vocabNode = required(node, "vocab", "model");
        if (!vocabNode.isObject()) {
            throw fail("model.vocab is not an object of token to id");
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        int maxId = -1;
        for (Map.Entry<String, JsonNode> e : vocabNode.properties()) {
            int id = nonNegativeInt(e.getValue(), "model.vocab['" + e.getKey() + "']");
            vocab.put(e.getKey(), id);
            maxId = Math.max(maxId, id);
        }
        if (vocab.isEmpty()) {
            throw fail("model.vocab is empty");
        }
        if (maxId >= 2L * vocab.size() + 1024) {
            throw fail("model.vocab ids are far from dense (largest " + maxId + " for " + vocab.size() + " tokens)");
        }
        String unk = text(node, "unk_token", "model");
        String prefix = node.has("continuing_subword_prefix") && !node.get("continuing_subword_prefix").isNull()
                ? text(node, "continuing_subword_prefix", "model") : "##";
        int maxChars = node.has("max_input_chars_per_word") && !node.get("max_input_chars_per_word").isNull()
                ? nonNegativeInt(node.get("max_input_chars_per_word"), "model.max_input_chars_per_word") : 100;
        if (!vocab.containsKey(unk)) {
            throw fail("the unknown token '" + unk + "' (model.unk_token) is not in model.vocab");
        }
        return new WordPieceModel(vocab, unk, prefix, maxChars);
    }

    private Model bpe(JsonNode node) {
        JsonNode vocabNode = required(node, "vocab", "model");
        if (!vocabNode.isObject()) {
            throw fail("model.vocab is not an object of token to id");
        }
        Map<String, Integer> vocab = new HashMap<>(vocabNode.size() * 2);
        int maxId = -1;
        for (Map.Entry<String, JsonNode> e : vocabNode.properties()) {
            int id = nonNegativeInt(e.getValue(), "model.vocab['" + e.getKey() + "']");
            vocab.put(e.getKey(), id);
            maxId = Math.max(maxId, id);
        }
        if (vocab.isEmpty()) {
            throw fail("model.vocab is empty");
        }
        if (maxId >= 2L * vocab.size() + 1024) {
            throw fail("model.vocab ids are far from dense (largest " + maxId + " for " + vocab.size() + " tokens)");
        }
        JsonNode mergesNode = node.get("merges");
        List<BpeModel.Merge> merges = new ArrayList<>();
        if (mergesNode != null && !mergesNode.isNull()) {
            if (!mergesNode.isArray()) {
                throw fail("model.merges is not an array");
            }
            for (int i = 0; i < mergesNode.size(); i++) {
                merges.add(merge(mergesNode.get(i), "model.merges[" + i + "]"));
            }
        }
        JsonNode dropout = node.get("dropout");
        if (dropout != null && !dropout.isNull() && !(dropout.isNumber() && dropout.doubleValue() == 0)) {
            throw fail("model.dropout " + dropout + " is not supported (tokenization must be deterministic)");
        }
        try {
            return new BpeModel(vocab, merges, optionalText(node, "unk_token", "model"),
                    bool(node, "fuse_unk", false, "model"), bool(node, "byte_fallback", false, "model"),
                    bool(node, "ignore_merges", false, "model"), optionalText(node, "continuing_subword_prefix", "model"),
                    optionalText(node, "end_of_word_suffix", "model"));
        } catch (IllegalArgumentException e) {
            throw fail("model: " + e.getMessage(), e);
        }
    }

    /** A merge written as {@code "a b"} (split at the one space) or as {@code ["a", "b"]}. */
    private BpeModel.Merge merge(JsonNode m, String where) {
        if (m.isTextual()) {
            String[] parts = m.asText().split(" ", -1);
            if (parts.length != 2) {
                throw fail(where + " '" + m.asText() + "' is not two tokens separated by one space");
            }
            return new BpeModel.Merge(parts[0], parts[1]);
        }
        if (m.isArray() && m.size() == 2 && m.get(0).isTextual() && m.get(1).isTextual()) {
            return new BpeModel.Merge(m.get(0).asText(), m.get(1).asText());
        }
        throw fail(where + " is neither \"a b\" nor [\"a\", \"b\"]");
    }

    /** A {@code {"String": s}} or {@code {"Regex": r}} pattern. */
    private java.util.regex.Pattern pattern(JsonNode node, String where) {
        JsonNode p = required(node, "pattern", where);
        if (!p.isObject() || p.size() != 1) {
            throw fail(where + ".pattern is not {\"String\": ...} or {\"Regex\": ...}");
        }
        if (p.has("String")) {
            return SplitPreTokenizer.literal(text(p, "String", where + ".pattern"));
        }
        if (p.has("Regex")) {
            String regex = text(p, "Regex", where + ".pattern");
            try {
                return SplitPreTokenizer.compile(regex);
            } catch (java.util.regex.PatternSyntaxException | StackOverflowError e) {
                throw fail(where + ".pattern.Regex is not a valid regex: " + e.getMessage(), e);
            }
        }
        throw fail(where + ".pattern is not {\"String\": ...} or {\"Regex\": ...}");
    }

    /** The string of a {@code {"String": s}} pattern (already validated by {@link #pattern}), else null. */
    private static String literalPattern(JsonNode node) {
        JsonNode p = node.get("pattern");
        return p != null && p.has("String") ? p.get("String").asText() : null;
    }

    /** A single character (code point) field, such as Strip's content or Metaspace's replacement. */
    private int oneChar(JsonNode node, String field, String where) {
        String s = text(node, field, where);
        if (s.isEmpty() || s.codePointCount(0, s.length()) != 1) {
            throw fail(where + "." + field + " '" + s + "' is not a single character");
        }
        return s.codePointAt(0);
    }

    // ---- normalizer ----

    private Normalizer normalizer(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return Normalizer.IDENTITY;
        }
        String type = typeOf(node, where);
        return switch (type) {
            case "BertNormalizer" -> new BertNormalizer(
                    bool(node, "clean_text", true, where),
                    bool(node, "handle_chinese_chars", true, where),
                    optionalBool(node, "strip_accents", where),
                    bool(node, "lowercase", true, where));
            case "Lowercase" -> BertNormalizer::lowercase;
            case "NFC" -> TokenizerJson::nfc;
            case "NFD" -> s -> java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFD);
            case "NFKC" -> s -> java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFKC);
            case "NFKD" -> s -> java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFKD);
            case "Prepend" -> {
                String prepend = text(node, "prepend", where);
                yield s -> s.isEmpty() ? s : prepend + s;
            }
            case "Replace" -> {
                java.util.regex.Pattern p = pattern(node, where);
                String content = text(node, "content", where);
                String literal = literalPattern(node);
                if (literal != null && !literal.isEmpty()) {
                    yield s -> s.replace(literal, content); // the common case (space to ▁), without a regex
                }
                String replacement = java.util.regex.Matcher.quoteReplacement(content);
                yield s -> p.matcher(s).replaceAll(replacement);
            }
            case "Sequence" -> {
                List<Normalizer> steps = new ArrayList<>();
                JsonNode list = array(node, "normalizers", where);
                for (int i = 0; i < list.size(); i++) {
                    steps.add(normalizer(list.get(i), where + ".normalizers[" + i + "]"));
                }
                yield s -> {
                    for (Normalizer n : steps) {
                        s = n.normalize(s);
                    }
                    return s;
                };
            }
            default -> throw unsupported(where, type);
        };
    }

    /** NFC, skipping the normalizer for text below U+0300, which no composition can change (most text). */
    static String nfc(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x300) {
                return java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFC);
            }
        }
        return s;
    }

    // ---- pre-tokenizer ----

    private PreTokenizer preTokenizer(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return PreTokenizer.NONE;
        }
        String type = typeOf(node, where);
        return switch (type) {
            case "BertPreTokenizer" -> BertPreTokenizer.BERT;
            case "WhitespaceSplit" -> BertPreTokenizer.WHITESPACE_SPLIT;
            case "Digits" -> new SplitPreTokenizer(SplitPreTokenizer.compile("\\p{N}"),
                    bool(node, "individual_digits", false, where) ? SplitPreTokenizer.Behavior.ISOLATED
                            : SplitPreTokenizer.Behavior.CONTIGUOUS, false);
            case "Metaspace" -> {
                String scheme = node.has("prepend_scheme") ? text(node, "prepend_scheme", where)
                        : bool(node, "add_prefix_space", true, where) ? "always" : "never";
                Metaspace.Prepend prepend = switch (scheme) {
                    case "always" -> Metaspace.Prepend.ALWAYS;
                    case "first" -> Metaspace.Prepend.FIRST;
                    case "never" -> Metaspace.Prepend.NEVER;
                    default -> throw fail(where + ".prepend_scheme '" + scheme + "' is not always, first or never");
                };
                yield new Metaspace(oneChar(node, "replacement", where), prepend, bool(node, "split", true, where));
            }
            case "ByteLevel" -> ByteLevel.preTokenizer(bool(node, "add_prefix_space", true, where),
                    bool(node, "use_regex", true, where));
            case "Split" -> {
                String behavior = text(node, "behavior", where);
                SplitPreTokenizer.Behavior b = SplitPreTokenizer.Behavior.parse(behavior);
                if (b == null) {
                    throw fail(where + ".behavior '" + behavior + "' is unknown");
                }
                yield new SplitPreTokenizer(pattern(node, where), b, bool(node, "invert", false, where));
            }
            case "Sequence" -> {
                List<PreTokenizer> steps = new ArrayList<>();
                JsonNode list = array(node, "pretokenizers", where);
                for (int i = 0; i < list.size(); i++) {
                    steps.add(preTokenizer(list.get(i), where + ".pretokenizers[" + i + "]"));
                }
                yield PreTokenizer.sequence(steps);
            }
            default -> throw unsupported(where, type);
        };
    }

    // ---- added tokens ----

    private List<AddedToken> addedTokens(JsonNode node) {
        List<AddedToken> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            throw fail("added_tokens is not an array");
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode t = node.get(i);
            String where = "added_tokens[" + i + "]";
            if (!t.isObject()) {
                throw fail(where + " is not an object");
            }
            boolean special = bool(t, "special", false, where);
            out.add(new AddedToken(
                    nonNegativeInt(required(t, "id", where), where + ".id"),
                    text(t, "content", where),
                    bool(t, "single_word", false, where),
                    bool(t, "lstrip", false, where),
                    bool(t, "rstrip", false, where),
                    bool(t, "normalized", !special, where),
                    special));
        }
        return out;
    }

    /**
     * Hugging Face does not trust the ids written in {@code added_tokens}: it adds the tokens one by
     * one, giving each the id its content already has (earlier added token, then model vocabulary),
     * or else the next free id after the model vocabulary. The same is done here, so that a file
     * whose ids disagree tokenizes as the reference does.
     */
    private static List<AddedToken> assignIds(List<AddedToken> tokens, Model model) {
        Map<String, AddedToken> byContent = new LinkedHashMap<>();
        long maxId = -1;
        for (AddedToken t : tokens) {
            if (t.content().isEmpty()) {
                continue;
            }
            AddedToken earlier = byContent.get(t.content());
            int id;
            if (earlier != null) {
                id = earlier.id();
            } else if (model.tokenToId(t.content()).isPresent()) {
                id = model.tokenToId(t.content()).getAsInt();
            } else {
                long next = maxId < 0 ? model.vocabSize() : (maxId >= model.vocabSize() ? maxId + 1 : model.vocabSize());
                id = Math.toIntExact(next);
            }
            maxId = Math.max(maxId, id);
            byContent.put(t.content(), new AddedToken(id, t.content(), t.singleWord(), t.lstrip(), t.rstrip(),
                    t.normalized(), t.special() || (earlier != null && earlier.special())));
        }
        return new ArrayList<>(byContent.values());
    }

    // ---- post-processor ----

    private TemplateProcessing postProcessor(JsonNode node) {
        return postProcessor(node, "post_processor");
    }

    /**
     * Only templates change ids: {@code ByteLevel} post-processing only trims offsets, which this
     * module does not report, so it is accepted and does nothing; a {@code Sequence} is its template.
     */
    private TemplateProcessing postProcessor(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return null;
        }
        String type = typeOf(node, where);
        return switch (type) {
            case "ByteLevel" -> null;
            case "Sequence" -> {
                JsonNode list = array(node, "processors", where);
                TemplateProcessing found = null;
                for (int i = 0; i < list.size(); i++) {
                    TemplateProcessing t = postProcessor(list.get(i), where + ".processors[" + i + "]");
                    if (t != null && found != null) {
                        throw fail(where + " has more than one template post-processor");
                    }
                    found = t == null ? found : t;
                }
                yield found;
            }
            case "TemplateProcessing" -> template(node);
            case "RobertaProcessing" -> {
                JsonNode cls = array(node, "cls", where);
                JsonNode sep = array(node, "sep", where);
                if (cls.size() != 2 || sep.size() != 2 || !cls.get(0).isTextual() || !sep.get(0).isTextual()) {
                    throw fail(where + ".cls and .sep must be [token, id] pairs");
                }
                yield TemplateProcessing.roberta(cls.get(0).asText(), nonNegativeInt(cls.get(1), where + ".cls[1]"),
                        sep.get(0).asText(), nonNegativeInt(sep.get(1), where + ".sep[1]"), 0);
            }
            case "BertProcessing" -> {
                JsonNode cls = array(node, "cls", where);
                JsonNode sep = array(node, "sep", where);
                if (cls.size() != 2 || sep.size() != 2 || !cls.get(0).isTextual() || !sep.get(0).isTextual()) {
                    throw fail("post_processor.cls and .sep must be [token, id] pairs");
                }
                yield TemplateProcessing.bert(cls.get(0).asText(), nonNegativeInt(cls.get(1), where + ".cls[1]"),
                        sep.get(0).asText(), nonNegativeInt(sep.get(1), where + ".sep[1]"));
            }
            default -> throw unsupported(where, type);
        };
    }

    private TemplateProcessing template(JsonNode node) {
        String where = "post_processor";
        Map<String, TemplateProcessing.Special> specials = new HashMap<>();
        if (!node.isObject()) {
            throw fail(where + " is not an object");
        }
        JsonNode specialsNode = required(node, "special_tokens", where);
        if (!specialsNode.isObject()) {
            throw fail("post_processor.special_tokens is not an object");
        }
        for (Map.Entry<String, JsonNode> e : specialsNode.properties()) {
            String w = where + ".special_tokens['" + e.getKey() + "']";
            if (!e.getValue().isObject()) {
                throw fail(w + " is not an object");
            }
            JsonNode ids = array(e.getValue(), "ids", w);
            JsonNode tokens = array(e.getValue(), "tokens", w);
            if (ids.size() != tokens.size()) {
                throw fail(w + " has " + ids.size() + " ids but " + tokens.size() + " tokens");
            }
            int[] idArray = new int[ids.size()];
            List<String> tokenList = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                idArray[i] = nonNegativeInt(ids.get(i), w + ".ids[" + i + "]");
                if (!tokens.get(i).isTextual()) {
                    throw fail(w + ".tokens[" + i + "] is not a string");
                }
                tokenList.add(tokens.get(i).asText());
            }
            specials.put(e.getKey(), new TemplateProcessing.Special(idArray, tokenList));
        }
        return new TemplateProcessing(templatePieces(node, "single", specials), templatePieces(node, "pair", specials));
    }

    private List<TemplateProcessing.Element> templatePieces(JsonNode node, String field,
            Map<String, TemplateProcessing.Special> specials) {
        String where = "post_processor." + field;
        JsonNode list = array(node, field, "post_processor");
        List<TemplateProcessing.Element> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode item = list.get(i);
            String w = where + "[" + i + "]";
            if (item.isObject() && item.has("SpecialToken")) {
                JsonNode s = item.get("SpecialToken");
                String id = text(s, "id", w);
                if (!specials.containsKey(id)) {
                    throw fail(w + " names special token '" + id + "', which special_tokens does not define");
                }
                out.add(new TemplateProcessing.Element(specials.get(id), false,
                        nonNegativeInt(required(s, "type_id", w), w + ".type_id")));
            } else if (item.isObject() && item.has("Sequence")) {
                JsonNode s = item.get("Sequence");
                String id = text(s, "id", w);
                if (!id.equals("A") && !id.equals("B")) {
                    throw fail(w + " names sequence '" + id + "' (expected A or B)");
                }
                out.add(new TemplateProcessing.Element(null, id.equals("B"),
                        nonNegativeInt(required(s, "type_id", w), w + ".type_id")));
            } else {
                throw fail(w + " is neither a SpecialToken nor a Sequence");
            }
        }
        return out;
    }

    // ---- decoder ----

    private Decoder decoder(JsonNode node) {
        if (node == null || node.isNull()) {
            return Decoder.JOIN_WITH_SPACES;
        }
        return decoder(node, "decoder");
    }

    private Decoder decoder(JsonNode node, String where) {
        String type = typeOf(node, where);
        return switch (type) {
            case "WordPiece" -> new WordPieceDecoder(
                    node.has("prefix") ? text(node, "prefix", where) : "##", bool(node, "cleanup", true, where));
            case "ByteLevel" -> ByteLevel.DECODER;
            case "Replace" -> Decoders.replace(pattern(node, where), text(node, "content", where));
            case "ByteFallback" -> Decoders.BYTE_FALLBACK;
            case "Fuse" -> Decoders.FUSE;
            case "Strip" -> Decoders.strip(oneChar(node, "content", where),
                    nonNegativeInt(required(node, "start", where), where + ".start"),
                    nonNegativeInt(required(node, "stop", where), where + ".stop"));
            case "Metaspace" -> {
                String scheme = node.has("prepend_scheme") ? text(node, "prepend_scheme", where)
                        : bool(node, "add_prefix_space", true, where) ? "always" : "never";
                yield Decoders.metaspace(oneChar(node, "replacement", where), !scheme.equals("never"));
            }
            case "Sequence" -> {
                List<Decoder> steps = new ArrayList<>();
                JsonNode list = array(node, "decoders", where);
                for (int i = 0; i < list.size(); i++) {
                    steps.add(decoder(list.get(i), where + ".decoders[" + i + "]"));
                }
                yield Decoder.sequence(steps);
            }
            default -> throw unsupported(where, type);
        };
    }

    // ---- truncation and padding ----

    private Truncation truncation(JsonNode node, boolean bertDefault) {
        String where = "truncation";
        if (node == null || node.isNull()) {
            return bertDefault ? Truncation.of(Truncation.BERT_MAX_LENGTH) : null;
        }
        if (!node.isObject()) {
            throw fail("truncation is not an object");
        }
        int maxLength = nonNegativeInt(required(node, "max_length", where), "truncation.max_length");
        if (maxLength == 0) {
            throw fail("truncation.max_length is 0");
        }
        String strategy = node.has("strategy") ? text(node, "strategy", where) : "LongestFirst";
        Truncation.Strategy s = switch (strategy) {
            case "LongestFirst" -> Truncation.Strategy.LONGEST_FIRST;
            case "OnlyFirst" -> Truncation.Strategy.ONLY_FIRST;
            case "OnlySecond" -> Truncation.Strategy.ONLY_SECOND;
            default -> throw fail("truncation.strategy '" + strategy + "' is unknown");
        };
        return new Truncation(maxLength, s, direction(node, where));
    }

    private Padding padding(JsonNode node, Model model, AddedVocabulary added) {
        String where = "padding";
        if (node == null || node.isNull()) {
            Integer padId = added.idOf("[PAD]");
            if (padId == null) {
                padId = model.tokenToId("[PAD]").orElse(0);
            }
            return Padding.longest(padId, "[PAD]");
        }
        if (!node.isObject()) {
            throw fail("padding is not an object");
        }
        JsonNode strategy = required(node, "strategy", where);
        int fixed;
        if (strategy.isTextual() && strategy.asText().equals("BatchLongest")) {
            fixed = 0;
        } else if (strategy.isObject() && strategy.has("Fixed")) {
            fixed = nonNegativeInt(strategy.get("Fixed"), "padding.strategy.Fixed");
            if (fixed == 0) {
                throw fail("padding.strategy.Fixed is 0");
            }
        } else {
            throw fail("padding.strategy is neither \"BatchLongest\" nor {\"Fixed\": n}");
        }
        JsonNode multiple = node.get("pad_to_multiple_of");
        int padToMultipleOf = multiple == null || multiple.isNull() ? 0 : nonNegativeInt(multiple, "padding.pad_to_multiple_of");
        if (fixed > Padding.MAX_LENGTH || padToMultipleOf > Padding.MAX_LENGTH) {
            throw fail("padding length " + fixed + " or multiple " + padToMultipleOf + " exceeds " + Padding.MAX_LENGTH);
        }
        return new Padding(fixed, padToMultipleOf, direction(node, where),
                node.has("pad_id") ? nonNegativeInt(node.get("pad_id"), "padding.pad_id") : 0,
                node.has("pad_type_id") ? nonNegativeInt(node.get("pad_type_id"), "padding.pad_type_id") : 0,
                node.has("pad_token") ? text(node, "pad_token", where) : "[PAD]");
    }

    /** True for "Left"; "Right" or absent is false. */
    private boolean direction(JsonNode node, String where) {
        if (!node.has("direction")) {
            return false;
        }
        String d = text(node, "direction", where);
        return switch (d) {
            case "Left" -> true;
            case "Right" -> false;
            default -> throw fail(where + ".direction '" + d + "' is neither Left nor Right");
        };
    }

    // ---- typed access; every shape problem becomes a TokenizerFormatException ----

    private String typeOf(JsonNode node, String where) {
        if (!node.isObject()) {
            throw fail(where + " is not an object");
        }
        return text(node, "type", where);
    }

    private JsonNode required(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw fail(where + " has no '" + field + "'");
        }
        return v;
    }

    private String text(JsonNode node, String field, String where) {
        JsonNode v = required(node, field, where);
        if (!v.isTextual()) {
            throw fail(where + "." + field + " is not a string");
        }
        return v.asText();
    }

    private String optionalText(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : text(node, field, where);
    }

    private JsonNode array(JsonNode node, String field, String where) {
        JsonNode v = required(node, field, where);
        if (!v.isArray()) {
            throw fail(where + "." + field + " is not an array");
        }
        return v;
    }

    private boolean bool(JsonNode node, String field, boolean absent, String where) {
        Boolean b = optionalBool(node, field, where);
        return b == null ? absent : b;
    }

    private Boolean optionalBool(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw fail(where + "." + field + " is not a boolean");
        }
        return v.booleanValue();
    }

    private int nonNegativeInt(JsonNode v, String what) {
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0) {
            throw fail(what + " is not a non-negative 32-bit integer");
        }
        return v.intValue();
    }

    private TokenizerFormatException unsupported(String where, String type) {
        return fail(where + " type '" + type + "' is not supported (supported: see TokenizerJson)");
    }

    private TokenizerFormatException fail(String problem) {
        return new TokenizerFormatException(source, problem);
    }

    private TokenizerFormatException fail(String problem, Throwable cause) {
        return new TokenizerFormatException(source, problem, cause);
    }
}
