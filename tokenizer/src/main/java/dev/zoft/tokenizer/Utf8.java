package dev.zoft.tokenizer;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** UTF-8 decoding as the reference (Rust) does it. */
final class Utf8 {
    private Utf8() {
    }

    /**
     * Bytes to text with one U+FFFD for each maximal invalid subpart, as Rust's
     * {@code String::from_utf8_lossy} (Java's decoder follows the same Unicode recommendation).
     */
    static String decodeLossy(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Bytes to text, or {@code null} if they are not valid UTF-8. */
    static String decodeStrict(byte[] bytes) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            CharBuffer chars = d.decode(ByteBuffer.wrap(bytes));
            return chars.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
