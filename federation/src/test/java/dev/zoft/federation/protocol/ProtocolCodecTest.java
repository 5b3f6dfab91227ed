package dev.zoft.federation.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ProtocolCodecTest {

    @Test
    void messagesRoundTripAndHaveTheDocumentedSizes() throws ProtocolException {
        SplittableRandom r = new SplittableRandom(3);
        for (int trial = 0; trial < 50; trial++) {
            RoundPlan plan = Messages.plan(r, r.nextInt(0, 4));
            byte[] p = ProtocolCodec.encode(plan);
            assertEquals(plan, ProtocolCodec.decodePlan(p));
            int sk = plan.missing().isEmpty() ? 0 : plan.missing().getFirst().scalars().size();
            assertEquals(38 + plan.missing().size() * (28 + 4 * sk), p.length);

            ClientUpload up = Messages.upload(r);
            byte[] u = ProtocolCodec.encode(up);
            assertEquals(up, ProtocolCodec.decodeUpload(u));
            assertEquals(34 + 4 * up.scalars().size(), u.length);

            RoundRecord rec = Messages.record(r);
            byte[] b = ProtocolCodec.encode(rec);
            assertEquals(rec, ProtocolCodec.decodeRecord(b));
            assertEquals(6 + 36 + 4 * rec.aggregate().scalars().size() + 12 * rec.clients().length + 13 * rec.updates().size(),
                    b.length);
        }
    }

    @Test
    void scalarsKeepTheirExactBits() throws ProtocolException {
        float[] v = {Float.MIN_VALUE, -0.0f, 0.0f, Float.MAX_VALUE, -Float.MIN_NORMAL, 1f / 3};
        ClientUpload up = new ClientUpload(1, 0, 1, StepScalars.of(2, 3, v), 0.5);
        float[] back = ProtocolCodec.decodeUpload(ProtocolCodec.encode(up)).scalars().values();
        for (int i = 0; i < v.length; i++) {
            assertEquals(Float.floatToRawIntBits(v[i]), Float.floatToRawIntBits(back[i]));
        }
    }

    @Test
    void aTypicalFedSpzoUploadIsAFewHundredBytes() {
        // S = 4 local steps of nested FedSPZO with P1 = 2, P2 = 4: 32 scalars, 34 + 128 bytes.
        ClientUpload up = new ClientUpload(7, 3, 120, StepScalars.of(4, 8, new float[32]), 0.69);
        assertEquals(162, ProtocolCodec.encode(up).length);
    }

    @Test
    void badPrefixesAreRejectedWithTheirOffset() {
        byte[] good = ProtocolCodec.encode(Messages.upload(new SplittableRandom(1)));
        byte[] magic = good.clone();
        magic[0] ^= 1;
        assertEquals(0, assertThrows(ProtocolException.class, () -> ProtocolCodec.decodeUpload(magic)).offset());
        byte[] version = good.clone();
        version[4] = 2;
        ProtocolException v = assertThrows(ProtocolException.class, () -> ProtocolCodec.decodeUpload(version));
        assertEquals(4, v.offset());
        assertTrue(v.getMessage().contains("version 2"), v.getMessage());
        // An upload is not a plan.
        ProtocolException t = assertThrows(ProtocolException.class, () -> ProtocolCodec.decodePlan(good));
        assertEquals(5, t.offset());
        assertThrows(ProtocolException.class, () -> ProtocolCodec.decodeUpload(new byte[3]));
    }

    @Test
    void everyTruncationAndAnyTrailingByteIsRejected() {
        byte[] good = ProtocolCodec.encode(Messages.record(new SplittableRandom(5)));
        for (int n = 0; n < good.length; n++) {
            byte[] cut = Arrays.copyOf(good, n);
            assertThrows(ProtocolException.class, () -> ProtocolCodec.decodeRecord(cut), "cut at " + n);
        }
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        ProtocolException e = assertThrows(ProtocolException.class, () -> ProtocolCodec.decodeRecord(longer));
        assertEquals(good.length, e.offset());
    }

    @Test
    void nonFiniteValuesAndHugeCountsAreRejectedBeforeAllocating() {
        ClientUpload up = new ClientUpload(2, 1, 10, StepScalars.of(1, 2, new float[] {1, 2}), 0.5);
        byte[] b = ProtocolCodec.encode(up);
        // Scalars start after prefix (6) + round, client, samples (12) + S, K (8).
        ByteBuffer.wrap(b).putFloat(26, Float.NaN);
        ProtocolException nan = assertThrows(ProtocolException.class, () -> ProtocolCodec.decodeUpload(b));
        assertTrue(nan.getMessage().contains("not finite"), nan.getMessage());

        byte[] huge = ProtocolCodec.encode(up);
        ByteBuffer.wrap(huge).putInt(18, ProtocolCodec.Limits.MAX_STEPS).putInt(22, ProtocolCodec.Limits.MAX_SCALARS_PER_STEP);
        ProtocolException big = assertThrows(ProtocolException.class, () -> ProtocolCodec.decodeUpload(huge));
        assertTrue(big.getMessage().contains("exceed"), big.getMessage());

        byte[] more = ProtocolCodec.encode(up);
        ByteBuffer.wrap(more).putInt(18, 1000);
        ProtocolException left = assertThrows(ProtocolException.class, () -> ProtocolCodec.decodeUpload(more));
        assertTrue(left.getMessage().contains("left"), left.getMessage());

        byte[] samples = ProtocolCodec.encode(up);
        ByteBuffer.wrap(samples).putInt(14, 0);
        assertThrows(ProtocolException.class, () -> ProtocolCodec.decodeUpload(samples));
    }

    @Test
    void aPlanWhoseMissingRoundsHaveAGapIsRejected() {
        SplittableRandom r = new SplittableRandom(9);
        RoundPlan plan = new RoundPlan(4, 1, 1, 8, 0.1,
                List.of(Messages.aggregate(r, 2, 1, 2), Messages.aggregate(r, 3, 1, 2)));
        byte[] b = ProtocolCodec.encode(plan);
        // The first missing entry's round field: prefix 6 + plan header 32.
        ByteBuffer.wrap(b).putInt(38, 1);
        ProtocolException e = assertThrows(ProtocolException.class, () -> ProtocolCodec.decodePlan(b));
        assertTrue(e.getMessage().contains("consecutive"), e.getMessage());
        assertArrayEquals(ProtocolCodec.encode(plan), ProtocolCodec.encode(new RoundPlan(4, 1, 1, 8, 0.1, plan.missing())));
    }
}
