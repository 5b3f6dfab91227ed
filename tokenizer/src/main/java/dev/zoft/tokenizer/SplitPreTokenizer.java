package dev.zoft.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hugging Face's {@code Split} pre-tokenizer: finds the matches of a pattern (a literal string or a
 * regex) and cuts the text around them. What happens to a match depends on the behaviour:
 * {@code Removed} drops it, {@code Isolated} makes it a word of its own, {@code MergedWithPrevious}
 * / {@code MergedWithNext} glue it to the neighbouring text, {@code Contiguous} makes runs of
 * consecutive matches one word. {@code invert} swaps the roles of matches and the text between them.
 *
 * <p>Regexes are compiled with {@link Pattern#UNICODE_CHARACTER_CLASS} and
 * {@link Pattern#UNICODE_CASE}, so {@code \s}, {@code \p{L}} and {@code (?i:)} mean what they mean
 * in the reference's Oniguruma (Unicode White_Space, Unicode letters, Unicode case folding).
 */
final class SplitPreTokenizer implements PreTokenizer {
    /** GPT-2's pre-tokenizer regex (also the {@code ByteLevel} pre-tokenizer's). */
    static final String GPT2_PATTERN =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
    /** Llama-3's: case-insensitive contractions, a letter run with one leading non-letter, digits by three. */
    static final String LLAMA3_PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    /** Qwen2's: Llama-3's with single digits. */
    static final String QWEN2_PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /** What to do with the matches. */
    enum Behavior {
        REMOVED, ISOLATED, MERGED_WITH_PREVIOUS, MERGED_WITH_NEXT, CONTIGUOUS;

        /** From the tokenizer.json name ({@code "Isolated"}, ...), or null if unknown. */
        static Behavior parse(String name) {
            return switch (name) {
                case "Removed" -> REMOVED;
                case "Isolated" -> ISOLATED;
                case "MergedWithPrevious" -> MERGED_WITH_PREVIOUS;
                case "MergedWithNext" -> MERGED_WITH_NEXT;
                case "Contiguous" -> CONTIGUOUS;
                default -> null;
            };
        }
    }

    private final Pattern pattern;
    private final Behavior behavior;
    private final boolean invert;

    SplitPreTokenizer(Pattern pattern, Behavior behavior, boolean invert) {
        this.pattern = pattern;
        this.behavior = behavior;
        this.invert = invert;
    }

    /** A regex as the reference reads it. */
    static Pattern compile(String regex) {
        return Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS | Pattern.UNICODE_CASE);
    }

    /** A literal string pattern. */
    static Pattern literal(String s) {
        return Pattern.compile(Pattern.quote(s));
    }

    @Override
    public void split(String text, Consumer<String> words) {
        if (text.isEmpty()) {
            return;
        }
        // (start, end, isMatch) triples covering the text, as the reference's find_matches.
        List<int[]> pieces = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        int prev = 0;
        while (m.find()) {
            if (m.start() == m.end()) {
                continue; // an empty match cuts nothing
            }
            if (prev != m.start()) {
                pieces.add(new int[] {prev, m.start(), 0});
            }
            pieces.add(new int[] {m.start(), m.end(), 1});
            prev = m.end();
        }
        if (prev != text.length()) {
            pieces.add(new int[] {prev, text.length(), 0});
        }
        if (invert) {
            for (int[] p : pieces) {
                p[2] ^= 1;
            }
        }
        for (int[] p : group(pieces)) {
            if (p[0] < p[1]) {
                words.accept(text.substring(p[0], p[1]));
            }
        }
    }

    /** Applies the behaviour: the kept (start, end) spans in order. */
    private List<int[]> group(List<int[]> pieces) {
        List<int[]> out = new ArrayList<>(pieces.size());
        switch (behavior) {
            case REMOVED -> {
                for (int[] p : pieces) {
                    if (p[2] == 0) {
                        out.add(p);
                    }
                }
            }
            case ISOLATED -> out.addAll(pieces);
            case MERGED_WITH_PREVIOUS -> {
                boolean previousMatch = false;
                for (int[] p : pieces) {
                    boolean match = p[2] == 1;
                    if (match && !previousMatch && !out.isEmpty()) {
                        out.get(out.size() - 1)[1] = p[1];
                    } else {
                        out.add(new int[] {p[0], p[1], 0});
                    }
                    previousMatch = match;
                }
            }
            case MERGED_WITH_NEXT -> {
                boolean previousMatch = false;
                List<int[]> reversed = new ArrayList<>();
                for (int i = pieces.size() - 1; i >= 0; i--) {
                    int[] p = pieces.get(i);
                    boolean match = p[2] == 1;
                    if (match && !previousMatch && !reversed.isEmpty()) {
                        reversed.get(reversed.size() - 1)[0] = p[0];
                    } else {
                        reversed.add(new int[] {p[0], p[1], 0});
                    }
                    previousMatch = match;
                }
                for (int i = reversed.size() - 1; i >= 0; i--) {
                    out.add(reversed.get(i));
                }
            }
            case CONTIGUOUS -> {
                int previous = -1;
                for (int[] p : pieces) {
                    if (p[2] == 1 && previous == 1) {
                        out.get(out.size() - 1)[1] = p[1];
                    } else {
                        out.add(new int[] {p[0], p[1], p[2]});
                    }
                    previous = p[2];
                }
            }
        }
        return out;
    }
}
