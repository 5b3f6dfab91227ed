package dev.zoft.tokenizer;

import java.util.List;
import java.util.function.Consumer;

/** Second stage: splits normalized text into words, which the model then tokenizes one by one. */
interface PreTokenizer {
    /** Hands each non-empty word of {@code text}, in order, to {@code words}. */
    void split(String text, Consumer<String> words);

    /**
     * As {@link #split(String, Consumer)}, knowing whether {@code text} starts the input (is not
     * preceded by an added token or an earlier word): {@code Metaspace} with the prepend scheme
     * {@code first} only adds its space mark there.
     */
    default void split(String text, boolean atStart, Consumer<String> words) {
        split(text, words);
    }

    /** No pre-tokenizer: the whole text is one word (if not empty). */
    PreTokenizer NONE = (text, words) -> {
        if (!text.isEmpty()) {
            words.accept(text);
        }
    };

    /** Applies the steps in order, each to every word of the previous one. */
    static PreTokenizer sequence(List<PreTokenizer> steps) {
        List<PreTokenizer> copy = List.copyOf(steps);
        return new PreTokenizer() {
            @Override
            public void split(String text, Consumer<String> words) {
                split(text, false, words);
            }

            @Override
            public void split(String text, boolean atStart, Consumer<String> words) {
                run(0, text, atStart, words);
            }

            /** Step {@code i} on {@code text}; only the first word of a word at the start is at the start. */
            private void run(int i, String text, boolean atStart, Consumer<String> words) {
                if (i == copy.size()) {
                    words.accept(text);
                    return;
                }
                boolean[] first = {atStart};
                copy.get(i).split(text, atStart, w -> {
                    boolean start = first[0];
                    first[0] = false;
                    run(i + 1, w, start, words);
                });
            }
        };
    }
}
