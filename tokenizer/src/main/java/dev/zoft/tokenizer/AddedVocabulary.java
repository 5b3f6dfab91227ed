package dev.zoft.tokenizer;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds added tokens in the text, as Hugging Face does before normalizing: tokens with
 * {@code normalized=false} are matched in the raw input, the others in the normalized text of what
 * lies between; matching is leftmost-longest, left to right, without overlaps. What remains is
 * normalized text for the pre-tokenizer and model.
 */
final class AddedVocabulary {

    /** A stretch of the input: an added token (id at least 0) or normalized text (id -1). */
    record Piece(int id, String text) {
        boolean isToken() {
            return id >= 0;
        }
    }

    private final Map<Integer, AddedToken> byId = new HashMap<>();
    private final Map<String, Integer> byContent = new HashMap<>();
    private final Set<String> specialContents = new HashSet<>();
    private final Matcher rawMatcher;
    private final Matcher normalizedMatcher;

    AddedVocabulary(List<AddedToken> tokens, Normalizer normalizer) {
        List<AddedToken> raw = new ArrayList<>();
        List<AddedToken> normalized = new ArrayList<>();
        List<String> normalizedPatterns = new ArrayList<>();
        for (AddedToken t : tokens) {
            if (t.content().isEmpty()) {
                continue; // Hugging Face ignores empty added tokens
            }
            byId.put(t.id(), t);
            byContent.put(t.content(), t.id());
            if (t.special()) {
                specialContents.add(t.content());
            }
            if (t.normalized()) {
                normalized.add(t);
                normalizedPatterns.add(normalizer.normalize(t.content()));
            } else {
                raw.add(t);
            }
        }
        List<String> rawPatterns = new ArrayList<>();
        for (AddedToken t : raw) {
            rawPatterns.add(t.content());
        }
        rawMatcher = new Matcher(raw, rawPatterns);
        normalizedMatcher = new Matcher(normalized, normalizedPatterns);
    }

    /** Splits {@code text} into added tokens and normalized text, covering all of it in order. */
    List<Piece> extract(String text, Normalizer normalizer) {
        List<Piece> out = new ArrayList<>(4);
        for (Piece rawPiece : rawMatcher.split(text)) {
            if (rawPiece.isToken()) {
                out.add(rawPiece);
            } else {
                String normalized = normalizer.normalize(rawPiece.text());
                out.addAll(normalizedMatcher.split(normalized));
            }
        }
        return out;
    }

    Integer idOf(String content) {
        return byContent.get(content);
    }

    String contentOf(int id) {
        AddedToken t = byId.get(id);
        return t == null ? null : t.content();
    }

    boolean isSpecial(String content) {
        return specialContents.contains(content);
    }

    Iterable<AddedToken> tokens() {
        return byId.values();
    }

    /** Leftmost-longest matcher over a small set of patterns. */
    private static final class Matcher {
        private final Map<Character, List<Integer>> byFirstChar = new HashMap<>();
        private final BitSet firstChars = new BitSet(1 << 16);
        private final List<AddedToken> tokens;
        private final List<String> patterns;

        Matcher(List<AddedToken> tokens, List<String> patterns) {
            this.tokens = tokens;
            this.patterns = patterns;
            for (int i = 0; i < patterns.size(); i++) {
                String p = patterns.get(i);
                if (p.isEmpty()) {
                    continue; // an empty pattern (e.g. content normalized away) never matches
                }
                firstChars.set(p.charAt(0));
                byFirstChar.computeIfAbsent(p.charAt(0), c -> new ArrayList<>()).add(i);
            }
            for (List<Integer> candidates : byFirstChar.values()) {
                candidates.sort(Comparator.comparingInt((Integer i) -> patterns.get(i).length()).reversed());
            }
        }

        List<Piece> split(String s) {
            if (byFirstChar.isEmpty() || s.isEmpty()) {
                return List.of(new Piece(-1, s));
            }
            List<Piece> out = new ArrayList<>(3);
            int done = 0; // end of the previous accepted match
            int pos = 0;
            int n = s.length();
            while (pos < n) {
                char c = s.charAt(pos);
                int match = -1;
                if (firstChars.get(c)) {
                    for (int candidate : byFirstChar.get(c)) {
                        if (s.startsWith(patterns.get(candidate), pos)) {
                            match = candidate; // sorted longest first
                            break;
                        }
                    }
                }
                if (match < 0) {
                    pos++;
                    continue;
                }
                AddedToken token = tokens.get(match);
                int start = pos;
                int stop = pos + patterns.get(match).length();
                pos = stop; // a discarded match still consumes its span, as in Aho-Corasick's iteration
                if (token.singleWord()) {
                    boolean spaceBefore = start == 0 || !CharClasses.isWordChar(s.codePointBefore(start));
                    boolean spaceAfter = stop == n || !CharClasses.isWordChar(s.codePointAt(stop));
                    if (!spaceBefore || !spaceAfter) {
                        continue;
                    }
                }
                if (token.lstrip()) {
                    int newStart = start;
                    while (newStart > 0 && CharClasses.isWhitespace(s.charAt(newStart - 1))) {
                        newStart--;
                    }
                    start = Math.max(newStart, done);
                }
                if (token.rstrip()) {
                    while (stop < n && CharClasses.isWhitespace(s.charAt(stop))) {
                        stop++;
                    }
                    pos = stop;
                }
                if (done < start) {
                    out.add(new Piece(-1, s.substring(done, start)));
                }
                out.add(new Piece(token.id(), s.substring(start, stop)));
                done = stop;
            }
            if (done < n) {
                out.add(new Piece(-1, s.substring(done)));
            }
            return out;
        }
    }
}
