package dev.zoft.weights;

import com.google.protobuf.WireFormat;
import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static dev.zoft.weights.OnnxFixtures.*;
import static org.junit.jupiter.api.Assertions.*;

class OnnxModelTest {
    @TempDir
    Path dir;

    /** A graph with every storage form zoft reads, plus nodes and attributes. */
    static byte[] sampleModel() {
        Proto graph = new Proto()
                .message(1, node("/layer/MatMul", "MatMul", List.of("x", "w"), List.of("y")))
                .message(1, node("/layer/Transpose", "Transpose", List.of("y"), List.of("z"), intsAttribute("perm", 1, 0)))
                .message(1, constant("shape", rawInt64("", new long[] {0, 2, 3}, 3)))
                .string(2, "sample")
                .message(5, rawFloat("w", new float[] {1, 2, 3, 4, 5, 6}, 2, 3))
                .message(5, tensorHeader("packed", FLOAT, 3).packedFloats(4, 0.5f, -1.5f, 2.5f))
                .message(5, tensorHeader("unpacked", FLOAT, 2).float32(4, 7f).float32(4, 8f))
                .message(5, tensorHeader("half", FLOAT16, 2).packedLongs(5, Float.floatToFloat16(1.5f) & 0xffff, Float.floatToFloat16(-2f) & 0xffff))
                .message(5, tensorHeader("bhalf", BFLOAT16, 2).bytes(9, new byte[] {(byte) 0x80, 0x3f, 0x00, (byte) 0xc0}))
                .message(5, rawInt64("ids", new long[] {0, 1, 2}, 1, 3))
                .message(5, tensorHeader("ext", FLOAT, 4).message(13, new Proto().string(1, "location").string(2, "w.bin")).varint(14, 1))
                .message(11, valueInfo("x"))
                .message(12, valueInfo("z"));
        return model(graph);
    }

    private Path write(byte[] bytes) throws IOException {
        Path f = dir.resolve("m.onnx");
        Files.write(f, bytes);
        return f;
    }

    @Test
    void readsGraphAndEveryStorageForm() throws IOException {
        Path f = write(sampleModel());
        try (OnnxModel m = OnnxModel.open(f)) {
            assertEquals(8, m.irVersion());
            assertEquals("zoft-test", m.producerName());
            assertEquals(17L, m.opsetImports().get(""));
            assertEquals("sample", m.graphName());
            assertEquals(List.of("x"), m.graphInputs());
            assertEquals(List.of("z"), m.graphOutputs());
            assertEquals(3, m.nodes().size());
            OnnxNode matMul = m.nodes().getFirst();
            assertEquals("MatMul", matMul.opType());
            assertEquals(List.of("x", "w"), matMul.inputs());
            assertEquals(List.of(1L, 0L), m.nodes().get(1).attribute("perm").orElseThrow().ints());
            assertEquals(matMul, m.producer("y").orElseThrow());
            assertEquals(List.of(m.nodes().get(1)), m.consumers("y"));
            assertArrayEquals(new long[] {0, 2, 3}, m.int64Values("shape"));
            assertArrayEquals(new long[] {0, 1, 2}, m.int64Values("ids"));

            Tensor w = m.tensor("w");
            assertEquals(DType.F32, w.dtype());
            assertArrayEquals(new long[] {2, 3}, w.shape());
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, w.toFloatArray());
            assertTrue(w.segment().isMapped(), "raw_data is a slice of the mapping");

            Tensor packed = m.tensor("packed");
            assertArrayEquals(new float[] {0.5f, -1.5f, 2.5f}, packed.toFloatArray());
            assertTrue(packed.segment().isMapped(), "a single packed float_data run is a slice of the mapping");

            Tensor unpacked = m.tensor("unpacked");
            assertArrayEquals(new float[] {7f, 8f}, unpacked.toFloatArray());
            assertTrue(unpacked.segment().isNative() && !unpacked.segment().isMapped(), "scattered floats are decoded off-heap");

            Tensor half = m.tensor("half");
            assertEquals(DType.F16, half.dtype());
            assertArrayEquals(new float[] {1.5f, -2f}, half.toFloatArray());

            Tensor bhalf = m.tensor("bhalf");
            assertEquals(DType.BF16, bhalf.dtype());
            assertArrayEquals(new float[] {1f, -2f}, bhalf.toFloatArray());

            assertNotNull(m.unsupportedReason(m.initializers().get("ids")));
            WeightFormatException ext = assertThrows(WeightFormatException.class, () -> m.tensor("ext"));
            assertTrue(ext.getMessage().contains("external"), ext.getMessage());
            assertTrue(ext.getMessage().contains(f.toString()), ext.getMessage());
        }
    }

    @Test
    void loadListsLoadableAndUnsupportedInitializers() throws IOException {
        Path f = write(sampleModel());
        TensorStore s = OnnxModel.load(f);
        try {
            assertEquals(List.of("w", "packed", "unpacked", "half", "bhalf"), List.copyOf(s.names()));
            assertTrue(s.unsupported().get("ids").contains("INT64"), s.unsupported().toString());
            assertTrue(s.unsupported().containsKey("ext"));
            WeightFormatException e = assertThrows(WeightFormatException.class, () -> s.get("ids"));
            assertTrue(e.getMessage().contains("INT64") && e.getMessage().contains("'ids'"), e.getMessage());
            WeightFormatException missing = assertThrows(WeightFormatException.class, () -> s.get("nope"));
            assertTrue(missing.getMessage().contains("'nope'") && missing.getMessage().contains(f.toString()));
            assertEquals("zoft-test 1", s.metadata().get("producer"));
            Tensor w = s.get("w");
            s.close();
            assertThrows(IllegalStateException.class, () -> w.getFloat(0), "unmapped memory is not readable after close");
            assertThrows(IllegalStateException.class, () -> s.get("w"));
        } finally {
            s.close();
        }
    }

    private void assertRejected(byte[] bytes, String expectedFragment) throws IOException {
        Path f = write(bytes);
        WeightFormatException e = assertThrows(WeightFormatException.class, () -> OnnxModel.load(f).close());
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expectedFragment), "'" + expectedFragment + "' not in: " + e.getMessage());
    }

    @Test
    void rejectsFilesWithoutGraph() throws IOException {
        assertRejected(new byte[0], "no graph");
        assertRejected(new Proto().varint(1, 8).toByteArray(), "no graph");
    }

    @Test
    void rejectsTruncationAnywhere() throws IOException {
        byte[] ok = sampleModel();
        for (int cut : new int[] {1, 3, ok.length / 3, ok.length / 2, ok.length - 1}) {
            Path f = write(Arrays.copyOf(ok, cut));
            assertThrows(WeightFormatException.class, () -> OnnxModel.load(f).close(), "cut at " + cut);
        }
    }

    @Test
    void rejectsLengthPastEndOfFile() throws IOException {
        byte[] bytes = new Proto().tag(7, WireFormat.WIRETYPE_LENGTH_DELIMITED).raw(new byte[] {(byte) 0xff, (byte) 0xff, 0x7f})
                .toByteArray();
        assertRejected(bytes, "past the end of the file");
    }

    @Test
    void rejectsWrongWireType() throws IOException {
        assertRejected(new Proto().varint(7, 3).toByteArray(), "wire type");
        assertRejected(model(new Proto().message(5, new Proto().string(1, "dims?").float32(2, 1f))), "wire type");
    }

    @Test
    void rejectsGroupsInsteadOfRecursingIntoThem() throws IOException {
        byte[] nested = new byte[200_000];
        Arrays.fill(nested, (byte) ((9 << 3) | WireFormat.WIRETYPE_START_GROUP));
        assertRejected(new Proto().raw(new byte[] {(byte) 0xB8, 0x06}).raw(nested).toByteArray(), "");
        assertRejected(model(new Proto().tag(3, WireFormat.WIRETYPE_START_GROUP)), "group");
    }

    @Test
    void rejectsTruncatedVarint() throws IOException {
        assertRejected(new Proto().raw(new byte[] {0x08, (byte) 0x80, (byte) 0x80}).toByteArray(), "malformed protobuf");
    }

    @Test
    void rejectsBadDims() throws IOException {
        assertRejected(model(new Proto().message(5, rawFloat("neg", new float[0], 2, -1))), "negative dimension");
        assertRejected(model(new Proto().message(5, rawFloat("big", new float[1], 1L << 40, 1L << 40))), "overflow");
        long[] manyDims = new long[100];
        Arrays.fill(manyDims, 1);
        assertRejected(model(new Proto().message(5, rawFloat("rank", new float[1], manyDims))), "dims");
    }

    @Test
    void rejectsPayloadThatDisagreesWithDims() throws IOException {
        assertRejected(model(new Proto().message(5, rawFloat("w", new float[5], 2, 3))), "raw_data holds 20 bytes");
        assertRejected(model(new Proto().message(5, tensorHeader("p", FLOAT, 4).packedFloats(4, 1, 2))), "holds 2 values");
        assertRejected(model(new Proto().message(5, tensorHeader("none", FLOAT, 4))), "no data");
        assertRejected(model(new Proto().message(5, tensorHeader("h", FLOAT16, 1).packedLongs(5, 70_000))), "16-bit");
    }

    @Test
    void rejectsDuplicateInitializers() throws IOException {
        assertRejected(model(new Proto().message(5, rawFloat("w", new float[1], 1)).message(5, rawFloat("w", new float[1], 1))),
                "two initializers named 'w'");
    }

    @Test
    void rejectsHugeNames() throws IOException {
        assertRejected(model(new Proto().message(5, rawFloat("x".repeat(70_000), new float[1], 1))), "limit");
    }
}
