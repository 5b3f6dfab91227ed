package dev.zoft.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zoft.weights.WeightFormatException;
import dev.zoft.weights.gguf.GgufFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tokenizers from GGUF metadata. The vocabulary is translated into the Hugging Face
 * {@code tokenizer.json} that describes the same tokenizer, and that description is built by
 * {@link TokenizerJson}: one implementation of each component, and the translation can be written
 * out ({@link #exportTokenizerJson}) for any tool that reads {@code tokenizer.json}.
 *
 * <p>{@code tokenizer.ggml.model = gpt2} becomes a byte-level BPE over the file's merges, with the
 * pre-tokenizer named by {@code tokenizer.ggml.pre}: {@code gpt-2} (GPT-2's regex),
 * {@code llama-bpe} / {@code llama3} (Llama-3's regex; a word that is a token is kept whole,
 * {@code ignore_merges}), {@code qwen2} (Qwen2's regex after NFC, as Qwen2's own tokenizer.json), or
 * {@code smollm} (digits one by one, then GPT-2's regex). Other pre-tokenizers are refused by name.
 *
 * <p>{@code tokenizer.ggml.model = llama} becomes SentencePiece BPE as Hugging Face converts it:
 * spaces become {@code ▁} with one prepended ({@code add_space_prefix}, default true), merges are every
 * split of a normal or user-defined token into two tokens, ranked by the merged token's score (then
 * id, then the ids of the halves), characters missing from the vocabulary fall back to their
 * {@code <0xNN>} byte tokens, then to the unknown token.
 *
 * <p>Both: control, unknown and unused tokens become special added tokens (matched in the raw text,
 * skipped by {@code decode}), user-defined ones plain added tokens (the BOS / EOS / UNK / PAD ids are
 * special whatever their type); BOS is prepended when {@code add_bos_token} says so (absent: yes for
 * {@code llama} and Llama-3, no otherwise) and EOS appended when {@code add_eos_token} is true.
 * Batches are padded on the right with {@code tokenizer.ggml.padding_token_id} when the file has one;
 * nothing is truncated.
 */
public final class GgufTokenizer {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final String SPIECE_SPACE = "\u2581";

    private GgufTokenizer() {
    }

    /**
     * Loads the tokenizer stored in a GGUF file's metadata.
     *
     * @throws TokenizerFormatException if the metadata describes no tokenizer this module supports
     * @throws WeightFormatException if the file is not a readable GGUF file
     */
    public static HfTokenizer load(Path gguf) {
        try (GgufFile file = GgufFile.open(gguf)) {
            return fromVocab(GgufVocab.read(file.metadata()));
        }
    }

    /** The tokenizer a GGUF vocabulary describes. */
    public static HfTokenizer fromVocab(GgufVocab vocab) {
        return TokenizerJson.fromTree(toTokenizerJson(vocab), vocab.source());
    }

    /**
     * Writes the Hugging Face {@code tokenizer.json} equivalent to a GGUF file's tokenizer.
     *
     * @throws IOException if {@code out} cannot be written
     */
    public static void exportTokenizerJson(Path gguf, Path out) throws IOException {
        ObjectNode json;
        try (GgufFile file = GgufFile.open(gguf)) {
            json = toTokenizerJson(GgufVocab.read(file.metadata()));
        }
        Files.write(out, JSON.writeValueAsBytes(json));
    }

    /**
     * The Hugging Face {@code tokenizer.json} tree for a GGUF vocabulary.
     *
     * @throws TokenizerFormatException for an unsupported model or pre-tokenizer, or inconsistent metadata
     */
    public static ObjectNode toTokenizerJson(GgufVocab v) {
        v.check();
        return switch (v.model()) {
            case "gpt2" -> byteLevel(v);
            case "llama" -> sentencePiece(v);
            default -> throw v.fail("tokenizer.ggml.model '" + v.model()
                    + "' is not supported (supported: gpt2, llama; BERT vocabularies load from tokenizer.json)");
        };
    }

    private static ObjectNode byteLevel(GgufVocab v) {
        if (v.merges() == null) {
            throw v.fail("tokenizer.ggml.merges is missing; a gpt2 (byte-level BPE) vocabulary needs it");
        }
        ObjectNode root = header(v);
        boolean llama3 = false;
        String regex;
        switch (v.pre()) {
            case "gpt-2", "gpt2" -> regex = null;
            case "llama-bpe", "llama3", "llama-v3" -> {
                regex = SplitPreTokenizer.LLAMA3_PATTERN;
                llama3 = true;
            }
            case "qwen2" -> {
                regex = SplitPreTokenizer.QWEN2_PATTERN;
                root.putObject("normalizer").put("type", "NFC");
            }
            case "smollm" -> regex = "\\p{N}";
            default -> throw v.fail("tokenizer.ggml.pre '" + v.pre()
                    + "' is not supported (supported: gpt-2, llama-bpe, qwen2, smollm)");
        }
        if (!root.has("normalizer")) {
            root.putNull("normalizer");
        }
        if (regex == null) {
            byteLevelNode(root.putObject("pre_tokenizer"), true);
        } else {
            ObjectNode seq = root.putObject("pre_tokenizer");
            seq.put("type", "Sequence");
            ArrayNode steps = seq.putArray("pretokenizers");
            ObjectNode split = steps.addObject();
            split.put("type", "Split");
            split.putObject("pattern").put("Regex", regex);
            split.put("behavior", "Isolated").put("invert", false);
            // SmolLM splits digits first and then runs the GPT-2 regex; the others' regex is the whole split.
            byteLevelNode(steps.addObject(), v.pre().equals("smollm"));
        }
        boolean addBos = v.addBos() != null ? v.addBos() : llama3;
        boolean addEos = v.addEos() != null && v.addEos();
        postProcessor(root, v, addBos, addEos, true);
        root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true)
                .put("use_regex", true);
        ObjectNode model = bpeHeader(root, null, false, false, llama3);
        vocabNode(model, v);
        ArrayNode merges = model.putArray("merges");
        for (int i = 0; i < v.merges().size(); i++) {
            String m = v.merges().get(i);
            int space = m == null ? -1 : m.indexOf(' ');
            if (space <= 0 || space == m.length() - 1 || m.indexOf(' ', space + 1) >= 0) {
                throw v.fail("tokenizer.ggml.merges[" + i + "] '" + m + "' is not two tokens separated by one space");
            }
            merges.add(m); // byte-level tokens hold no space (it is Ġ), so "a b" is unambiguous
        }
        return root;
    }

    private static void byteLevelNode(ObjectNode node, boolean useRegex) {
        node.put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true).put("use_regex", useRegex);
    }

    private static ObjectNode sentencePiece(GgufVocab v) {
        if (v.scores() == null) {
            throw v.fail("tokenizer.ggml.scores is missing; a llama (SentencePiece) vocabulary needs it");
        }
        ObjectNode root = header(v);
        boolean prefix = v.addSpacePrefix() == null || v.addSpacePrefix();
        ObjectNode normalizer = root.putObject("normalizer");
        normalizer.put("type", "Sequence");
        ArrayNode steps = normalizer.putArray("normalizers");
        if (prefix) {
            steps.addObject().put("type", "Prepend").put("prepend", SPIECE_SPACE);
        }
        ObjectNode replace = steps.addObject();
        replace.put("type", "Replace");
        replace.putObject("pattern").put("String", " ");
        replace.put("content", SPIECE_SPACE);
        root.putNull("pre_tokenizer");
        boolean addBos = v.addBos() == null || v.addBos();
        boolean addEos = v.addEos() != null && v.addEos();
        postProcessor(root, v, addBos, addEos, false);
        ObjectNode decoder = root.putObject("decoder");
        decoder.put("type", "Sequence");
        ArrayNode decoders = decoder.putArray("decoders");
        ObjectNode back = decoders.addObject();
        back.put("type", "Replace");
        back.putObject("pattern").put("String", SPIECE_SPACE);
        back.put("content", " ");
        decoders.addObject().put("type", "ByteFallback");
        decoders.addObject().put("type", "Fuse");
        if (prefix) {
            decoders.addObject().put("type", "Strip").put("content", " ").put("start", 1).put("stop", 0);
        }
        String unk = null;
        if (v.unk() >= 0) {
            unk = v.tokens().get(v.unk());
        }
        ObjectNode model = bpeHeader(root, unk, true, true, false);
        vocabNode(model, v);
        ArrayNode merges = model.putArray("merges");
        for (int[] m : spmMerges(v)) {
            String left = v.tokens().get(m[0]);
            String right = v.tokens().get(m[1]);
            if (left.indexOf(' ') < 0 && right.indexOf(' ') < 0) {
                merges.add(left + " " + right); // the compact form, when unambiguous
            } else {
                merges.addArray().add(left).add(right);
            }
        }
        return root;
    }

    /**
     * Every (left, right) pair of tokens whose concatenation is a normal or user-defined token, best
     * first: higher score of the merged token, then lower merged id, then lower left and right ids.
     * Ranking pairs this way makes rank-ordered BPE merge exactly as SentencePiece's score-ordered
     * BPE does.
     */
    static List<int[]> spmMerges(GgufVocab v) {
        List<String> tokens = v.tokens();
        Map<String, Integer> ids = new HashMap<>(tokens.size() * 2);
        for (int i = 0; i < tokens.size(); i++) {
            ids.putIfAbsent(tokens.get(i), i);
        }
        List<int[]> out = new ArrayList<>(); // {left, right, merged}
        for (int id = 0; id < tokens.size(); id++) {
            int type = v.type(id);
            if (type != GgufVocab.NORMAL && type != GgufVocab.USER_DEFINED) {
                continue;
            }
            String t = tokens.get(id);
            if (ids.get(t) != id) {
                continue; // a duplicate token string: the first id is the one the vocabulary maps to
            }
            for (int cut = 1; cut < t.length(); cut++) {
                if (Character.isLowSurrogate(t.charAt(cut))) {
                    continue;
                }
                Integer l = ids.get(t.substring(0, cut));
                Integer r = ids.get(t.substring(cut));
                if (l != null && r != null) {
                    out.add(new int[] {l, r, id});
                }
            }
        }
        float[] scores = v.scores();
        out.sort((a, b) -> {
            int c = Float.compare(scores[b[2]], scores[a[2]]);
            if (c != 0) {
                return c;
            }
            c = Integer.compare(a[2], b[2]);
            if (c != 0) {
                return c;
            }
            c = Integer.compare(a[0], b[0]);
            return c != 0 ? c : Integer.compare(a[1], b[1]);
        });
        return out;
    }

    private static ObjectNode header(GgufVocab v) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        if (v.pad() >= 0) {
            // Batches pad with the file's padding token (to the longest row, on the right).
            ObjectNode padding = root.putObject("padding");
            padding.put("strategy", "BatchLongest").put("direction", "Right").putNull("pad_to_multiple_of");
            padding.put("pad_id", v.pad()).put("pad_type_id", 0).put("pad_token", v.tokens().get(v.pad()));
        } else {
            root.putNull("padding");
        }
        ArrayNode added = root.putArray("added_tokens");
        Set<Integer> specialIds = new HashSet<>();
        for (int id : new int[] {v.bos(), v.eos(), v.unk(), v.pad()}) {
            if (id >= 0) {
                specialIds.add(id);
            }
        }
        Set<String> seen = new HashSet<>();
        for (int id = 0; id < v.tokens().size(); id++) {
            int type = v.type(id);
            boolean special = specialIds.contains(id) || type == GgufVocab.CONTROL || type == GgufVocab.UNKNOWN
                    || type == GgufVocab.UNUSED;
            if (!special && type != GgufVocab.USER_DEFINED) {
                continue;
            }
            String content = v.tokens().get(id);
            if (content.isEmpty() || !seen.add(content)) {
                continue;
            }
            added.addObject().put("id", id).put("content", content).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", false).put("special", special);
        }
        return root;
    }

    private static void postProcessor(ObjectNode root, GgufVocab v, boolean addBos, boolean addEos, boolean byteLevel) {
        if (addBos && v.bos() < 0) {
            throw v.fail("add_bos_token is set but tokenizer.ggml.bos_token_id is missing");
        }
        if (addEos && v.eos() < 0) {
            throw v.fail("add_eos_token is set but tokenizer.ggml.eos_token_id is missing");
        }
        ObjectNode byteLevelPost = JSON.createObjectNode();
        byteLevelPost.put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", false)
                .put("use_regex", true);
        if (!addBos && !addEos) {
            if (byteLevel) {
                root.set("post_processor", byteLevelPost);
            } else {
                root.putNull("post_processor");
            }
            return;
        }
        ObjectNode template = JSON.createObjectNode();
        template.put("type", "TemplateProcessing");
        ArrayNode single = template.putArray("single");
        ArrayNode pair = template.putArray("pair");
        ObjectNode specials = template.putObject("special_tokens");
        for (String seq : new String[] {"A", "B"}) {
            int typeId = seq.equals("A") ? 0 : 1;
            for (ArrayNode target : seq.equals("A") ? List.of(single, pair) : List.of(pair)) {
                if (addBos) {
                    target.addObject().putObject("SpecialToken").put("id", v.tokens().get(v.bos())).put("type_id", typeId);
                }
                target.addObject().putObject("Sequence").put("id", seq).put("type_id", typeId);
                if (addEos) {
                    target.addObject().putObject("SpecialToken").put("id", v.tokens().get(v.eos())).put("type_id", typeId);
                }
            }
        }
        for (int id : new int[] {addBos ? v.bos() : -1, addEos ? v.eos() : -1}) {
            if (id >= 0) {
                String t = v.tokens().get(id);
                ObjectNode s = specials.putObject(t);
                s.put("id", t);
                s.putArray("ids").add(id);
                s.putArray("tokens").add(t);
            }
        }
        if (byteLevel) {
            ObjectNode seq = root.putObject("post_processor");
            seq.put("type", "Sequence");
            seq.putArray("processors").add(byteLevelPost).add(template);
        } else {
            root.set("post_processor", template);
        }
    }

    private static ObjectNode bpeHeader(ObjectNode root, String unk, boolean fuseUnk, boolean byteFallback,
            boolean ignoreMerges) {
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
        model.put("fuse_unk", fuseUnk).put("byte_fallback", byteFallback).put("ignore_merges", ignoreMerges);
        return model;
    }

    private static void vocabNode(ObjectNode model, GgufVocab v) {
        ObjectNode vocab = model.putObject("vocab");
        for (int id = 0; id < v.tokens().size(); id++) {
            String t = v.tokens().get(id);
            if (!vocab.has(t)) {
                vocab.put(t, id); // a repeated string keeps its first id, as llama.cpp's lookup does
            }
        }
    }
}
