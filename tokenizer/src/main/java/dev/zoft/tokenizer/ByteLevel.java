package dev.zoft.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2's byte-level mapping: every byte gets a printable character, so that BPE can work on
 * characters while covering all of UTF-8. The printable Latin-1 bytes ({@code !}..{@code ~},
 * {@code ¡}..{@code ¬}, {@code ®}..{@code ÿ}) map to themselves; the 68 others map, in byte order,
 * to U+0100 onwards (space becomes {@code Ġ}, newline {@code Ċ}).
 *
 * <p>Also the {@code ByteLevel} pre-tokenizer (optional prefix space, optional GPT-2 regex split,
 * then bytes to characters) and decoder (characters back to bytes, bytes to UTF-8 text).
 */
final class ByteLevel {
    /** The byte → character table. */
    private static final char[] BYTE_TO_CHAR = new char[256];
    /** The character → byte table over U+0000..U+0143, -1 where no byte maps to the character. */
    private static final int[] CHAR_TO_BYTE = new int[0x144];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + extra++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevel() {
    }

    /** The character that stands for byte {@code b} (0..255). */
    static char charOf(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte a character stands for, or -1 if it is not one of the 256 byte characters. */
    static int byteOf(int c) {
        return c >= 0 && c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /** The text's UTF-8 bytes, each as its byte character. */
    static String toByteChars(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        char[] out = new char[utf8.length];
        for (int i = 0; i < utf8.length; i++) {
            out[i] = BYTE_TO_CHAR[utf8[i] & 0xFF];
        }
        return new String(out);
    }

    /** The {@code ByteLevel} pre-tokenizer. */
    static PreTokenizer preTokenizer(boolean addPrefixSpace, boolean useRegex) {
        Pattern regex = useRegex ? SplitPreTokenizer.compile(SplitPreTokenizer.GPT2_PATTERN) : null;
        return (text, words) -> {
            String s = addPrefixSpace && !text.isEmpty() && !text.startsWith(" ") ? " " + text : text;
            if (regex == null) {
                if (!s.isEmpty()) {
                    words.accept(toByteChars(s));
                }
                return;
            }
            Matcher m = regex.matcher(s);
            int prev = 0;
            while (m.find()) {
                emit(s, prev, m.start(), words);
                emit(s, m.start(), m.end(), words);
                prev = m.end();
            }
            emit(s, prev, s.length(), words);
        };
    }

    private static void emit(String s, int from, int to, Consumer<String> words) {
        if (from < to) {
            words.accept(toByteChars(s.substring(from, to)));
        }
    }

    /**
     * The {@code ByteLevel} decoder: each token's characters back to bytes (a token with any other
     * character, e.g. an added token, contributes its own UTF-8 bytes), all bytes decoded as UTF-8 with
     * U+FFFD for invalid sequences.
     */
    static final Decoder DECODER = new Decoder() {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            for (String token : tokens) {
                byte[] mapped = new byte[token.length()];
                boolean all = true;
                for (int i = 0; i < token.length(); i++) {
                    int b = byteOf(token.charAt(i));
                    if (b < 0) {
                        all = false;
                        break;
                    }
                    mapped[i] = (byte) b;
                }
                bytes.writeBytes(all ? mapped : token.getBytes(StandardCharsets.UTF_8));
            }
            return List.of(Utf8.decodeLossy(bytes.toByteArray()));
        }
    };
}
