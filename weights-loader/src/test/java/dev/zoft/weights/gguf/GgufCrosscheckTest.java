package dev.zoft.weights.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.weights.FuzzFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A file written by {@link GgufWriter}, as an independent reader (Hugging Face's
 * {@code @huggingface/gguf}, through {@code scripts/gguf_crosscheck.mjs}) saw it: same metadata
 * types and values, same tensor names, dims, types and offsets, same data offset. The writer must
 * still produce that file byte for byte.
 */
class GgufCrosscheckTest {
    private static final String RESOURCE = "/fixtures/gguf/";
    private static final FuzzFiles FILES = new FuzzFiles("zoft-gguf-xc");

    @AfterAll
    static void cleanUp() {
        FILES.deleteAll();
    }

    /** The fixture: every scalar type, arrays, four tensor types and a non-default alignment. */
    static void writeFixture(Path file) {
        Random r = new Random(20261126);
        try (Arena arena = Arena.ofConfined()) {
            GgufWriter w = new GgufWriter().alignment(64)
                    .putString("general.architecture", "llama")
                    .put("u8", GgufValueType.UINT8, 200).put("i8", GgufValueType.INT8, -100)
                    .put("u16", GgufValueType.UINT16, 60000).put("i16", GgufValueType.INT16, -30000)
                    .putUInt32("u32", 4_000_000_000L).putInt32("i32", -2_000_000_000)
                    .putUInt64("u64", 1L << 40).putInt64("i64", -(1L << 50))
                    .putFloat32("f32", 0.1f).putFloat64("f64", -2.75).putBool("bool", true)
                    .putString("unicode", "héllo ▁wörld 🦙")
                    .putStrings("strings", List.of("<unk>", "a b", "", "Ġthe"))
                    .putFloats("floats", new float[]{0f, -1.5f, 3.25f})
                    .putInts("ints", new int[]{1, -2, 3});
            float[] m = new float[6];
            for (int i = 0; i < 6; i++) {
                m[i] = (float) r.nextGaussian();
            }
            w.addTensor("blk.0.attn_q.weight", Tensor.of(arena, m, 2, 3));
            Tensor v = Tensor.of(arena, new float[]{1, 2, 3, 4}, 4);
            w.addTensor("f16", v, GgmlType.F16);
            float[] cube = new float[8];
            for (int i = 0; i < 8; i++) {
                cube[i] = i * 0.5f;
            }
            w.addTensor("bf16", Tensor.of(arena, cube, 2, 2, 2), GgmlType.BF16);
            float[] q = new float[128];
            for (int i = 0; i < 128; i++) {
                q[i] = (float) r.nextGaussian();
            }
            w.addTensor("q8", Tensor.of(arena, q, 2, 64), GgmlType.Q8_0);
            w.write(file);
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = GgufCrosscheckTest.class.getResourceAsStream(RESOURCE + name)) {
            assertNotNull(in, "test resource " + name + " is missing");
            return in.readAllBytes();
        }
    }

    @Test
    void theWriterStillProducesTheCrosscheckedFile() throws IOException {
        Path f = FILES.dir().resolve("crosscheck.gguf");
        writeFixture(f);
        if (Boolean.getBoolean("zoft.regenerate.fixtures")) {
            Files.copy(f, Path.of("src/test/resources" + RESOURCE + "crosscheck.gguf"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        assertArrayEquals(resource("crosscheck.gguf"), Files.readAllBytes(f));
    }

    @Test
    void readerAgreesWithHuggingFacesReader() throws IOException {
        Path f = FILES.write("fixture.gguf", resource("crosscheck.gguf"));
        JsonNode hf = new ObjectMapper().readTree(resource("crosscheck.hf-gguf.json"));
        try (GgufFile g = GgufFile.open(f)) {
            assertEquals(hf.get("tensorDataOffset").asLong(), g.dataStart());
            JsonNode meta = hf.get("metadata");
            // the JS reader adds "version", "tensor_count" and "kv_count" as pseudo-keys
            int compared = 0;
            for (Iterator<Map.Entry<String, JsonNode>> it = meta.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey();
                switch (key) {
                    case "version" -> assertEquals(g.version(), e.getValue().get("value").asInt());
                    case "tensor_count" -> assertEquals(g.tensorInfos().size(), e.getValue().get("value").asInt());
                    case "kv_count" -> assertEquals(g.metadata().size(), e.getValue().get("value").asInt());
                    default -> {
                        compareValue(g.metadata(), key, e.getValue());
                        compared++;
                    }
                }
            }
            assertEquals(g.metadata().size(), compared, "every key seen by both readers");
            JsonNode tensors = hf.get("tensors");
            assertEquals(g.tensorInfos().size(), tensors.size());
            for (int i = 0; i < tensors.size(); i++) {
                JsonNode t = tensors.get(i);
                GgufTensorInfo info = g.tensorInfos().get(i);
                assertEquals(t.get("name").asText(), info.name());
                long[] dims = new long[t.get("shape").size()];
                for (int d = 0; d < dims.length; d++) {
                    dims[d] = t.get("shape").get(d).asLong();
                }
                assertArrayEquals(dims, info.dims(), info.name());
                assertEquals(t.get("dtype").asInt(), info.type().id(), info.name());
                assertEquals(t.get("offset").asLong(), info.offset(), info.name());
            }
            assertEquals(DType.F32, g.tensors().get("q8").dtype());
        }
    }

    private static void compareValue(GgufMetadata m, String key, JsonNode hf) {
        GgufValueType type = m.type(key);
        assertEquals(hf.get("type").asInt(), type.id(), key);
        JsonNode v = hf.get("value");
        switch (type) {
            case STRING -> assertEquals(v.asText(), m.getString(key), key);
            case BOOL -> assertEquals(v.asBoolean(), m.getBool(key), key);
            case FLOAT32, FLOAT64 -> assertEquals(v.asDouble(), m.getDouble(key), key);
            case ARRAY -> {
                GgufArray a = m.getArray(key);
                assertEquals(hf.get("subType").asInt(), a.elementType().id(), key);
                assertEquals(v.size(), a.length(), key);
                for (int i = 0; i < a.length(); i++) {
                    switch (a.elementType()) {
                        case STRING -> assertEquals(v.get(i).asText(), a.getString(i), key);
                        case FLOAT32, FLOAT64 -> assertEquals(v.get(i).asDouble(), a.getDouble(i), key);
                        default -> assertEquals(v.get(i).asLong(), a.getLong(i), key);
                    }
                }
            }
            default -> assertEquals(Long.parseLong(v.asText()), m.getLong(key), key);
        }
    }
}
