package dev.zoft.tokenizer;

import java.util.List;
import java.util.function.Consumer;

/** Second stage: splits normalized text into words, which the model then tokenizes one by one. */
interface PreTokenizer {
    /** Hands each non-empty word of {@code text}, in order, to {@code words}. */
    void split(String text, Consumer<String> words);

    /** No pre-tokenizer: the whole text is one word (if not empty). */
    PreTokenizer NONE = (text, words) -> {
        if (!text.isEmpty()) {
            words.accept(text);
        }
    };

    /** Applies the steps in order, each to every word of the previous one. */
    static PreTokenizer sequence(List<PreTokenizer> steps) {
        PreTokenizer result = NONE;
        for (PreTokenizer step : steps) {
            PreTokenizer before = result;
            result = (text, words) -> before.split(text, w -> step.split(w, words));
        }
        return result;
    }
}
