package dev.zoft.tokenizer;

import dev.zoft.weights.gguf.GgufMetadata;
import java.util.List;
import java.util.Optional;

/**
 * The tokenizer part of a GGUF file's metadata, as llama.cpp writes it ({@code tokenizer.ggml.*}).
 *
 * @param source where it came from, for error messages
 * @param model {@code tokenizer.ggml.model}: {@code gpt2} (byte-level BPE) or {@code llama}
 *     (SentencePiece BPE)
 * @param pre {@code tokenizer.ggml.pre}, the pre-tokenizer name ({@code gpt-2}, {@code llama-bpe},
 *     {@code qwen2}, ...; {@code default} when absent)
 * @param tokens the vocabulary, id = position
 * @param scores SentencePiece scores (one per token), or {@code null}
 * @param types token types (1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte), or
 *     {@code null} (all normal)
 * @param merges BPE merges {@code "a b"}, best first (byte-level BPE), or {@code null}
 * @param bos beginning-of-sequence id, or -1
 * @param eos end-of-sequence id, or -1
 * @param unk unknown-token id, or -1
 * @param pad padding id, or -1
 * @param addBos {@code tokenizer.ggml.add_bos_token}, or {@code null} if absent
 * @param addEos {@code tokenizer.ggml.add_eos_token}, or {@code null} if absent
 * @param addSpacePrefix {@code tokenizer.ggml.add_space_prefix}, or {@code null} if absent
 */
public record GgufVocab(String source, String model, String pre, List<String> tokens, float[] scores, int[] types,
        List<String> merges, int bos, int eos, int unk, int pad, Boolean addBos, Boolean addEos,
        Boolean addSpacePrefix) {

    /** Token types, as llama.cpp numbers them. */
    public static final int NORMAL = 1;
    public static final int UNKNOWN = 2;
    public static final int CONTROL = 3;
    public static final int USER_DEFINED = 4;
    public static final int UNUSED = 5;
    public static final int BYTE = 6;

    private static final String P = "tokenizer.ggml.";

    /**
     * Reads the {@code tokenizer.ggml.*} keys.
     *
     * @throws TokenizerFormatException if a key is missing or has the wrong type, or the arrays disagree
     *     in length
     */
    public static GgufVocab read(GgufMetadata md) {
        String source = md.source();
        try {
            List<String> tokens = md.getStringArray(P + "tokens");
            float[] scores = md.findFloatArray(P + "scores").orElse(null);
            int[] types = md.findIntArray(P + "token_type").orElse(null);
            List<String> merges = md.findStringArray(P + "merges").orElse(null);
            GgufVocab v = new GgufVocab(source, md.getString(P + "model"), md.findString(P + "pre").orElse("default"),
                    tokens, scores, types, merges, id(md, "bos_token_id"), id(md, "eos_token_id"),
                    id(md, "unknown_token_id"), id(md, "padding_token_id"), bool(md, "add_bos_token"),
                    bool(md, "add_eos_token"), bool(md, "add_space_prefix"));
            v.check();
            return v;
        } catch (dev.zoft.weights.WeightFormatException | ClassCastException e) {
            throw new TokenizerFormatException(source, "GGUF tokenizer metadata: " + e.getMessage(), e);
        }
    }

    private static int id(GgufMetadata md, String key) {
        long v = md.findLong(P + key).orElse(-1);
        return v < 0 || v > Integer.MAX_VALUE ? -1 : (int) v;
    }

    private static Boolean bool(GgufMetadata md, String key) {
        Optional<Boolean> b = md.findBool(P + key);
        return b.orElse(null);
    }

    /** Lengths agree, ids are in range, no token is null. */
    void check() {
        int n = tokens.size();
        if (n == 0) {
            throw fail("tokenizer.ggml.tokens is empty");
        }
        if (scores != null && scores.length != n) {
            throw fail("tokenizer.ggml.scores has " + scores.length + " entries for " + n + " tokens");
        }
        if (types != null && types.length != n) {
            throw fail("tokenizer.ggml.token_type has " + types.length + " entries for " + n + " tokens");
        }
        for (String t : tokens) {
            if (t == null) {
                throw fail("tokenizer.ggml.tokens holds a null");
            }
        }
        for (int id : new int[] {bos, eos, unk, pad}) {
            if (id >= n) {
                throw fail("special token id " + id + " is outside the vocabulary of " + n + " tokens");
            }
        }
    }

    /** The type of token {@code id} (normal when the file has no types). */
    public int type(int id) {
        return types == null ? NORMAL : types[id];
    }

    TokenizerFormatException fail(String problem) {
        return new TokenizerFormatException(source, problem);
    }
}
