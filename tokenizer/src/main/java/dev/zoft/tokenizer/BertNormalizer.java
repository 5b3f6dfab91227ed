package dev.zoft.tokenizer;

import java.text.Normalizer.Form;

/**
 * Hugging Face's {@code BertNormalizer}, in its order: clean text (drop NUL, U+FFFD and controls,
 * map whitespace to a space), put spaces around CJK ideographs, strip accents (NFD, then drop Mn
 * marks), lowercase (per code point, full mapping).
 */
final class BertNormalizer implements Normalizer {
    private final boolean cleanText;
    private final boolean handleChineseChars;
    private final boolean stripAccents;
    private final boolean lowercase;

    /**
     * @param stripAccents {@code null} means "follow lowercase", as in the JSON format
     */
    BertNormalizer(boolean cleanText, boolean handleChineseChars, Boolean stripAccents, boolean lowercase) {
        this.cleanText = cleanText;
        this.handleChineseChars = handleChineseChars;
        this.stripAccents = stripAccents == null ? lowercase : stripAccents;
        this.lowercase = lowercase;
    }

    @Override
    public String normalize(String text) {
        String s = text;
        if (cleanText || handleChineseChars) {
            s = cleanAndSpaceChinese(s);
        }
        if (stripAccents) {
            s = stripAccents(s);
        }
        if (lowercase) {
            s = lowercase(s);
        }
        return s;
    }

    private String cleanAndSpaceChinese(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cleanText) {
                if (cp == 0 || cp == 0xFFFD || CharClasses.isBertControl(cp)) {
                    continue;
                }
                if (CharClasses.isWhitespace(cp)) {
                    cp = ' ';
                }
            }
            if (handleChineseChars && CharClasses.isChineseChar(cp)) {
                sb.append(' ').appendCodePoint(cp).append(' ');
            } else {
                sb.appendCodePoint(cp);
            }
        }
        return sb.toString();
    }

    static String stripAccents(String s) {
        if (isAscii(s)) {
            return s; // ASCII has no decompositions and no marks
        }
        String nfd = java.text.Normalizer.normalize(s, Form.NFD);
        StringBuilder sb = new StringBuilder(nfd.length());
        for (int i = 0; i < nfd.length(); ) {
            int cp = nfd.codePointAt(i);
            i += Character.charCount(cp);
            if (!CharClasses.isNonSpacingMark(cp)) {
                sb.appendCodePoint(cp);
            }
        }
        return sb.toString();
    }

    static String lowercase(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int n = Character.charCount(cp);
            boolean changes = cp == 0x130 || Character.toLowerCase(cp) != cp;
            if (changes && sb == null) {
                sb = new StringBuilder(s.length() + 4).append(s, 0, i);
            }
            if (sb != null) {
                CharClasses.appendLowercase(sb, cp);
            }
            i += n;
        }
        return sb == null ? s : sb.toString();
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
