package dev.zoft.weights.gguf;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.weights.FuzzFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The writer against llama.cpp's own files and against hand-computed encodings. */
class GgufWriterTest {
    private static final FuzzFiles FILES = new FuzzFiles("zoft-gguf-w");

    @AfterAll
    static void cleanUp() {
        FILES.deleteAll();
    }

    /** Reading a llama.cpp file and writing its metadata back gives the very same bytes. */
    @ParameterizedTest
    @ValueSource(strings = {"ggml-vocab-gpt-2.gguf", "ggml-vocab-llama-spm.gguf", "ggml-vocab-bert-bge.gguf",
            "ggml-vocab-phi-3.gguf", "ggml-vocab-qwen2.gguf", "ggml-vocab-llama-bpe.gguf"})
    void rewritingAVocabFileReproducesItByteForByte(String file) throws IOException {
        Path original = SharedAssets.asset("vocab/" + file);
        Path copy = FILES.dir().resolve(file);
        try (GgufFile g = GgufFile.open(original)) {
            new GgufWriter().version(g.version()).putAll(g.metadata()).write(copy);
        }
        byte[] a = Files.readAllBytes(original);
        byte[] b = Files.readAllBytes(copy);
        assertEquals(a.length, b.length);
        assertEquals(-1, java.util.Arrays.mismatch(a, b), "first differing byte");
    }

    @Test
    void aRowMajorMatrixReadsBackIdenticallyWithReversedDims() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor m = Tensor.of(arena, new float[]{0, 1, 2, 3, 4, 5}, 2, 3);
            Path f = FILES.dir().resolve("matrix.gguf");
            new GgufWriter().addTensor("m", m).write(f);
            try (GgufFile g = GgufFile.open(f)) {
                GgufTensorInfo info = g.tensorInfo("m");
                assertArrayEquals(new long[]{3, 2}, info.dims(), "ne[0] is the row length");
                assertArrayEquals(new long[]{2, 3}, info.shape());
                Tensor t = g.tensors().get("m");
                assertArrayEquals(new long[]{2, 3}, t.shape());
                assertArrayEquals(new float[]{0, 1, 2, 3, 4, 5}, t.toFloatArray());
                assertEquals(2f * 3 + 2, t.getFloat(1 * 3 + 2) + 3, "row 1, column 2");
            }
        }
    }

    @Test
    void q8_0BlockMatchesAHandComputedEncoding() {
        float[] x = new float[32];
        for (int j = 0; j < 32; j++) {
            x[j] = j - 16; // amax 16: d = 16/127, q = round(x * 127/16)
        }
        try (Arena arena = Arena.ofConfined()) {
            Path f = FILES.dir().resolve("q8.gguf");
            new GgufWriter().addTensor("q", Tensor.of(arena, x, 1, 32), GgmlType.Q8_0).write(f);
            try (GgufFile g = GgufFile.open(f)) {
                MemorySegment raw = g.data(g.tensorInfo("q"));
                assertEquals(34, raw.byteSize());
                short d = raw.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 0);
                assertEquals(Float.floatToFloat16(16f / 127f), d);
                float scale = Float.float16ToFloat(d);
                float[] y = g.tensors().get("q").toFloatArray();
                for (int j = 0; j < 32; j++) {
                    // 127/16 = 7.9375: x = -16 -> -127, -1 -> -7.9375 -> -8, 1 -> 8, 15 -> 119.06 -> 119
                    long q = Math.round(Math.abs(x[j]) * 127.0 / 16.0) * (long) Math.signum(x[j]);
                    assertEquals(q, raw.get(ValueLayout.JAVA_BYTE, 2 + j), "q[" + j + "]");
                    assertEquals(scale * q, y[j], "element " + j);
                }
                assertEquals(-127, raw.get(ValueLayout.JAVA_BYTE, 2));
                assertEquals(0, raw.get(ValueLayout.JAVA_BYTE, 2 + 16));
            }
        }
    }

    @Test
    void roundingHalfAwayFromZeroAsGgmlDoes() {
        // amax 127 makes d = 1 and id = 1, so the codes are round(x) exactly: ties go away from zero.
        float[] x = new float[32];
        x[0] = 127f;
        x[1] = 2.5f;
        x[2] = -2.5f;
        x[3] = 0.5f;
        x[4] = -0.49f;
        try (Arena arena = Arena.ofConfined()) {
            Path f = FILES.dir().resolve("ties.gguf");
            new GgufWriter().addTensor("q", Tensor.of(arena, x, 32), GgmlType.Q8_0).write(f);
            try (GgufFile g = GgufFile.open(f)) {
                assertArrayEquals(new float[]{127, 3, -3, 1, 0f}, java.util.Arrays.copyOf(g.tensors().get("q").toFloatArray(), 5));
            }
        }
    }

    @Test
    void bf16AndF16Conversions() {
        assertEquals((short) 0x3f80, GgufWriter.toBf16(1.0f));
        // 1 + 2^-8 is a tie between 1 and 1 + 2^-7: round to even keeps 1.0
        assertEquals((short) 0x3f80, GgufWriter.toBf16(Float.intBitsToFloat(0x3f808000)));
        // 1 + 3 * 2^-8 ties between 1 + 2^-7 (odd) and 1 + 2^-6 (even): rounds up to even
        assertEquals((short) 0x3f82, GgufWriter.toBf16(Float.intBitsToFloat(0x3f818000)));
        assertTrue(Float.isNaN(Float.intBitsToFloat(GgufWriter.toBf16(Float.NaN) << 16)));
        assertEquals((short) 0x7f80, GgufWriter.toBf16(Float.POSITIVE_INFINITY));
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = Tensor.of(arena, new float[]{1f, -2.5f, 1e-3f, 65504f}, 4);
            Path f = FILES.dir().resolve("conv.gguf");
            new GgufWriter().addTensor("h", t, GgmlType.F16).addTensor("b", t, GgmlType.BF16).write(f);
            try (GgufFile g = GgufFile.open(f)) {
                Tensor h = g.tensors().get("h");
                Tensor b = g.tensors().get("b");
                assertEquals(DType.F16, h.dtype());
                assertEquals(DType.BF16, b.dtype());
                for (int i = 0; i < 4; i++) {
                    assertEquals(Float.float16ToFloat(Float.floatToFloat16(t.getFloat(i))), h.getFloat(i));
                    assertEquals(Float.intBitsToFloat(GgufWriter.toBf16(t.getFloat(i)) << 16), b.getFloat(i));
                }
            }
        }
    }

    @Test
    void metadataValuesAreChecked() {
        GgufWriter w = new GgufWriter();
        assertThrows(IllegalArgumentException.class, () -> w.put("a", GgufValueType.UINT8, 256));
        assertThrows(IllegalArgumentException.class, () -> w.put("a", GgufValueType.INT8, -129));
        assertThrows(IllegalArgumentException.class, () -> w.put("a", GgufValueType.UINT32, -1L));
        assertThrows(IllegalArgumentException.class, () -> w.put("a", GgufValueType.UINT32, 1.5));
        assertThrows(IllegalArgumentException.class, () -> w.put("a", GgufValueType.STRING, 3));
        assertThrows(IllegalArgumentException.class, () -> w.put("a", GgufValueType.ARRAY, "x"));
        assertThrows(IllegalArgumentException.class, () -> w.alignment(48));
        assertThrows(IllegalArgumentException.class, () -> w.put(GgufFile.ALIGNMENT_KEY, GgufValueType.STRING, "64"));
        assertThrows(IllegalArgumentException.class, () -> w.version(1));
        assertThrows(IllegalArgumentException.class, () -> GgufArray.of(GgufValueType.INT32, new long[0]));
        assertThrows(IllegalArgumentException.class, () -> GgufArray.of(GgufValueType.STRING, List.of(1)));
    }

    @Test
    void tensorsAreChecked() {
        try (Arena arena = Arena.ofConfined()) {
            GgufWriter w = new GgufWriter().addTensor("a", Tensor.of(arena, new float[4], 4));
            assertThrows(IllegalArgumentException.class, () -> w.addTensor("a", Tensor.of(arena, new float[4], 4)));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> w.addTensor("q", Tensor.of(arena, new float[48], 3, 16), GgmlType.Q8_0));
            assertTrue(e.getMessage().contains("block size 32"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> w.addTensor("k", Tensor.of(arena, new float[256], 256), GgmlType.Q4_K));
            assertThrows(IllegalArgumentException.class, () -> w.addTensor("r", Tensor.of(arena, new float[1], 1, 1, 1, 1, 1)));
            assertThrows(IllegalArgumentException.class, () -> w.addRaw("raw", GgmlType.Q4_K, new long[]{256}, arena.allocate(10)));
        }
    }

    @Test
    void settingAKeyAgainReplacesItInPlaceAndAlignmentIsRecorded() {
        Path f = FILES.dir().resolve("keys.gguf");
        new GgufWriter().putString("a", "1").putInt32("b", 2).putString("a", "3").alignment(64).write(f);
        try (GgufFile g = GgufFile.open(f)) {
            assertEquals(List.of("a", "b", GgufFile.ALIGNMENT_KEY), List.copyOf(g.metadata().keys()));
            assertEquals("3", g.metadata().getString("a"));
            assertEquals(GgufValueType.UINT32, g.metadata().type(GgufFile.ALIGNMENT_KEY));
            assertEquals(64, g.alignment());
        }
    }
}
