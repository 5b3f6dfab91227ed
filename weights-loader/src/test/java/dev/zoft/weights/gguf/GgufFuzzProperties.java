package dev.zoft.weights.gguf;

import dev.zoft.tensor.DType;
import dev.zoft.weights.FuzzFiles;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** GGUF parsing of random and damaged files ends in success or WeightFormatException, nothing else. */
class GgufFuzzProperties {
    private static final FuzzFiles FILES = new FuzzFiles("zoft-gguf-fuzz");
    private static final byte[] VALID;
    private static final int HEADER_END;

    static {
        try (Arena arena = Arena.ofConfined()) {
            Random r = new Random(42);
            RandomGguf values = new RandomGguf(7);
            GgufWriter w = new GgufWriter().alignment(16).putString("general.architecture", "llama")
                    .putUInt32("llama.block_count", 2).putFloat32("llama.rope.freq_base", 10000f)
                    .putStrings("tokenizer.ggml.tokens", List.of("<unk>", "<s>", "</s>", "a", "b"))
                    .putFloats("tokenizer.ggml.scores", new float[]{0, 0, 0, -1, -2})
                    .putInts("tokenizer.ggml.token_type", new int[]{2, 3, 3, 1, 1})
                    .putBool("flag", true).putFloat64("f64", 0.5).putInt64("i64", -5);
            for (int i = 0; i < 4; i++) {
                GgufValueType t = values.anyType(true);
                w.put("random." + i, t, values.value(t, 0));
            }
            w.addTensor("f32", GgufRoundTripProperties.randomTensor(arena, r, DType.F32, new long[]{3, 4}));
            w.addTensor("f16", GgufRoundTripProperties.randomTensor(arena, r, DType.F16, new long[]{5}));
            w.addTensor("bf16", GgufRoundTripProperties.randomTensor(arena, r, DType.BF16, new long[]{2, 1, 3}));
            w.addTensor("q8", GgufRoundTripProperties.randomTensor(arena, r, DType.F32, new long[]{2, 32}), GgmlType.Q8_0);
            w.addRaw("q4k", GgmlType.Q4_K, new long[]{256}, arena.allocate(144));
            Path f = FILES.dir().resolve("valid.gguf");
            w.write(f);
            VALID = Files.readAllBytes(f);
            try (GgufFile g = GgufFile.open(f)) {
                HEADER_END = (int) g.dataStart();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterContainer
    static void cleanUp() {
        FILES.deleteAll();
    }

    private static void open(byte[] bytes) {
        Path f = FILES.write("fuzz.gguf", bytes);
        FuzzFiles.successOrFormatError(() -> {
            try (GgufFile g = GgufFile.open(f)) {
                GgufMetadata m = g.metadata();
                for (String key : m.keys()) {
                    m.get(key);
                    m.type(key);
                }
                for (GgufTensorInfo info : g.tensorInfos()) {
                    g.data(info);
                }
                FuzzFiles.touchAll(g.tensors(), v -> { });
            }
        });
    }

    @Property(tries = 300)
    void randomBytes(@ForAll @Size(max = 300) byte[] bytes) {
        open(bytes);
    }

    @Property(tries = 300)
    void randomBytesAfterAValidPrefix(@ForAll @Size(max = 200) byte[] bytes, @ForAll @IntRange(min = 2, max = 3) int version) {
        byte[] head = RawGguf.header(version, bytes.length % 3, bytes.length % 5).bytes();
        byte[] b = new byte[head.length + bytes.length];
        System.arraycopy(head, 0, b, 0, head.length);
        System.arraycopy(bytes, 0, b, head.length, bytes.length);
        open(b);
    }

    @Property(tries = 600)
    void flippedHeaderBytes(@ForAll @Size(min = 1, max = 6) List<@IntRange(min = 0, max = 1 << 20) Integer> positions,
                            @ForAll @Size(min = 1, max = 6) List<Byte> values) {
        open(FuzzFiles.flip(VALID, positions, values, 0, HEADER_END));
    }

    @Property(tries = 200)
    void flippedBytesAnywhere(@ForAll @Size(min = 1, max = 6) List<@IntRange(min = 0, max = 1 << 20) Integer> positions,
                              @ForAll @Size(min = 1, max = 6) List<Byte> values) {
        open(FuzzFiles.flip(VALID, positions, values, 0, VALID.length));
    }

    @Property(tries = 300)
    void truncated(@ForAll @IntRange(min = 0, max = 1 << 20) int cut) {
        open(FuzzFiles.truncate(VALID, cut));
    }

    /** Counts and lengths (the 8-byte fields) replaced by extreme values. */
    @Property(tries = 300)
    void extremeLongsAtAnyPosition(@ForAll @IntRange(min = 0, max = 1 << 20) int position,
                                   @ForAll("extremes") long value) {
        byte[] b = VALID.clone();
        int at = Math.floorMod(position, HEADER_END - 8);
        for (int i = 0; i < 8; i++) {
            b[at + i] = (byte) (value >>> (8 * i));
        }
        open(b);
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<Long> extremes() {
        return net.jqwik.api.Arbitraries.of(-1L, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 32, 1L << 40, 1L << 62,
                (long) Integer.MAX_VALUE, 0xffff_ffffL, 0L, 1L, 13L);
    }

    /** Files written by the writer from random metadata, then damaged at one random spot. */
    @Property(tries = 150)
    void randomValidFilesWithOneDamagedByte(@ForAll long seed, @ForAll @IntRange(min = 0, max = 1 << 20) int position,
                                            @ForAll byte value) {
        RandomGguf r = new RandomGguf(seed);
        GgufWriter w = new GgufWriter();
        for (int i = 0; i < 1 + r.random().nextInt(6); i++) {
            GgufValueType t = r.anyType(true);
            w.put("k" + i, t, r.value(t, 0));
        }
        Path f = FILES.dir().resolve("random.gguf");
        w.write(f);
        try {
            byte[] b = Files.readAllBytes(f);
            b[Math.floorMod(position, b.length)] ^= value == 0 ? 0x55 : value;
            open(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
