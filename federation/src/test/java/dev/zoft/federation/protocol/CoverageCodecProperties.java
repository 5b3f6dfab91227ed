package dev.zoft.federation.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Partial uploads on the wire: masks round-trip, a full mask is the old type-2 message byte for byte,
 * and every malformed mask is a {@link ProtocolException} naming the problem.
 */
class CoverageCodecProperties {

    /** A random mask of k coordinates with at least one covered and (when k > 1) at least one not. */
    static boolean[] partialMask(SplittableRandom r, int k) {
        boolean[] b = new boolean[k];
        for (int i = 0; i < k; i++) {
            b[i] = r.nextBoolean();
        }
        b[r.nextInt(k)] = true;
        if (k > 1) {
            int off = r.nextInt(k);
            b[off] = false;
            if (!anyTrue(b)) {
                b[(off + 1) % k] = true;
            }
        }
        return b;
    }

    private static boolean anyTrue(boolean[] b) {
        for (boolean x : b) {
            if (x) {
                return true;
            }
        }
        return false;
    }

    static ClientUpload partial(SplittableRandom r, int steps, int k) {
        boolean[] m = partialMask(r, k);
        float[] v = Messages.scalars(r, steps, k).values();
        for (int i = 0; i < v.length; i++) {
            if (!m[i % k]) {
                v[i] = 0;
            }
        }
        return new ClientUpload(r.nextInt(1, 1000), r.nextInt(0, 100), r.nextInt(1, 10_000), StepScalars.of(steps, k, v),
                r.nextDouble() * 3, CoverageMask.of(m));
    }

    @Property(tries = 300)
    void partialUploadsRoundTrip(@ForAll long seed, @ForAll @IntRange(min = 2, max = 40) int k,
                                 @ForAll @IntRange(min = 1, max = 4) int steps) throws ProtocolException {
        ClientUpload up = partial(new SplittableRandom(seed), steps, k);
        byte[] bytes = ProtocolCodec.encode(up);
        assertEquals(ProtocolCodec.TYPE_PARTIAL_UPLOAD, bytes[5]);
        assertEquals(34 + 4 * steps * k + 4 + (k + 7) / 8, bytes.length, "the format's byte count");
        ClientUpload back = ProtocolCodec.decodeUpload(bytes);
        assertEquals(up, back);
        assertEquals(up.coverage(), back.coverage());
        assertArrayEquals(bytes, ProtocolCodec.encode(back));
    }

    @Property(tries = 200)
    void aFullMaskIsTheOldUploadByteForByte(@ForAll long seed) throws ProtocolException {
        ClientUpload plain = Messages.upload(new SplittableRandom(seed));
        ClientUpload masked = new ClientUpload(plain.round(), plain.clientId(), plain.sampleCount(), plain.scalars(),
                plain.meanTrainLoss(), CoverageMask.full(plain.scalars().perStep()));
        assertEquals(plain, masked);
        assertArrayEquals(ProtocolCodec.encode(plain), ProtocolCodec.encode(masked));
        assertEquals(ProtocolCodec.TYPE_UPLOAD, ProtocolCodec.encode(masked)[5]);
        assertTrue(ProtocolCodec.decodeUpload(ProtocolCodec.encode(masked)).coverage().isFull());
    }

    @Property(tries = 200)
    void maskBytesRoundTrip(@ForAll long seed, @ForAll @IntRange(min = 1, max = 70) int k) {
        boolean[] b = partialMask(new SplittableRandom(seed), k);
        CoverageMask m = CoverageMask.of(b);
        assertEquals(m, CoverageMask.fromBytes(m.toBytes(), k));
        for (int i = 0; i < k; i++) {
            assertEquals(b[i], m.covers(i));
        }
    }

    /** A type-5 message written by hand: the upload's fields, then {@code maskK} and {@code mask}. */
    static byte[] raw(int k, float[] values, int steps, int maskK, byte[] mask) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(bytes)) {
            d.writeInt(ProtocolCodec.MAGIC);
            d.writeByte(ProtocolCodec.VERSION);
            d.writeByte(ProtocolCodec.TYPE_PARTIAL_UPLOAD);
            d.writeInt(1);
            d.writeInt(3);
            d.writeInt(10);
            d.writeInt(steps);
            d.writeInt(k);
            for (float v : values) {
                d.writeFloat(v);
            }
            d.writeDouble(0.5);
            d.writeInt(maskK);
            d.write(mask);
        }
        return bytes.toByteArray();
    }

    private static String refused(byte[] b) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> ProtocolCodec.decodeUpload(b));
        assertTrue(e.getMessage().contains("client upload"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void hostileMasksAreRefusedWithTheirReason() throws IOException {
        float[] v = {1, 0, 0, 2, 0, 0}; // S = 2, K = 3, coordinate 0 covered
        // The valid message the hostile ones are variations of.
        ClientUpload ok = assertDoesNotThrowDecode(raw(3, v, 2, 3, new byte[] {0b001}));
        assertEquals(CoverageMask.of(new boolean[] {true, false, false}), ok.coverage());

        assertTrue(refused(raw(3, v, 2, 3, new byte[] {0b1001})).contains("beyond"), "a bit beyond K");
        assertTrue(refused(raw(3, v, 2, 3, new byte[] {(byte) 0x80})).contains("beyond"), "the last padding bit");
        assertTrue(refused(raw(3, v, 2, 3, new byte[] {0})).contains("at least one"), "an empty mask");
        assertTrue(refused(raw(3, v, 2, 4, new byte[] {0b001})).contains("coverage mask size"), "K disagrees with the scalars");
        assertTrue(refused(raw(3, v, 2, 3, new byte[] {})).contains("needs 1 bytes"), "the mask is cut off");
        assertTrue(refused(raw(3, v, 2, 3, new byte[] {0b001, 0})).contains("unexpected bytes"), "trailing bytes");
        assertTrue(refused(raw(3, v, 2, 3, new byte[] {0b111})).contains("covers all"), "a full mask sent as partial");
        float[] leaky = {1, 0, 0, 2, 0.5f, 0};
        assertTrue(refused(raw(3, leaky, 2, 3, new byte[] {0b001})).contains("uncovered scalars must be 0"),
                "a value at an uncovered coordinate");
        byte[] hugeK = raw(3, v, 2, Integer.MAX_VALUE, new byte[] {0b001});
        refused(hugeK);
    }

    private static ClientUpload assertDoesNotThrowDecode(byte[] b) {
        try {
            return ProtocolCodec.decodeUpload(b);
        } catch (ProtocolException e) {
            throw new AssertionError("a valid partial upload was refused: " + e.getMessage(), e);
        }
    }

    @Test
    void theUploadRecordItselfRefusesInconsistentCoverage() {
        StepScalars s = StepScalars.of(1, 3, new float[] {1, 2, 0});
        assertThrows(IllegalArgumentException.class,
                () -> new ClientUpload(1, 0, 1, s, 0, CoverageMask.of(new boolean[] {true, false, false})));
        assertThrows(IllegalArgumentException.class,
                () -> new ClientUpload(1, 0, 1, s, 0, CoverageMask.of(new boolean[] {true, true})));
        assertThrows(IllegalArgumentException.class, () -> CoverageMask.of(new boolean[3]));
        assertThrows(IllegalArgumentException.class, () -> CoverageMask.of(new boolean[0]));
        assertThrows(IllegalArgumentException.class, () -> CoverageMask.fromBytes(new byte[2], 3));
        ClientUpload fine = new ClientUpload(1, 0, 1, s, 0, CoverageMask.of(new boolean[] {true, true, false}));
        assertTrue(fine.covers(1) && !fine.covers(2));
        assertEquals("2/3 [0, 1]", fine.coverage().toString());
        assertTrue(Arrays.equals(new byte[] {0b011}, fine.coverage().toBytes()));
    }
}
