package dev.zoft.weights.gguf;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.weights.FuzzFiles;
import dev.zoft.weights.TensorStore;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reader ∘ writer is the identity: metadata of every type, tensors of every written type, any alignment and version. */
class GgufRoundTripProperties {
    private static final FuzzFiles FILES = new FuzzFiles("zoft-gguf-rt");

    @AfterContainer
    static void cleanUp() {
        FILES.deleteAll();
    }

    @Property(tries = 150)
    void metadataOfEveryTypeRoundTrips(@ForAll long seed, @ForAll @IntRange(min = 0, max = 30) int keys,
                                       @ForAll @IntRange(min = 2, max = 3) int version) {
        RandomGguf r = new RandomGguf(seed);
        GgufWriter w = new GgufWriter().version(version);
        Map<String, Object> expected = new LinkedHashMap<>();
        Map<String, GgufValueType> types = new LinkedHashMap<>();
        for (int i = 0; i < keys; i++) {
            GgufValueType t = r.anyType(true);
            Object v = r.value(t, 0);
            String key = "k" + i + "." + r.string();
            w.put(key, t, v);
            expected.put(key, v);
            types.put(key, t);
        }
        Path f = FILES.dir().resolve("meta.gguf");
        w.write(f);
        try (GgufFile g = GgufFile.open(f)) {
            assertEquals(version, g.version());
            assertEquals(List.copyOf(expected.keySet()), List.copyOf(g.metadata().keys()), "keys in insertion order");
            for (String key : expected.keySet()) {
                assertEquals(types.get(key), g.metadata().type(key), key);
                assertEquals(expected.get(key), g.metadata().get(key), key);
            }
            assertTrue(g.tensorInfos().isEmpty());
        }
    }

    @Property(tries = 120)
    void tensorsRoundTripBitForBit(@ForAll long seed, @ForAll @IntRange(min = 0, max = 8) int alignmentLog2,
                                   @ForAll @IntRange(min = 1, max = 5) int count) {
        Random r = new Random(seed);
        long alignment = 1L << alignmentLog2;
        try (Arena arena = Arena.ofConfined()) {
            GgufWriter w = new GgufWriter().alignment(alignment).putString("general.architecture", "test");
            Map<String, Tensor> written = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                DType dtype = DType.values()[r.nextInt(DType.values().length)];
                long[] shape = randomShape(r, 1);
                Tensor t = randomTensor(arena, r, dtype, shape);
                written.put("t" + i, t);
                w.addTensor("t" + i, t);
            }
            Path f = FILES.dir().resolve("tensors.gguf");
            w.write(f);
            try (GgufFile g = GgufFile.open(f)) {
                assertEquals(alignment, g.alignment());
                assertEquals(written.size(), g.tensorInfos().size());
                TensorStore s = g.tensors();
                for (Map.Entry<String, Tensor> e : written.entrySet()) {
                    Tensor want = e.getValue();
                    Tensor got = s.get(e.getKey());
                    assertEquals(want.dtype(), got.dtype());
                    assertArrayEquals(want.shape(), got.shape(), e.getKey());
                    assertTrue(want.segment().mismatch(got.segment()) < 0, "bytes differ for " + e.getKey());
                    GgufTensorInfo info = g.tensorInfo(e.getKey());
                    assertEquals(0, info.offset() % alignment);
                    assertEquals(0, (g.dataStart() + info.offset()) % alignment);
                    long[] reversed = info.dims();
                    assertEquals(want.rank(), reversed.length);
                    assertEquals(want.cols(), reversed.length == 0 ? 1 : reversed[0], "GGUF lists the row length first");
                }
            }
        }
    }

    @Property(tries = 80)
    void q8_0StaysWithinHalfAStepOfTheSource(@ForAll long seed) {
        Random r = new Random(seed);
        try (Arena arena = Arena.ofConfined()) {
            long[] shape = {1 + r.nextInt(4), 32L * (1 + r.nextInt(4))};
            Tensor src = randomTensor(arena, r, DType.F32, shape);
            // Occasionally an all-zero block: its scale is 0 and it must decode to zeros, not NaN.
            if (r.nextBoolean()) {
                for (int j = 0; j < 32; j++) {
                    src.setFloat(j, 0f);
                }
            }
            Path f = FILES.dir().resolve("q8.gguf");
            new GgufWriter().addTensor("w", src, GgmlType.Q8_0).write(f);
            try (GgufFile g = GgufFile.open(f)) {
                assertEquals(GgmlType.Q8_0, g.tensorInfo("w").type());
                assertEquals(src.numel() / 32 * 34, g.tensorInfo("w").byteSize());
                Tensor got = g.tensors().get("w");
                assertEquals(DType.F32, got.dtype());
                assertArrayEquals(shape, got.shape());
                float[] x = src.toFloatArray();
                float[] y = got.toFloatArray();
                for (int b = 0; b < x.length / 32; b++) {
                    float amax = 0;
                    for (int j = 0; j < 32; j++) {
                        amax = Math.max(amax, Math.abs(x[b * 32 + j]));
                    }
                    float d = Float.float16ToFloat(Float.floatToFloat16(amax / 127f));
                    for (int j = 0; j < 32; j++) {
                        int i = b * 32 + j;
                        // half a quantisation step, plus what the F16 rounding of the scale moves the code
                        float tolerance = d * 0.5f + Math.abs(amax / 127f - d) * 127f + 1e-6f;
                        assertTrue(Math.abs(x[i] - y[i]) <= tolerance, "element " + i + ": " + x[i] + " vs " + y[i]);
                        assertTrue(Float.isFinite(y[i]));
                    }
                }
            }
        }
    }

    static long[] randomShape(Random r, int multipleOf) {
        int rank = r.nextInt(5);
        long[] shape = new long[rank];
        for (int i = 0; i < rank; i++) {
            shape[i] = 1 + r.nextInt(rank > 2 ? 4 : 9);
        }
        if (rank > 0) {
            shape[rank - 1] *= multipleOf;
        }
        return shape;
    }

    static Tensor randomTensor(Arena arena, Random r, DType dtype, long[] shape) {
        Tensor t = Tensor.allocate(arena, dtype, shape);
        for (long i = 0; i < t.numel(); i++) {
            float v = (float) r.nextGaussian();
            switch (dtype) {
                case F32 -> t.segment().setAtIndex(Tensor.F32_LE, i, v);
                case F16 -> t.segment().setAtIndex(Tensor.U16_LE, i, Float.floatToFloat16(v));
                case BF16 -> t.segment().setAtIndex(Tensor.U16_LE, i, GgufWriter.toBf16(v));
            }
        }
        return t;
    }
}
