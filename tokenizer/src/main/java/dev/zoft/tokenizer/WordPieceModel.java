package dev.zoft.tokenizer;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Hugging Face's WordPiece model: greedy longest-match-first over the vocabulary. The first piece of
 * a word is looked up as is, later pieces with the continuing-subword prefix ({@code ##}). A word
 * longer than {@code maxInputCharsPerWord} code points, or one that cannot be covered by pieces,
 * becomes the single unknown token.
 */
final class WordPieceModel implements Model {
    private final Map<String, Integer> vocab;
    /** Vocabulary entries that start with the prefix, keyed without it, so lookups need no concatenation. */
    private final Map<String, Integer> continuations;
    private final String[] idToToken;
    private final int unkId;
    private final int maxInputCharsPerWord;
    /** Longest key (in UTF-16 units) of each map: no longer candidate can match, so none is tried. */
    private final int maxPieceChars;
    private final int maxContinuationChars;

    /**
     * @param vocab token to id; ids must be non-negative and dense enough to index an array
     * @throws IllegalArgumentException if the unknown token is not in the vocabulary
     */
    WordPieceModel(Map<String, Integer> vocab, String unkToken, String prefix, int maxInputCharsPerWord) {
        this.vocab = new HashMap<>(vocab);
        Integer unk = vocab.get(unkToken);
        if (unk == null) {
            throw new IllegalArgumentException("the unknown token '" + unkToken + "' is not in the vocabulary");
        }
        this.unkId = unk;
        this.maxInputCharsPerWord = maxInputCharsPerWord;
        this.continuations = new HashMap<>();
        int maxId = -1;
        int maxPiece = 0;
        int maxCont = 0;
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            maxId = Math.max(maxId, e.getValue());
            maxPiece = Math.max(maxPiece, e.getKey().length());
            if (!prefix.isEmpty() && e.getKey().startsWith(prefix)) {
                String rest = e.getKey().substring(prefix.length());
                continuations.put(rest, e.getValue());
                maxCont = Math.max(maxCont, rest.length());
            }
        }
        if (prefix.isEmpty()) {
            continuations.putAll(vocab);
            maxCont = maxPiece;
        }
        this.maxPieceChars = maxPiece;
        this.maxContinuationChars = maxCont;
        this.idToToken = new String[maxId + 1];
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            idToToken[e.getValue()] = e.getKey();
        }
    }

    @Override
    public void tokenize(String word, IntArrayList out) {
        int n = word.length();
        if (n > maxInputCharsPerWord && word.codePointCount(0, n) > maxInputCharsPerWord) {
            out.add(unkId);
            return;
        }
        int mark = out.size();
        int start = 0;
        while (start < n) {
            Map<String, Integer> map = start == 0 ? vocab : continuations;
            int end = Math.min(n, start + (start == 0 ? maxPieceChars : maxContinuationChars));
            Integer found = null;
            while (start < end) {
                found = map.get(word.substring(start, end));
                if (found != null) {
                    break;
                }
                // Step back one code point; a cut through a surrogate pair never matches and just steps on.
                end -= (end - 2 >= start && Character.isLowSurrogate(word.charAt(end - 1))
                        && Character.isHighSurrogate(word.charAt(end - 2))) ? 2 : 1;
            }
            if (found == null) {
                out.size(mark);
                out.add(unkId);
                return;
            }
            out.add(found);
            start = end;
        }
    }

    @Override
    public OptionalInt tokenToId(String token) {
        Integer id = vocab.get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    @Override
    public String idToToken(int id) {
        return id >= 0 && id < idToToken.length ? idToToken[id] : null;
    }

    @Override
    public int vocabSize() {
        return vocab.size();
    }
}
