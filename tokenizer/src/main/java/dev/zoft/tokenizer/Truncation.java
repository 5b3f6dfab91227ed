package dev.zoft.tokenizer;

import java.util.Objects;

/**
 * How encodings are cut to a maximum length; mirrors the {@code truncation} section of a
 * {@code tokenizer.json}. The maximum counts the special tokens the post-processor adds, so a
 * truncated BERT sequence still starts with {@code [CLS]} and ends with {@code [SEP]}. Overflowing
 * windows ({@code stride}) are not produced: the cut-off tokens are dropped.
 *
 * @param maxLength maximum number of tokens, special tokens included
 * @param strategy which sequence of a pair loses tokens
 * @param left cut from the left (keep the end) instead of from the right
 */
public record Truncation(int maxLength, Strategy strategy, boolean left) {

    /** Which sequence of a pair is shortened; for a single sequence all three behave the same. */
    public enum Strategy {
        /** Shorten the longer sequence first, as Hugging Face's {@code LongestFirst}. */
        LONGEST_FIRST,
        /** Only ever shorten the first sequence. */
        ONLY_FIRST,
        /** Only ever shorten the second sequence. */
        ONLY_SECOND
    }

    /** The default for BERT models: 512 positions. */
    public static final int BERT_MAX_LENGTH = 512;

    public Truncation {
        if (maxLength <= 0) {
            throw new IllegalArgumentException("max length must be positive: " + maxLength);
        }
        Objects.requireNonNull(strategy, "strategy");
    }

    /** Longest-first truncation from the right to {@code maxLength}. */
    public static Truncation of(int maxLength) {
        return new Truncation(maxLength, Strategy.LONGEST_FIRST, false);
    }

    /** The same truncation with another maximum length. */
    public Truncation withMaxLength(int newMaxLength) {
        return new Truncation(newMaxLength, strategy, left);
    }
}
