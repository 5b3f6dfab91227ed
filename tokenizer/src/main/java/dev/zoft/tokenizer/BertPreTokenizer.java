package dev.zoft.tokenizer;

import java.util.function.Consumer;

/**
 * Hugging Face's {@code BertPreTokenizer}: splits on whitespace (dropped) and isolates every
 * punctuation character (see {@link CharClasses#isBertPunctuation}) as a word of its own. With
 * {@code whitespaceOnly} it is {@code WhitespaceSplit} instead: whitespace only.
 */
final class BertPreTokenizer implements PreTokenizer {
    private final boolean splitPunctuation;

    private BertPreTokenizer(boolean splitPunctuation) {
        this.splitPunctuation = splitPunctuation;
    }

    static final BertPreTokenizer BERT = new BertPreTokenizer(true);
    static final BertPreTokenizer WHITESPACE_SPLIT = new BertPreTokenizer(false);

    @Override
    public void split(String text, Consumer<String> words) {
        int wordStart = -1;
        int n = text.length();
        for (int i = 0; i < n; ) {
            int cp = text.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (CharClasses.isWhitespace(cp)) {
                if (wordStart >= 0) {
                    words.accept(text.substring(wordStart, i));
                    wordStart = -1;
                }
            } else if (splitPunctuation && CharClasses.isBertPunctuation(cp)) {
                if (wordStart >= 0) {
                    words.accept(text.substring(wordStart, i));
                    wordStart = -1;
                }
                words.accept(text.substring(i, next));
            } else if (wordStart < 0) {
                wordStart = i;
            }
            i = next;
        }
        if (wordStart >= 0) {
            words.accept(text.substring(wordStart));
        }
    }
}
