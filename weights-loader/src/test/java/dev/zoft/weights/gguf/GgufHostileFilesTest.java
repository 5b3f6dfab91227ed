package dev.zoft.weights.gguf;

import dev.zoft.weights.FuzzFiles;
import dev.zoft.weights.TensorStore;
import dev.zoft.weights.WeightFormatException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each kind of damage a GGUF file can carry is reported as a WeightFormatException that names it. */
class GgufHostileFilesTest {
    private static final FuzzFiles FILES = new FuzzFiles("zoft-gguf-bad");

    @AfterAll
    static void cleanUp() {
        FILES.deleteAll();
    }

    private static String rejected(byte[] bytes, String... expectedFragments) {
        Path f = FILES.write("bad.gguf", bytes);
        WeightFormatException e = assertThrows(WeightFormatException.class, () -> {
            try (GgufFile g = GgufFile.open(f)) {
                g.tensors();
            }
        });
        assertTrue(e.getMessage().startsWith(f.toString()), "the message names the file: " + e.getMessage());
        for (String fragment : expectedFragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + fragment + "' missing from: " + e.getMessage());
        }
        return e.getMessage();
    }

    private static GgufFile opened(byte[] bytes) {
        return GgufFile.open(FILES.write("ok.gguf", bytes));
    }

    @Test
    void emptyAndTinyFiles() {
        rejected(new byte[0], "magic");
        rejected(new byte[]{'G', 'G', 'U'}, "magic");
        rejected(new byte[]{'G', 'G', 'U', 'F'}, "version");
        rejected(java.util.Arrays.copyOf(RawGguf.header(3, 0, 0).bytes(), 20), "metadata count");
    }

    @Test
    void badMagic() {
        byte[] b = RawGguf.header(3, 0, 0).bytes();
        b[0] = 'g';
        rejected(b, "not a GGUF file");
    }

    @Test
    void versionOneIsRejectedWithAReason() {
        rejected(RawGguf.header(1, 0, 0).bytes(), "version 1 is not supported", "re-convert");
    }

    @Test
    void unknownAndBigEndianVersions() {
        rejected(RawGguf.header(4, 0, 0).bytes(), "version 4");
        rejected(RawGguf.header(0, 0, 0).bytes(), "version 0");
        rejected(RawGguf.header(Integer.reverseBytes(3), 0, 0).bytes(), "big-endian");
    }

    @Test
    void versionTwoAndThreeWithNothingInThemRead() {
        for (int v = 2; v <= 3; v++) {
            try (GgufFile g = opened(RawGguf.header(v, 0, 0).bytes())) {
                assertEquals(v, g.version());
                assertEquals(0, g.metadata().size());
            }
        }
    }

    @Test
    void countsPastTheEndOfTheFile() {
        rejected(RawGguf.header(3, 0, 1L << 40).bytes(), "metadata count", "cannot fit");
        rejected(RawGguf.header(3, 0, -1).bytes(), "metadata count");
        rejected(RawGguf.header(3, 1L << 40, 0).bytes(), "tensor count", "cannot fit");
        rejected(RawGguf.header(3, 0, 2).kvU32("a", 1).u64(500).u64(0).bytes(), "metadata key #1", "claims 500");
    }

    @Test
    void stringLengths() {
        rejected(RawGguf.header(3, 0, 1).u64(1000).u64(0).u64(0).bytes(), "metadata key #0", "claims 1000 bytes");
        rejected(RawGguf.header(3, 0, 1).u64(Long.MIN_VALUE).u32(0).u32(0).bytes(), "claims 9223372036854775808 bytes");
        rejected(RawGguf.header(3, 0, 1).string("k").u32(GgufValueType.STRING.id()).u64(1L << 33).bytes(), "value of 'k'", "claims");
    }

    @Test
    void unknownValueTypes() {
        rejected(RawGguf.header(3, 0, 1).string("k").u32(13).u64(0).bytes(), "'k'", "unknown value type 13");
        rejected(RawGguf.header(3, 0, 1).string("k").u32(-1).u64(0).bytes(), "unknown value type 4294967295");
        rejected(RawGguf.header(3, 0, 1).string("k").u32(GgufValueType.ARRAY.id()).u32(77).u64(0).bytes(),
                "array 'k'", "unknown value type 77");
    }

    @Test
    void arrayLengthsAndNesting() {
        rejected(RawGguf.header(3, 0, 1).string("k").u32(GgufValueType.ARRAY.id())
                .u32(GgufValueType.UINT32.id()).u64(1L << 50).bytes(), "array 'k'", "cannot fit");
        rejected(RawGguf.header(3, 0, 1).string("k").u32(GgufValueType.ARRAY.id())
                .u32(GgufValueType.STRING.id()).u64(3).u64(0).u64(0).bytes(), "array 'k'", "cannot fit");
        RawGguf deep = RawGguf.header(3, 0, 1).string("k").u32(GgufValueType.ARRAY.id());
        for (int i = 0; i < GgufFile.MAX_ARRAY_DEPTH + 2; i++) {
            deep.u32(GgufValueType.ARRAY.id()).u64(1);
        }
        deep.u32(GgufValueType.UINT8.id()).u64(0);
        rejected(deep.bytes(), "nests arrays deeper than " + GgufFile.MAX_ARRAY_DEPTH);
        // A nested array that the limit allows reads back.
        RawGguf ok = RawGguf.header(3, 0, 1).string("k").u32(GgufValueType.ARRAY.id())
                .u32(GgufValueType.ARRAY.id()).u64(1).u32(GgufValueType.INT32.id()).u64(2).u32(7).u32(-8);
        try (GgufFile g = opened(ok.bytes())) {
            GgufArray inner = g.metadata().getArray("k").getArray(0);
            assertEquals(-8, inner.getLong(1));
        }
    }

    @Test
    void metadataThatWouldExhaustTheHeapIsRefused() {
        // 20,000 one-letter strings: 180 KB in the file, ~1.1 MB as Java Strings.
        RawGguf b = RawGguf.header(3, 0, 1).string("tokens").u32(GgufValueType.ARRAY.id()).u32(GgufValueType.STRING.id()).u64(20_000);
        for (int i = 0; i < 20_000; i++) {
            b.string("a");
        }
        Path f = FILES.write("heap.gguf", b.bytes());
        WeightFormatException e = assertThrows(WeightFormatException.class, () -> GgufFile.open(f, 500_000));
        assertTrue(e.getMessage().contains("500000 bytes of heap") && e.getMessage().contains("tokens"), e.getMessage());
        try (GgufFile g = GgufFile.open(f, 2_000_000)) {
            assertEquals(20_000, g.metadata().getStringArray("tokens").size());
        }
    }

    @Test
    void boolsAreZeroOrOne() {
        rejected(RawGguf.header(3, 0, 1).string("b").u32(GgufValueType.BOOL.id()).u8(2).bytes(), "'b'", "neither 0 nor 1");
    }

    @Test
    void duplicateKeysAndTensors() {
        rejected(RawGguf.header(3, 0, 2).kvU32("a", 1).kvU32("a", 2).bytes(), "'a' appears twice");
        rejected(RawGguf.header(3, 2, 0).tensor("t", GgmlType.F32, 0, 8).tensor("t", GgmlType.F32, 32, 8).data(32, 64).bytes(),
                "two tensors named 't'");
    }

    @Test
    void alignment() {
        rejected(RawGguf.header(3, 0, 1).kvU32(GgufFile.ALIGNMENT_KEY, 3).bytes(), "not a power of two");
        rejected(RawGguf.header(3, 0, 1).kvU32(GgufFile.ALIGNMENT_KEY, 0).bytes(), "not a power of two");
        rejected(RawGguf.header(3, 0, 1).kvU32(GgufFile.ALIGNMENT_KEY, 1 << 31).bytes(), "not a power of two");
        rejected(RawGguf.header(3, 0, 1).string(GgufFile.ALIGNMENT_KEY).u32(GgufValueType.STRING.id()).string("32").bytes(),
                "general.alignment is STRING");
        try (GgufFile g = opened(RawGguf.header(3, 1, 1).kvU32(GgufFile.ALIGNMENT_KEY, 8)
                .tensor("t", GgmlType.F32, 0, 2).data(8, 8).bytes())) {
            assertEquals(8, g.alignment());
            assertEquals(0, g.dataStart() % 8);
        }
    }

    @Test
    void tensorOffsets() {
        rejected(RawGguf.header(3, 1, 0).tensor("t", GgmlType.F32, 4, 8).data(32, 64).bytes(), "offset 4", "alignment 32");
        rejected(RawGguf.header(3, 1, 0).tensor("t", GgmlType.F32, 64, 8).data(32, 64).bytes(), "'t'", "runs past the end");
        rejected(RawGguf.header(3, 1, 0).tensor("t", GgmlType.F32, 0, 8).data(32, 31).bytes(), "runs past the end");
        rejected(RawGguf.header(3, 1, 0).tensor("t", GgmlType.F32, Long.MIN_VALUE, 8).data(32, 32).bytes(), "offset");
        rejected(RawGguf.header(3, 1, 0).tensor("t", GgmlType.F32, 0, 8).bytes(), "past the end");
        rejected(RawGguf.header(3, 2, 0).tensor("a", GgmlType.F32, 0, 16).tensor("b", GgmlType.F32, 32, 8).data(32, 96).bytes(),
                "'a' and 'b' overlap");
    }

    @Test
    void tensorTypesAndDims() {
        rejected(RawGguf.header(3, 1, 0).string("t").u32(1).u64(8).u32(4).u64(0).data(32, 32).bytes(), "unknown GGML type 4");
        rejected(RawGguf.header(3, 1, 0).string("t").u32(1).u64(8).u32(999).u64(0).data(32, 32).bytes(), "unknown GGML type 999");
        rejected(RawGguf.header(3, 1, 0).tensor("t", GgmlType.F32, 0, 1, 1, 1, 1, 1).data(32, 4).bytes(), "5 dimensions");
        rejected(RawGguf.header(3, 1, 0).tensor("t", GgmlType.F32, 0, 1L << 62, 4).data(32, 4).bytes(), "overflows 64 bits");
        rejected(RawGguf.header(3, 1, 0).tensor("t", GgmlType.F32, 0, -1L).data(32, 4).bytes(), "above 2^63");
        rejected(RawGguf.header(3, 1, 0).tensor("t", GgmlType.Q8_0, 0, 16, 2).data(32, 68).bytes(),
                "row length 16 is not a multiple of the Q8_0 block size 32");
        rejected(RawGguf.header(3, 1, 0).string("t").u32(-1).u64(0).u64(0).bytes(), "4294967295 dimensions");
    }

    @Test
    void knownButUnloadableTypesAreListedNotLoaded() {
        byte[] b = RawGguf.header(3, 2, 0).tensor("q4", GgmlType.Q4_K, 0, 256).tensor("f", GgmlType.F32, 160, 4)
                .data(32, 160 + 16).bytes();
        try (GgufFile g = opened(b)) {
            TensorStore s = g.tensors();
            assertEquals(1, s.size());
            assertTrue(s.unsupported().get("q4").contains("Q4_K"));
            WeightFormatException e = assertThrows(WeightFormatException.class, () -> s.get("q4"));
            assertTrue(e.getMessage().contains("not loadable"), e.getMessage());
            assertEquals(144, g.data(g.tensorInfo("q4")).byteSize());
        }
    }

    @Test
    void closingTheStoreClosesTheFileAndTheOtherWayRound() {
        byte[] b = RawGguf.header(3, 1, 0).tensor("f", GgmlType.F32, 0, 4).data(32, 16).bytes();
        GgufFile g = opened(b);
        TensorStore s = g.tensors();
        var t = s.get("f");
        s.close();
        assertThrows(IllegalStateException.class, () -> t.getFloat(0));
        assertThrows(IllegalStateException.class, g::tensors);
        g.close();
        GgufFile h = opened(b);
        TensorStore s2 = h.tensors();
        h.close();
        assertTrue(s2.isClosed());
    }
}
