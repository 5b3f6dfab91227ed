package dev.zoft.tokenizer;

import java.util.Arrays;
import java.util.List;

/**
 * One encoded sequence (or pair): token ids, the token strings, type (segment) ids, the attention
 * mask (1 for real tokens, 0 for padding) and which positions hold special tokens added by the
 * post-processor. All arrays have the same length. Immutable: accessors return copies.
 */
public final class Encoding {
    private final int[] ids;
    private final String[] tokens;
    private final int[] typeIds;
    private final int[] attentionMask;
    private final int[] specialTokensMask;

    Encoding(int[] ids, String[] tokens, int[] typeIds, int[] attentionMask, int[] specialTokensMask) {
        int n = ids.length;
        if (tokens.length != n || typeIds.length != n || attentionMask.length != n || specialTokensMask.length != n) {
            throw new IllegalArgumentException("encoding arrays differ in length");
        }
        this.ids = ids;
        this.tokens = tokens;
        this.typeIds = typeIds;
        this.attentionMask = attentionMask;
        this.specialTokensMask = specialTokensMask;
    }

    /** Number of positions (tokens, including special and padding tokens). */
    public int length() {
        return ids.length;
    }

    /** Token ids. */
    public int[] ids() {
        return ids.clone();
    }

    /** Id at one position, without copying. */
    public int idAt(int position) {
        return ids[position];
    }

    /** Token strings, e.g. {@code [CLS]}, {@code play}, {@code ##ing}. */
    public List<String> tokens() {
        return List.of(tokens);
    }

    /** Type (segment) ids: 0 for the first sequence, 1 for the second of a pair (per the template). */
    public int[] typeIds() {
        return typeIds.clone();
    }

    /** 1 for real tokens, 0 for padding. */
    public int[] attentionMask() {
        return attentionMask.clone();
    }

    /** 1 where the post-processor inserted a special token ({@code [CLS]}, {@code [SEP]}), else 0. */
    public int[] specialTokensMask() {
        return specialTokensMask.clone();
    }

    @Override
    public String toString() {
        return "Encoding" + Arrays.toString(tokens);
    }
}
