package dev.zoft.zo.task;

import java.util.List;
import java.util.Objects;

/**
 * How a decoder LM classifies through label words (MeZO's SST-2 on OPT): each text fills the
 * prompt template, and class c's logit is the LM's logit of label word c as the next token.
 *
 * @param template   prompt with one {@value #SENTENCE} placeholder
 * @param labelWords one word per class, each a single token of the model's vocabulary (a leading
 *                   space is part of the word for byte-level BPE vocabularies)
 * @param subset     which decoder tensors train
 * @param split      block 1 = embeddings + layers {@code [0, split)}; {@link #AUTO_SPLIT} = ⌊3L/4⌋
 * @param maxTokens  prompts longer than this keep their last {@code maxTokens} tokens (the template's
 *                   end, which the label word follows, is never cut)
 */
public record DecoderClassifierOptions(String template, List<String> labelWords, DecoderSubset subset, int split,
                                       int maxTokens) {
    /** The placeholder a template holds once. */
    public static final String SENTENCE = "{sentence}";
    /** MeZO's SST-2 prompt for OPT. */
    public static final String DEFAULT_TEMPLATE = SENTENCE + " It was";
    /** MeZO's SST-2 label words: negative, positive. */
    public static final List<String> SENTIMENT_WORDS = List.of(" terrible", " great");
    /** Resolve the split to ⌊3L/4⌋ once the model's depth is known. */
    public static final int AUTO_SPLIT = -1;
    public static final int DEFAULT_MAX_TOKENS = 128;

    public DecoderClassifierOptions {
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(subset, "subset");
        labelWords = List.copyOf(labelWords);
        int at = template.indexOf(SENTENCE);
        if (at < 0 || template.indexOf(SENTENCE, at + 1) >= 0) {
            throw new IllegalArgumentException("the prompt template must hold " + SENTENCE + " exactly once, got '"
                    + template + "'");
        }
        if (labelWords.size() < 2) {
            throw new IllegalArgumentException("a classifier needs at least two label words, got " + labelWords);
        }
        for (String w : labelWords) {
            if (w.isEmpty()) {
                throw new IllegalArgumentException("empty label word in " + labelWords);
            }
        }
        if (split < AUTO_SPLIT) {
            throw new IllegalArgumentException("split layer must be ≥ 0 (or AUTO_SPLIT), got " + split);
        }
        if (maxTokens < 2) {
            throw new IllegalArgumentException("maxTokens must be ≥ 2, got " + maxTokens);
        }
    }

    /** MeZO's SST-2 setting: {@code "{sentence} It was"}, " terrible" / " great", BitFit-style norms, auto split. */
    public static DecoderClassifierOptions sentiment() {
        return new DecoderClassifierOptions(DEFAULT_TEMPLATE, SENTIMENT_WORDS, DecoderSubset.norms(),
                AUTO_SPLIT, DEFAULT_MAX_TOKENS);
    }

    /** The prompt of one text. */
    public String prompt(String sentence) {
        return template.replace(SENTENCE, sentence);
    }

    public DecoderClassifierOptions withSubset(DecoderSubset s) {
        return new DecoderClassifierOptions(template, labelWords, s, split, maxTokens);
    }

    public DecoderClassifierOptions withSplit(int s) {
        return new DecoderClassifierOptions(template, labelWords, subset, s, maxTokens);
    }
}
