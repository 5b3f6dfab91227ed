package dev.zoft.federation.method;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.zoft.federation.protocol.ProtocolException;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The baselines' messages: round trips, and any bytes give a message or a ProtocolException. */
class MethodMessagesFuzzTest {

    private static final MethodMessages.Header H = new MethodMessages.Header(3, 77L, 2, 8, 1e-3);

    private static List<byte[]> valid() {
        return List.of(
                MethodMessages.encode(new MethodMessages.FedZoPlan(H, List.of(
                        new MethodMessages.RoundUpdates(1, new long[] {5, -6}, new float[] {0.5f, -1f}),
                        new MethodMessages.RoundUpdates(2, new long[] {9}, new float[] {2f})))),
                MethodMessages.encode(new MethodMessages.PoolPlan(H, new int[] {1, 7}, new float[] {1f, 2f}, null)),
                MethodMessages.encode(new MethodMessages.PoolPlan(H, new int[] {1, 7}, new float[] {1f, 2f}, new float[] {0.1f, 3f})),
                MethodMessages.encode(new MethodMessages.DirectionUpload(3, 4, 10, 2, 1, new long[] {11, 12},
                        new float[] {0.25f, -0.5f}, 0.7), false),
                MethodMessages.encode(new MethodMessages.DirectionUpload(3, 4, 10, 2, 1, new long[] {11, 12},
                        new float[] {0.25f, -0.5f}, 0.7), true));
    }

    /** Decodes with every decoder; each must return or throw ProtocolException (nothing else). */
    private static int decodeAll(byte[] b) {
        int ok = 0;
        try { MethodMessages.decodeFedZoPlan(b); ok++; } catch (ProtocolException e) { assertMessage(e); }
        try { MethodMessages.decodePoolPlan(b, false, 16); ok++; } catch (ProtocolException e) { assertMessage(e); }
        try { MethodMessages.decodePoolPlan(b, true, 16); ok++; } catch (ProtocolException e) { assertMessage(e); }
        try { MethodMessages.decodeUpload(b, false); ok++; } catch (ProtocolException e) { assertMessage(e); }
        try { MethodMessages.decodeUpload(b, true); ok++; } catch (ProtocolException e) { assertMessage(e); }
        return ok;
    }

    private static void assertMessage(ProtocolException e) {
        if (e.getMessage() == null || e.getMessage().isBlank()) {
            throw new AssertionError("a protocol error without a message");
        }
    }

    @Property(tries = 300)
    void validMessagesDecodeByExactlyOneDecoderAndRoundTrip() throws ProtocolException {
        for (byte[] b : valid()) {
            assertEquals(1, decodeAll(b));
        }
        MethodMessages.DirectionUpload u = MethodMessages.decodeUpload(valid().get(3), false);
        assertArrayEquals(new long[] {11, 12}, u.directions());
        MethodMessages.PoolPlan p = MethodMessages.decodePoolPlan(valid().get(2), true, 16);
        assertArrayEquals(new float[] {0.1f, 3f}, p.meanAbs());
    }

    @Property(tries = 500)
    void mutatedMessagesNeverThrowAnythingElse(@ForAll @IntRange(min = 0, max = 4) int which,
                                               @ForAll @IntRange(min = 0, max = 10_000) int position,
                                               @ForAll byte value, @ForAll @IntRange(min = 0, max = 40) int cut) {
        byte[] b = valid().get(which).clone();
        b[position % b.length] = value;
        decodeAll(b);
        decodeAll(java.util.Arrays.copyOf(b, Math.max(0, b.length - cut)));
    }

    @Property(tries = 300)
    void randomBytesNeverThrowAnythingElse(@ForAll @Size(max = 200) byte[] bytes) {
        decodeAll(bytes);
    }
}
