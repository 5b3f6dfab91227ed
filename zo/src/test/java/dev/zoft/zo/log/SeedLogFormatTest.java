package dev.zoft.zo.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.random.Distribution;
import dev.zoft.zo.params.Scope;
import dev.zoft.zo.params.Update;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeedLogFormatTest {

    static SeedLog sample() {
        byte[] digest = new byte[32];
        for (int i = 0; i < 32; i++) {
            digest[i] = (byte) (i * 7 + 1);
        }
        SeedLog log = new SeedLog(new SeedLog.Header("all-MiniLM-L6-v2 ✓", digest, Distribution.RADEMACHER,
                "layers 0-2 | layers 3-5 + head", 22_713_216L));
        log.append(new Update(Scope.BLOCK1, -1L, -1.5e-7f));
        log.append(new Update(Scope.BLOCK2, Long.MIN_VALUE, 3.25f));
        log.append(new Update(Scope.ALL, 0x0123456789ABCDEFL, -0.0f));
        return log;
    }

    private static int headerEnd(byte[] bytes) {
        int h = ((bytes[6] & 0xFF) << 24) | ((bytes[7] & 0xFF) << 16) | ((bytes[8] & 0xFF) << 8) | (bytes[9] & 0xFF);
        return 14 + h;
    }

    @Test
    void roundTripsEveryFieldBitForBit() throws Exception {
        SeedLog log = sample();
        byte[] bytes = log.toBytes();
        assertEquals(log.byteSize(), bytes.length);
        assertEquals(headerEnd(bytes) + 3 * SeedLog.RECORD_BYTES, bytes.length);
        SeedLog back = SeedLog.read(bytes, "sample");
        assertEquals(log.header(), back.header());
        assertEquals(log.updates(), back.updates());
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(back.updates().get(2).coefficient()));
        assertEquals("01080f161d242b323940474e555c636a71787f868d949ba2a9b0b7bec5ccd3da", back.header().weightsSha256Hex());
    }

    @Test
    void pinsTheRecordLayout() throws Exception {
        SeedLog log = new SeedLog(sample().header());
        log.append(new Update(Scope.BLOCK2, 0x0102030405060708L, 1.0f));
        byte[] bytes = log.toBytes();
        byte[] record = Arrays.copyOfRange(bytes, headerEnd(bytes), bytes.length);
        // scope 2, seed big-endian, 1.0f = 0x3F800000, then CRC32 of those 13 bytes.
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(record, 0, 13);
        assertEquals("02" + "0102030405060708" + "3f800000" + String.format("%08x", crc.getValue()),
                HexFormat.of().formatHex(record));
        assertEquals("5a4f534c0001", HexFormat.of().formatHex(bytes, 0, 6));
    }

    @Test
    void aTornLastRecordIsRejectedOrDroppedAndReported() throws Exception {
        byte[] bytes = sample().toBytes();
        for (int cut = 1; cut < SeedLog.RECORD_BYTES; cut++) {
            byte[] torn = Arrays.copyOf(bytes, bytes.length - cut);
            SeedLogFormatException e = assertThrows(SeedLogFormatException.class, () -> SeedLog.read(torn, "torn.zosl"));
            assertTrue(e.getMessage().contains("torn last record"), e.getMessage());
            assertTrue(e.getMessage().startsWith("torn.zosl at byte " + (bytes.length - SeedLog.RECORD_BYTES)), e.getMessage());
            SeedLog.Recovered r = SeedLog.readRecovering(torn, "torn.zosl");
            assertEquals(2, r.log().size());
            assertEquals(SeedLog.RECORD_BYTES - cut, r.droppedBytes());
            assertEquals(bytes.length - SeedLog.RECORD_BYTES, r.validBytes());
        }
    }

    @Test
    void corruptionIsReportedWithItsPlace() {
        byte[] bytes = sample().toBytes();
        int records = headerEnd(bytes);

        byte[] flipped = bytes.clone();
        flipped[records + SeedLog.RECORD_BYTES + 3] ^= 0x10; // inside record 1's seed
        assertMessage(flipped, "at byte " + (records + SeedLog.RECORD_BYTES) + ": checksum mismatch in record 1");
        // A bad checksum before the last record is corruption, not a torn write: recovery refuses too.
        assertThrows(SeedLogFormatException.class, () -> SeedLog.readRecovering(flipped, "x"));

        byte[] magic = bytes.clone();
        magic[0] = 'X';
        assertMessage(magic, "not a zoft seed log");
        byte[] version = bytes.clone();
        version[5] = 9;
        assertMessage(version, "unsupported seed log version 9");
        byte[] header = bytes.clone();
        header[12] ^= 1;
        assertMessage(header, "header checksum mismatch");
        byte[] hugeHeader = bytes.clone();
        hugeHeader[6] = 0x7F;
        assertMessage(hugeHeader, "header length");
        assertMessage(Arrays.copyOf(bytes, 5), "file too short");
        assertMessage("not a log at all, just some text".getBytes(StandardCharsets.UTF_8), "not a zoft seed log");
    }

    @Test
    void aBadScopeOrNonFiniteCoefficientWithAValidChecksumIsRejected() {
        SeedLog log = new SeedLog(sample().header());
        log.append(new Update(Scope.ALL, 5L, 1f));
        byte[] bytes = log.toBytes();
        int at = headerEnd(bytes);
        byte[] scope = bytes.clone();
        scope[at] = 9;
        fixCrc(scope, at);
        assertMessage(scope, "unknown scope code 9");
        byte[] nan = bytes.clone();
        nan[at + 9] = 0x7F;
        nan[at + 10] = (byte) 0xC0;
        fixCrc(nan, at);
        assertMessage(nan, "non-finite coefficient");
    }

    @Test
    void aWriterResumesAfterATornRecordByCuttingItOff(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("log.zosl");
        SeedLog log = sample();
        try (SeedLogWriter w = SeedLogWriter.create(file, log.header())) {
            assertNull(w.recovered());
            w.appendAll(log.updates());
        }
        // Simulate a kill after 5 bytes of a fourth record.
        Files.write(file, new byte[] {1, 2, 3, 4, 5}, java.nio.file.StandardOpenOption.APPEND);
        assertThrows(SeedLogFormatException.class, () -> SeedLog.read(file));
        try (SeedLogWriter w = SeedLogWriter.resume(file)) {
            assertEquals(5, w.recovered().droppedBytes());
            assertEquals(3, w.records());
            w.append(new Update(Scope.BLOCK1, 42L, 0.5f));
        }
        SeedLog back = SeedLog.read(file);
        assertEquals(4, back.size());
        assertEquals(new Update(Scope.BLOCK1, 42L, 0.5f), back.updates().get(3));
        assertEquals(log.updates(), back.updates().subList(0, 3));
    }

    @Test
    void headerForAWeightsFileHashesIt(@TempDir Path dir) throws Exception {
        Path weights = dir.resolve("w.bin");
        Files.writeString(weights, "abc");
        SeedLog.Header h = SeedLog.Header.forWeightsFile("m", weights, Distribution.GAUSSIAN, "all", 3);
        // SHA-256("abc"), FIPS 180-2 test vector.
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", h.weightsSha256Hex());
        assertArrayEquals(h.weightsSha256(), SeedLog.read(new SeedLog(h).toBytes(), "h").header().weightsSha256());
        assertThrows(IllegalArgumentException.class, () -> new SeedLog.Header("m", new byte[31], Distribution.GAUSSIAN, "s", 1));
        assertEquals(List.of(), new SeedLog(h).updates());
    }

    private static void fixCrc(byte[] bytes, int at) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(bytes, at, 13);
        int v = (int) crc.getValue();
        bytes[at + 13] = (byte) (v >>> 24);
        bytes[at + 14] = (byte) (v >>> 16);
        bytes[at + 15] = (byte) (v >>> 8);
        bytes[at + 16] = (byte) v;
    }

    private static void assertMessage(byte[] bytes, String expected) {
        SeedLogFormatException e = assertThrows(SeedLogFormatException.class, () -> SeedLog.read(bytes, "bad.zosl"));
        assertTrue(e.getMessage().startsWith("bad.zosl at byte "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }
}
