package dev.zoft.tokenizer;

/**
 * Character predicates with the exact definitions Hugging Face {@code tokenizers} (Rust) uses, which
 * differ from Java's own: Rust's {@code char::is_whitespace} is the Unicode White_Space property
 * (it includes U+00A0 and U+202F, which {@link Character#isWhitespace} excludes), and "control" in
 * the BERT normalizer means any "other" category except tab, newline and carriage return.
 *
 * <p>The general categories behind "control", "non-spacing mark" and "punctuation" are Unicode 8.0's
 * (see {@link Unicode8Tables}), not Java's: that is what the reference uses, and with Java's newer
 * tables about 600 code points would tokenize differently.
 */
final class CharClasses {
    private CharClasses() {
    }

    /** Unicode White_Space, as Rust's {@code char::is_whitespace} and regex {@code \s}. */
    static boolean isWhitespace(int cp) {
        if (cp < 0x80) {
            return cp == ' ' || (cp >= 0x09 && cp <= 0x0D);
        }
        return switch (cp) {
            case 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000 -> true;
            default -> cp >= 0x2000 && cp <= 0x200A;
        };
    }

    /**
     * The BERT normalizer's "control": Unicode 8.0 categories Cc, Cf, Co, except tab, newline
     * and carriage return, which count as whitespace instead.
     */
    static boolean isBertControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') {
            return false;
        }
        return inRanges(Unicode8Tables.OTHER, cp);
    }

    /** The code point blocks the BERT normalizer surrounds with spaces ("Chinese characters"). */
    static boolean isChineseChar(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF)
                || (cp >= 0x3400 && cp <= 0x4DBF)
                || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F)
                || (cp >= 0x2B740 && cp <= 0x2B81F)
                || (cp >= 0x2B920 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }

    /** General category Mn (non-spacing mark, Unicode 8.0): what BERT's accent stripping drops after NFD. */
    static boolean isNonSpacingMark(int cp) {
        return cp >= 0x300 && inRanges(Unicode8Tables.MARK_NONSPACING, cp);
    }

    /**
     * BERT punctuation: ASCII 33-47, 58-64, 91-96, 123-126 (which includes symbols such as $ + < = >
     * ^ ` |) or any Unicode 8.0 P* category.
     */
    static boolean isBertPunctuation(int cp) {
        if (cp < 0x80) {
            return (cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126);
        }
        return inRanges(Unicode8Tables.PUNCTUATION, cp);
    }

    /** Whether {@code cp} lies in one of the sorted inclusive {@code [start, end]} pairs. */
    static boolean inRanges(int[] ranges, int cp) {
        int lo = 0;
        int hi = ranges.length / 2 - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (cp < ranges[2 * mid]) {
                hi = mid - 1;
            } else if (cp > ranges[2 * mid + 1]) {
                lo = mid + 1;
            } else {
                return true;
            }
        }
        return false;
    }

    /** Rust regex's Unicode {@code \w}: Alphabetic, marks, decimal digits, connector punctuation, joiners. */
    static boolean isWordChar(int cp) {
        if (Character.isAlphabetic(cp) || cp == 0x200C || cp == 0x200D) {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.NON_SPACING_MARK, Character.COMBINING_SPACING_MARK, Character.ENCLOSING_MARK,
                    Character.DECIMAL_DIGIT_NUMBER, Character.CONNECTOR_PUNCTUATION -> true;
            default -> false;
        };
    }

    /**
     * Appends Rust's {@code char::to_lowercase} of one code point: the full (not simple) mapping,
     * without context (so a final capital sigma becomes σ, never ς).
     */
    static void appendLowercase(StringBuilder out, int cp) {
        if (cp == 0x130) {
            // The one unconditional multi-character lowercase mapping in SpecialCasing.txt.
            out.append('i').append('\u0307');
        } else {
            out.appendCodePoint(Character.toLowerCase(cp));
        }
    }

    /** Replaces unpaired surrogates by U+FFFD, as encoding the string to UTF-8 would. */
    static String replaceLoneSurrogates(String s) {
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                break;
            }
            i++;
        }
        if (i == n) {
            return s;
        }
        StringBuilder sb = new StringBuilder(n).append(s, 0, i);
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                sb.append(c).append(s.charAt(i + 1));
                i += 2;
            } else {
                sb.append(Character.isSurrogate(c) ? '\uFFFD' : c);
                i++;
            }
        }
        return sb.toString();
    }
}
