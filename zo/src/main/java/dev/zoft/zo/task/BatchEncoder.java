package dev.zoft.zo.task;

import dev.zoft.tokenizer.HfTokenizer;
import dev.zoft.tokenizer.Padding;
import dev.zoft.transformer.EncoderBatch;

import java.util.List;

/**
 * Tokenizes texts into encoder batches the way the classification task feeds them: each text
 * truncated at {@link #maxTokens()} tokens (special tokens included), the batch right-padded to
 * its longest text with the tokenizer's pad id. Immutable and thread-safe.
 */
public final class BatchEncoder {
    /** The sequence cap for SST-2 sentences (all but a handful of them are shorter). */
    public static final int DEFAULT_MAX_TOKENS = 64;

    private final HfTokenizer tokenizer;
    private final int maxTokens;

    /** Encodes with {@code tokenizer}, overriding its truncation length and padding. */
    public BatchEncoder(HfTokenizer tokenizer, int maxTokens) {
        if (maxTokens < 2) {
            throw new IllegalArgumentException("maxTokens must leave room for the special tokens, got " + maxTokens);
        }
        Padding pad = tokenizer.padding();
        this.tokenizer = tokenizer.withMaxLength(maxTokens)
                .withPadding(new Padding(0, 0, false, pad.padId(), pad.padTypeId(), pad.padToken()));
        this.maxTokens = maxTokens;
    }

    public int maxTokens() {
        return maxTokens;
    }

    /** The tokenizer as configured for batches (truncation at {@link #maxTokens()}, padding to the longest). */
    public HfTokenizer tokenizer() {
        return tokenizer;
    }

    /** {@code texts} as one padded batch. */
    public EncoderBatch encode(List<String> texts) {
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("cannot encode an empty list of texts");
        }
        return EncoderBatch.of(tokenizer.encodePadded(texts));
    }

    /** {@code texts} as one padded batch labelled {@code labels} (same length, in order). */
    public LabelledBatch encode(List<String> texts, int[] labels) {
        if (texts.size() != labels.length) {
            throw new IllegalArgumentException(texts.size() + " texts but " + labels.length + " labels");
        }
        return LabelledBatch.of(encode(texts), labels);
    }

    /** {@code texts} as one padded batch labelled {@code labels} (same length, in order). */
    public LabelledBatch encode(List<String> texts, List<Integer> labels) {
        int[] l = new int[labels.size()];
        for (int i = 0; i < l.length; i++) {
            l[i] = labels.get(i);
        }
        return encode(texts, l);
    }
}
