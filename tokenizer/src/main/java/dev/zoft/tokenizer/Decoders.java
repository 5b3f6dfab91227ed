package dev.zoft.tokenizer;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The small decoders of the reference, which SentencePiece-style tokenizers chain in a
 * {@code Sequence}: {@code Replace} ({@code ▁} back to a space), {@code ByteFallback}
 * ({@code <0xNN>} tokens back to the text their bytes spell), {@code Fuse} (everything into one
 * string) and {@code Strip} (cut a character off token ends, e.g. the prefix space).
 */
final class Decoders {
    private Decoders() {
    }

    /** Every match of {@code pattern} in each token replaced by {@code content}. */
    static Decoder replace(Pattern pattern, String content) {
        String literal = java.util.regex.Matcher.quoteReplacement(content);
        return tokens -> {
            List<String> out = new ArrayList<>(tokens.size());
            for (String t : tokens) {
                out.add(pattern.matcher(t).replaceAll(literal));
            }
            return out;
        };
    }

    /**
     * Runs of {@code <0xNN>} tokens become the text their bytes spell; a run that is not valid UTF-8
     * becomes one U+FFFD per byte (the reference's rule). Other tokens pass through.
     */
    static final Decoder BYTE_FALLBACK = tokens -> {
        List<String> out = new ArrayList<>(tokens.size());
        ByteArrayOutputStream run = new ByteArrayOutputStream();
        for (String t : tokens) {
            int b = byteOfToken(t);
            if (b >= 0) {
                run.write(b);
                continue;
            }
            flush(run, out);
            out.add(t);
        }
        flush(run, out);
        return out;
    };

    private static void flush(ByteArrayOutputStream run, List<String> out) {
        if (run.size() == 0) {
            return;
        }
        String s = Utf8.decodeStrict(run.toByteArray());
        if (s != null) {
            out.add(s);
        } else {
            for (int i = 0; i < run.size(); i++) {
                out.add("\ufffd");
            }
        }
        run.reset();
    }

    /** The byte of a {@code <0xNN>} token (two hex digits, either case), or -1. */
    static int byteOfToken(String t) {
        if (t.length() != 6 || !t.startsWith("<0x") || t.charAt(5) != '>') {
            return -1;
        }
        int hi = Character.digit(t.charAt(3), 16);
        int lo = Character.digit(t.charAt(4), 16);
        if (hi < 0 || lo < 0 || t.charAt(3) > 0x7F || t.charAt(4) > 0x7F) {
            return -1;
        }
        return hi * 16 + lo;
    }

    /** All tokens joined into one string. */
    static final Decoder FUSE = tokens -> List.of(String.join("", tokens));

    /** Up to {@code start} leading and {@code stop} trailing {@code content} characters cut off each token. */
    static Decoder strip(int content, int start, int stop) {
        return tokens -> {
            List<String> out = new ArrayList<>(tokens.size());
            for (String t : tokens) {
                int from = 0;
                for (int i = 0; i < start && from < t.length() && t.codePointAt(from) == content; i++) {
                    from += Character.charCount(content);
                }
                int to = t.length();
                for (int i = 0; i < stop && to > from && t.codePointBefore(to) == content; i++) {
                    to -= Character.charCount(content);
                }
                out.add(t.substring(from, to));
            }
            return out;
        };
    }

    /**
     * The {@code Metaspace} decoder: the replacement character becomes a space, except in the first
     * token when a prefix space was added (there it is dropped, as the reference does).
     */
    static Decoder metaspace(int replacement, boolean prefixAdded) {
        return tokens -> {
            List<String> out = new ArrayList<>(tokens.size());
            for (int i = 0; i < tokens.size(); i++) {
                StringBuilder sb = new StringBuilder();
                boolean first = i == 0;
                tokens.get(i).codePoints().forEach(c -> {
                    if (c != replacement) {
                        sb.appendCodePoint(c);
                    } else if (!(first && prefixAdded)) {
                        sb.append(' ');
                    }
                });
                out.add(sb.toString());
            }
            return out;
        };
    }
}
