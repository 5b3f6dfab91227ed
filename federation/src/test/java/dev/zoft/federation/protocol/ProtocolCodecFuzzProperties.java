package dev.zoft.federation.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The decoders on hostile input: random bytes and valid messages with bytes flipped or cut. A
 * decoder either returns a message (which then re-encodes to the same bytes) or throws a
 * {@link ProtocolException}; nothing else (no other exception, no huge allocation).
 */
class ProtocolCodecFuzzProperties {

    @Property(tries = 300)
    void randomBytesNeverBreakTheDecoders(@ForAll @Size(max = 200) byte[] bytes) {
        decodeAll(bytes);
    }

    @Property(tries = 600)
    void corruptedValidMessagesDecodeToTheSameBytesOrFailCleanly(@ForAll("messages") byte[] message,
                                                                 @ForAll @IntRange(min = 0, max = 1 << 20) int position,
                                                                 @ForAll byte value, @ForAll boolean cut) {
        byte[] b = message.clone();
        if (cut) {
            b = java.util.Arrays.copyOf(b, position % (b.length + 1));
        } else {
            b[position % b.length] = value;
        }
        decodeAll(b);
    }

    @Provide
    Arbitrary<byte[]> messages() {
        return Arbitraries.longs().map(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            return switch (r.nextInt(3)) {
                case 0 -> ProtocolCodec.encode(Messages.plan(r, r.nextInt(0, 3)));
                case 1 -> ProtocolCodec.encode(Messages.upload(r));
                default -> ProtocolCodec.encode(Messages.record(r));
            };
        });
    }

    private static void decodeAll(byte[] b) {
        try {
            assertEquals(java.util.HexFormat.of().formatHex(b),
                    java.util.HexFormat.of().formatHex(ProtocolCodec.encode(ProtocolCodec.decodePlan(b))));
        } catch (ProtocolException expected) {
            // refused cleanly
        }
        try {
            assertEquals(java.util.HexFormat.of().formatHex(b),
                    java.util.HexFormat.of().formatHex(ProtocolCodec.encode(ProtocolCodec.decodeUpload(b))));
        } catch (ProtocolException expected) {
            // refused cleanly
        }
        try {
            assertEquals(java.util.HexFormat.of().formatHex(b),
                    java.util.HexFormat.of().formatHex(ProtocolCodec.encode(ProtocolCodec.decodeRecord(b))));
        } catch (ProtocolException expected) {
            // refused cleanly
        }
    }
}
