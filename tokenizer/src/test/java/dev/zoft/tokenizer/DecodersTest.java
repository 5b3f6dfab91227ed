package dev.zoft.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The small decoders on cases the reference comparison cannot reach: {@code Strip} with a stop count
 * on multi-byte tokens (the reference panics there), invalid byte runs, malformed byte tokens, and the
 * byte-level decoder on tokens that are not byte characters.
 */
class DecodersTest {
    @Test
    void stripCutsAtMostTheGivenCountsOfCodePoints() {
        Decoder strip = Decoders.strip('é', 1, 2);
        assertEquals(List.of("abé", "", "xé", "éa"), strip.decodeChain(List.of("éabééé", "é", "éxé" + "éé", "ééa")));
        assertEquals(List.of("😀"), Decoders.strip(0x1F600, 1, 1).decodeChain(List.of("😀😀😀")));
        assertEquals(List.of(""), Decoders.strip(' ', 1, 1).decodeChain(List.of(" ")));
    }

    @Test
    void byteFallbackJoinsValidRunsAndReplacesEachByteOfAnInvalidOne() {
        assertEquals(List.of("a", "€", "b"), Decoders.BYTE_FALLBACK.decodeChain(List.of("a", "<0xE2>", "<0x82>", "<0xAC>", "b")));
        assertEquals(List.of("\ufffd", "\ufffd", "x"), Decoders.BYTE_FALLBACK.decodeChain(List.of("<0xE2>", "<0x82>", "x")));
        assertEquals(List.of("<0xG1>", "<0x411>", "A", "<0x4>"),
                Decoders.BYTE_FALLBACK.decodeChain(List.of("<0xG1>", "<0x411>", "<0x41>", "<0x4>")));
        assertEquals(0xAB, Decoders.byteOfToken("<0xab>"));
        assertEquals(-1, Decoders.byteOfToken("<0x\u0661\u0661>"), "non-ASCII digits are not hex");
    }

    @Test
    void byteLevelDecoderKeepsTokensThatAreNotByteCharacters() {
        String hello = ByteLevel.toByteChars(" héllo");
        assertEquals(" héllo<|x|>€", ByteLevel.DECODER.decode(List.of(hello, "<|x|>", "€")));
        assertEquals("\ufffd", ByteLevel.DECODER.decode(List.of(ByteLevel.toByteChars("€").substring(0, 2))));
    }

    @Test
    void byteLevelMapCoversEveryByteOnce() {
        java.util.Set<Character> seen = new java.util.HashSet<>();
        for (int b = 0; b < 256; b++) {
            char c = ByteLevel.charOf(b);
            assertEquals(b, ByteLevel.byteOf(c));
            seen.add(c);
        }
        assertEquals(256, seen.size());
        assertEquals('\u0120', ByteLevel.charOf(' '));
        assertEquals('\u010A', ByteLevel.charOf('\n'));
        assertEquals(-1, ByteLevel.byteOf(0x144));
    }
}
