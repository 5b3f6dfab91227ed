package dev.zoft.weights;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class SafetensorsTest {
    @TempDir
    Path dir;

    /** Three small tensors of the three loadable types, half-precision ones stored from F32 values. */
    static Map<String, Tensor> sampleTensors(Arena arena) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("b.half", half(arena, DType.F16, new float[] {0.5f, -1f, 2f}));
        m.put("a.weight", Tensor.of(arena, new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        m.put("c.bhalf", half(arena, DType.BF16, new float[] {1f, -2f, 3f, 4f}));
        m.put("d.empty", Tensor.allocate(arena, DType.F32, 0, 4));
        return m;
    }

    static Tensor half(Arena arena, DType type, float[] values) {
        Tensor t = Tensor.allocate(arena, type, values.length);
        for (int i = 0; i < values.length; i++) {
            short bits = type == DType.F16 ? Float.floatToFloat16(values[i]) : (short) (Float.floatToIntBits(values[i]) >>> 16);
            t.segment().setAtIndex(Tensor.U16_LE, i, bits);
        }
        return t;
    }

    static void assertSameBytes(Tensor expected, Tensor actual, String name) {
        assertEquals(expected.dtype(), actual.dtype(), name);
        assertArrayEquals(expected.shape(), actual.shape(), name);
        assertEquals(-1L, expected.segment().mismatch(actual.segment()), "bytes of " + name);
    }

    @Test
    void writesSpecLayoutAndReadsItBack() throws IOException {
        Path f = dir.resolve("t.safetensors");
        try (Arena arena = Arena.ofConfined()) {
            Map<String, Tensor> tensors = sampleTensors(arena);
            SafetensorsWriter.write(f, tensors, Map.of("format", "pt"));
            byte[] bytes = Files.readAllBytes(f);
            long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            assertEquals(0, (8 + headerLength) % 8, "data starts 8-byte aligned");
            String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
            assertTrue(header.startsWith("{\"__metadata__\":{\"format\":\"pt\"}"), header);
            assertEquals(header.stripTrailing().length() + (header.length() - header.stripTrailing().length()), header.length());
            assertTrue(header.stripTrailing().endsWith("}"), "padding is spaces after the JSON: " + header);
            // F32 first (alignment), then the 2-byte types in the caller's order.
            assertTrue(header.indexOf("a.weight") < header.indexOf("b.half") && header.indexOf("b.half") < header.indexOf("c.bhalf"));
            assertTrue(header.contains("\"a.weight\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}"), header);

            try (TensorStore s = Safetensors.open(f)) {
                assertEquals(Map.of("format", "pt"), s.metadata());
                assertEquals(tensors.keySet(), s.names());
                for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                    Tensor t = s.get(e.getKey());
                    assertSameBytes(e.getValue(), t, e.getKey());
                    assertTrue(t.segment().isMapped() || t.numel() == 0);
                }
                assertArrayEquals(new float[] {0.5f, -1f, 2f}, s.get("b.half").toFloatArray());
                assertArrayEquals(new float[] {1f, -2f, 3f, 4f}, s.get("c.bhalf").toFloatArray());
                assertEquals(List.of(f), s.files());
            }
        }
    }

    @Test
    void shardedRoundTrip() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            Map<String, Tensor> tensors = sampleTensors(arena);
            Path index = SafetensorsWriter.writeSharded(dir, tensors, Map.of("format", "pt"), 20);
            assertEquals(dir.resolve(Safetensors.INDEX_FILE_NAME), index);
            String json = Files.readString(index);
            assertTrue(json.contains("\"total_size\" : 38"), json);
            assertTrue(Files.exists(dir.resolve("model-00001-of-00003.safetensors")), "the 24-byte F32 tensor exceeds 20 bytes and gets a shard of its own");
            try (TensorStore s = Safetensors.open(dir)) {
                assertEquals(3, s.files().size());
                assertEquals(tensors.keySet(), s.names());
                tensors.forEach((n, t) -> assertSameBytes(t, s.get(n), n));
                assertEquals("38", s.metadata().get("total_size"));
            }
        }
    }

    /** Writes a safetensors file from a literal header and data, bypassing the writer. */
    private Path raw(String header, int dataBytes) throws IOException {
        return raw(header.getBytes(StandardCharsets.UTF_8), header.length(), dataBytes);
    }

    private Path raw(byte[] header, long declaredLength, int dataBytes) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declaredLength).put(header);
        Path f = dir.resolve("raw.safetensors");
        Files.write(f, b.array());
        return f;
    }

    private void assertRejected(Path f, String fragment) {
        WeightFormatException e = assertThrows(WeightFormatException.class, () -> Safetensors.open(f).close());
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), "'" + fragment + "' not in: " + e.getMessage());
    }

    @Test
    void acceptsMinimalAndUnsupportedTypes() throws IOException {
        try (TensorStore s = Safetensors.open(raw("{}", 0))) {
            assertEquals(0, s.size());
        }
        Path defaulted = dir.resolve("d.safetensors");
        try (Arena arena = Arena.ofConfined()) {
            SafetensorsWriter.write(defaulted, Map.of("w", Tensor.of(arena, new float[] {1}, 1)), Map.of("k", "v"));
        }
        try (TensorStore s = Safetensors.open(defaulted)) {
            assertEquals(Map.of("format", "pt", "k", "v"), s.metadata(), "Hugging Face needs a format");
        }
        Path f = raw("{\"ids\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[16,20]}}", 20);
        try (TensorStore s = Safetensors.open(f)) {
            assertEquals(List.of("w"), List.copyOf(s.names()));
            WeightFormatException e = assertThrows(WeightFormatException.class, () -> s.get("ids"));
            assertTrue(e.getMessage().contains("I64"), e.getMessage());
        }
    }

    @Test
    void rejectsHostileHeaders() throws IOException {
        assertRejected(Files.write(dir.resolve("short"), new byte[5]), "too short");
        assertRejected(raw(new byte[] {'{', '}'}, 1000, 0), "past the end of the file");
        assertRejected(raw(new byte[] {'{', '}'}, 200L << 20, 0), "absurd");
        assertRejected(raw(new byte[] {'{', '}'}, -1L, 0), "absurd");
        assertRejected(raw("{\"w\":", 0), "not valid JSON");
        assertRejected(raw("[1,2]", 0), "not a JSON object");
        assertRejected(raw("{} x", 0), "");
        assertRejected(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 2), "outside the data buffer");
        assertRejected(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 8), "data_offsets span 4 bytes");
        assertRejected(raw("{\"w\":{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "unknown dtype 'Q4'");
        assertRejected(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,4]}}", 4), "overflows");
        assertRejected(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4), "negative");
        assertRejected(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", 4), "outside");
        assertRejected(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4), "not a 64-bit integer");
        assertRejected(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,99999999999999999999999]}}", 4), "");
        assertRejected(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4), "lacks data_offsets");
        assertRejected(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "overlap");
        assertRejected(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "twice");
        assertRejected(raw("{\"__metadata__\":{\"k\":1}}", 0), "not a string");
        assertRejected(raw("[".repeat(5000), 0), "not");
        assertRejected(raw("{\"w\":{\"extra\":" + "[".repeat(5000) + "]".repeat(5000) + "}}", 0), "not valid JSON");
    }

    @Test
    void rejectsHostileIndexes() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            SafetensorsWriter.write(dir.resolve("s.safetensors"), Map.of("w", Tensor.of(arena, new float[] {1}, 1)), Map.of());
        }
        Path index = dir.resolve(Safetensors.INDEX_FILE_NAME);
        Files.writeString(index, "{\"weight_map\":{\"w\":\"../s.safetensors\"}}");
        assertRejected(index, "not a plain file name");
        Files.writeString(index, "{\"weight_map\":{\"w\":\"s.safetensors\",\"v\":\"s.safetensors\"}}");
        assertRejected(index, "does not hold it");
        Files.writeString(index, "{\"weight_map\":{\"w\":\"missing.safetensors\"}}");
        assertRejected(index, "which does not exist");
        Files.writeString(index, "{\"metadata\":{}}");
        assertRejected(index, "no weight_map");
        Files.writeString(index, "{\"weight_map\":{\"w\":\"s.safetensors\"}");
        assertRejected(index, "not valid JSON");
        Files.writeString(index, "{\"weight_map\":{\"w\":\"s.safetensors\"}}");
        try (TensorStore s = Safetensors.open(index)) {
            assertArrayEquals(new float[] {1}, s.get("w").toFloatArray());
        }
    }

    @Test
    void mappedTensorsSurviveOnlyWhileTheStoreIsOpen() throws IOException {
        Path f = dir.resolve("t.safetensors");
        try (Arena arena = Arena.ofConfined()) {
            SafetensorsWriter.write(f, sampleTensors(arena), Map.of());
        }
        TensorStore s = Safetensors.open(f);
        MemorySegment seg = s.get("a.weight").segment();
        assertEquals(1f, seg.get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0));
        s.close();
        s.close();
        assertThrows(IllegalStateException.class, () -> seg.get(ValueLayout.JAVA_BYTE, 0));
    }

    /** A file written by the reference implementation (scripts/make_reference_safetensors.py). */
    @Test
    void readsAFileWrittenByTheReferenceLibrary() throws Exception {
        Path f = Path.of(SafetensorsTest.class.getResource("/fixtures/reference.safetensors").toURI());
        try (TensorStore s = Safetensors.open(f)) {
            assertEquals(Map.of("format", "np", "origin", "zoft test"), s.metadata());
            assertEquals(List.of("linear.weight", "scalar", "norm.bias"), List.copyOf(s.names()));
            assertTrue(s.unsupported().get("position_ids").contains("I64"));
            Tensor w = s.get("linear.weight");
            assertArrayEquals(new long[] {3, 4}, w.shape());
            for (int i = 0; i < 12; i++) {
                assertEquals(i * 0.5f - 1f, w.getFloat(i));
            }
            assertEquals(0, s.get("scalar").rank());
            assertEquals(3.25f, s.get("scalar").getFloat(0));
            Tensor b = s.get("norm.bias");
            assertEquals(DType.F16, b.dtype());
            assertArrayEquals(new float[] {1.5f, -2.25f, Float.float16ToFloat(Float.floatToFloat16(1e-3f))}, b.toFloatArray());
        }
    }

    @Test
    void weightFilesOpensByKind() throws IOException {
        Path f = dir.resolve("t.safetensors");
        try (Arena arena = Arena.ofConfined()) {
            SafetensorsWriter.write(f, sampleTensors(arena), Map.of());
        }
        try (TensorStore s = WeightFiles.open(f)) {
            assertEquals(4, s.size());
        }
        Path other = Files.writeString(dir.resolve("w.dat"), "x");
        assertTrue(assertThrows(WeightFormatException.class, () -> WeightFiles.open(other)).getMessage().contains("unrecognised"));
        assertTrue(assertThrows(WeightFormatException.class, () -> WeightFiles.open(dir.resolve("none.onnx"))).getMessage()
                .contains("file not found"));
    }

    @Test
    void writerRejectsReservedName() {
        try (Arena arena = Arena.ofConfined()) {
            Map<String, Tensor> m = Map.of("__metadata__", Tensor.of(arena, new float[] {1}, 1));
            assertThrows(IllegalArgumentException.class, () -> SafetensorsWriter.write(dir.resolve("x.safetensors"), m, Map.of()));
        }
    }
}
