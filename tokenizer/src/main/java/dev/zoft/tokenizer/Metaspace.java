package dev.zoft.tokenizer;

import java.util.function.Consumer;

/**
 * Hugging Face's {@code Metaspace} pre-tokenizer (SentencePiece style): spaces become the replacement
 * character ({@code ▁}), which is also prepended to the text ({@code always}), only to the start of
 * the input ({@code first}: not after an added token), or never; with {@code split}, the text is then
 * cut before each replacement character.
 */
final class Metaspace implements PreTokenizer {
    enum Prepend { ALWAYS, FIRST, NEVER }

    private final String replacement;
    private final Prepend prepend;
    private final boolean split;

    Metaspace(int replacement, Prepend prepend, boolean split) {
        this.replacement = Character.toString(replacement);
        this.prepend = prepend;
        this.split = split;
    }

    @Override
    public void split(String text, Consumer<String> words) {
        split(text, false, words);
    }

    @Override
    public void split(String text, boolean atStart, Consumer<String> words) {
        if (text.isEmpty()) {
            return;
        }
        String s = text.replace(" ", replacement);
        boolean add = switch (prepend) {
            case ALWAYS -> true;
            case FIRST -> atStart;
            case NEVER -> false;
        };
        if (add && !s.startsWith(replacement)) {
            s = replacement + s;
        }
        if (!split) {
            words.accept(s);
            return;
        }
        // MergedWithNext: each replacement character starts a new word.
        int from = 0;
        for (int at = s.indexOf(replacement, 1); at >= 0; at = s.indexOf(replacement, at + replacement.length())) {
            if (at > from) {
                words.accept(s.substring(from, at));
                from = at;
            }
        }
        words.accept(s.substring(from));
    }
}
