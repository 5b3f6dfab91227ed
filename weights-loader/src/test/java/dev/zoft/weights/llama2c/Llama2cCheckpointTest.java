package dev.zoft.weights.llama2c;

import dev.zoft.tensor.Tensor;
import dev.zoft.weights.FuzzFiles;
import dev.zoft.weights.TensorStore;
import dev.zoft.weights.WeightFormatException;
import dev.zoft.weights.gguf.SharedAssets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** llama2.c checkpoints: the real stories260K file, and legacy/v1 files written by the tests, intact and damaged. */
class Llama2cCheckpointTest {
    static final FuzzFiles FILES = new FuzzFiles("zoft-l2c");

    @AfterAll
    static void cleanUp() {
        FILES.deleteAll();
    }

    static Path stories260K() {
        return SharedAssets.asset("models/stories260K/stories260K.bin");
    }

    @Test
    void stories260KHeaderAndTensors() {
        try (Llama2cCheckpoint c = Llama2cCheckpoint.open(stories260K())) {
            assertEquals(0, c.version());
            assertEquals(new Llama2cConfig(64, 172, 5, 8, 4, 512, 512, true), c.config());
            assertEquals(8, c.config().headSize());
            assertEquals(32, c.config().kvDim());
            TensorStore s = c.tensors();
            assertEquals(1 + 9 * 5 + 1, s.size());
            assertFalse(s.contains(Llama2cNames.OUTPUT), "stories260K shares its classifier");
            assertEquals(c.config().parameterCount(), s.totalElements());
            assertArrayEquals(new long[]{512, 64}, s.get("tok_embeddings.weight").shape());
            assertArrayEquals(new long[]{32, 64}, s.get("layers.4.attention.wk.weight").shape());
            assertArrayEquals(new long[]{64, 172}, s.get("layers.0.feed_forward.w2.weight").shape());
            assertArrayEquals(new long[]{172, 64}, s.get("layers.0.feed_forward.w3.weight").shape());
            // Reference values from an independent numpy read of the file (float32 at offset 28).
            Tensor emb = s.get("tok_embeddings.weight");
            assertEquals(-0.29474878311157227f, emb.getFloat(0));
            assertEquals(-0.424032598733902f, emb.getFloat(emb.numel() - 1));
            assertEquals(-752.3677446640068, sum(emb), 1e-6);
            assertEquals(-0.002575756050646305f, s.get("layers.1.attention.wk.weight").getFloat(5));
            assertEquals(-0.0035068716388195753f, s.get("layers.4.feed_forward.w2.weight").getFloat(64 * 172 - 1));
            assertEquals(79.2968817949295, sum(s.get("layers.1.attention_norm.weight")), 1e-6);
            // The final norm sits just before the skipped freq_cis tables: a wrong skip would move it.
            assertEquals(115.95276230573654, sum(s.get("norm.weight")), 1e-6);
        }
    }

    private static double sum(Tensor t) {
        double s = 0;
        for (long i = 0; i < t.numel(); i++) {
            s += t.getFloat(i);
        }
        return s;
    }

    /** Random weights for {@code c} under llama2.c names, each element distinct so that a misplaced tensor shows. */
    static Map<String, Tensor> randomWeights(Arena arena, Llama2cConfig c, long seed) {
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        java.util.Random r = new java.util.Random(seed);
        for (Map.Entry<String, long[]> e : Llama2cCheckpoint.tensorShapes(c, 1).entrySet()) {
            Tensor t = Tensor.allocate(arena, dev.zoft.tensor.DType.F32, e.getValue());
            for (long i = 0; i < t.numel(); i++) {
                t.setFloat(i, (float) r.nextGaussian());
            }
            out.put(e.getKey(), t);
        }
        return out;
    }

    @Test
    void legacyAndV1RoundTripSharedAndUnshared() {
        for (boolean shared : new boolean[]{true, false}) {
            Llama2cConfig c = new Llama2cConfig(16, 24, 2, 4, 2, 11, 7, shared);
            try (Arena arena = Arena.ofConfined()) {
                Map<String, Tensor> w = randomWeights(arena, c, 3);
                assertEquals(shared, !w.containsKey(Llama2cNames.OUTPUT));
                for (int version = 0; version <= 1; version++) {
                    Path f = FILES.dir().resolve("rt" + version + shared + ".bin");
                    Llama2cWriter.write(f, c, w, version);
                    try (Llama2cCheckpoint ck = Llama2cCheckpoint.open(f)) {
                        assertEquals(version, ck.version());
                        assertEquals(c, ck.config());
                        assertEquals(w.keySet(), ck.tensors().names());
                        for (String name : w.keySet()) {
                            assertArrayEquals(w.get(name).toFloatArray(), ck.tensors().get(name).toFloatArray(), name);
                        }
                    }
                }
            }
        }
    }

    @Test
    void v1HeaderLayoutIsExportPys() throws IOException {
        Llama2cConfig c = new Llama2cConfig(8, 12, 1, 2, 1, 5, 3, false);
        try (Arena arena = Arena.ofConfined()) {
            Path f = FILES.dir().resolve("v1.bin");
            Llama2cWriter.write(f, c, randomWeights(arena, c, 1), 1);
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
            // struct.pack('I', 0x616b3432) on a little-endian machine: the bytes read "24ka".
            assertEquals('2', b.get(0));
            assertEquals('4', b.get(1));
            assertEquals('k', b.get(2));
            assertEquals('a', b.get(3));
            assertEquals(1, b.getInt(4));
            assertEquals(8, b.getInt(8));
            assertEquals(5, b.getInt(28), "v1 keeps vocab_size positive");
            assertEquals(0, b.get(36), "unshared classifier flag");
            assertEquals(256 + 4L * c.parameterCount(), b.capacity());
        }
    }

    private static String rejected(byte[] bytes, String... fragments) {
        Path f = FILES.write("bad.bin", bytes);
        WeightFormatException e = assertThrows(WeightFormatException.class, () -> Llama2cCheckpoint.open(f).close());
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + fragment + "' missing from: " + e.getMessage());
        }
        return e.getMessage();
    }

    private static byte[] ints(int... v) {
        ByteBuffer b = ByteBuffer.allocate(Math.max(4 * v.length, 28)).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : v) {
            b.putInt(x);
        }
        return b.array();
    }

    @Test
    void damagedFilesAreRejectedWithTheReason() throws IOException {
        byte[] good = Files.readAllBytes(stories260K());
        rejected(Arrays.copyOf(good, 10), "too short");
        rejected(Arrays.copyOf(good, good.length - 4), "implies 1056540 bytes");
        rejected(Arrays.copyOf(good, good.length + 1), "file is 1056541 bytes");
        rejected(ints(0, 172, 5, 8, 4, 512, 512), "dim is 0");
        rejected(ints(64, 172, 5, 8, 3, 512, 512), "not a multiple of n_kv_heads");
        rejected(ints(63, 172, 5, 7, 7, 512, 512), "head size 9 is odd");
        rejected(ints(1 << 30, Integer.MAX_VALUE, Integer.MAX_VALUE, 2, 2, Integer.MAX_VALUE, 512), "implies more than 2^63");
        rejected(ints(2, 2, Integer.MAX_VALUE, 1, 1, 1, 1), "implies");
        rejected(ints(64, 172, 5, 8, 4, Integer.MIN_VALUE, 512), "absurd");
        rejected(Arrays.copyOf(ints(Llama2cCheckpoint.MAGIC, 2, 64, 172, 5, 8, 4, 512, 512), 300), "version 2", "int8");
        byte[] v1 = Arrays.copyOf(ints(Llama2cCheckpoint.MAGIC, 1, 64, 172, 5, 8, 4, 512, 512), 256);
        rejected(Arrays.copyOf(v1, 100), "too short for a llama2.c v1 header");
        rejected(v1, "implies");
        v1[36] = 7;
        rejected(v1, "flag is 7");
        v1[36] = 1;
        ByteBuffer.wrap(v1).order(ByteOrder.LITTLE_ENDIAN).putInt(28, -512);
        rejected(v1, "vocab_size is -512");
        rejected(new byte[0], "too short");
    }

    @Test
    void writerChecksShapes() {
        Llama2cConfig c = new Llama2cConfig(8, 12, 1, 2, 1, 5, 3, true);
        try (Arena arena = Arena.ofConfined()) {
            Map<String, Tensor> w = new java.util.LinkedHashMap<>(randomWeights(arena, c, 1));
            w.put("norm.weight", Tensor.allocate(arena, dev.zoft.tensor.DType.F32, 9));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Llama2cWriter.write(FILES.dir().resolve("x.bin"), c, w, 1));
            assertTrue(e.getMessage().contains("norm.weight"), e.getMessage());
        }
    }
}
