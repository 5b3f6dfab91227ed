package dev.zoft.tokenizer;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import java.util.OptionalInt;

/** Third stage: turns one word into token ids using a vocabulary (WordPiece; later BPE, Unigram). */
interface Model {
    /** Appends the ids of {@code word}'s tokens to {@code out}. */
    void tokenize(String word, IntArrayList out);

    OptionalInt tokenToId(String token);

    /** The token with this id, or {@code null}. */
    String idToToken(int id);

    /** Number of entries in the vocabulary. */
    int vocabSize();
}
