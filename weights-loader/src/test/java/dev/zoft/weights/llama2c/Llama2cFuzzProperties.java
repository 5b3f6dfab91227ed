package dev.zoft.weights.llama2c;

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

/** llama2.c parsing of random and damaged files ends in success or WeightFormatException; written files read back. */
class Llama2cFuzzProperties {
    private static final FuzzFiles FILES = new FuzzFiles("zoft-l2c-fuzz");
    private static final byte[] LEGACY;
    private static final byte[] V1;

    static {
        Llama2cConfig c = new Llama2cConfig(8, 12, 2, 2, 1, 5, 3, false);
        try (Arena arena = Arena.ofConfined()) {
            Path a = FILES.dir().resolve("legacy.bin");
            Path b = FILES.dir().resolve("v1.bin");
            var w = Llama2cCheckpointTest.randomWeights(arena, c, 9);
            Llama2cWriter.write(a, c, w, 0);
            Llama2cWriter.write(b, c, w, 1);
            LEGACY = Files.readAllBytes(a);
            V1 = Files.readAllBytes(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterContainer
    static void cleanUp() {
        FILES.deleteAll();
    }

    private static void open(byte[] bytes) {
        Path f = FILES.write("fuzz.bin", bytes);
        FuzzFiles.successOrFormatError(() -> {
            try (Llama2cCheckpoint c = Llama2cCheckpoint.open(f)) {
                FuzzFiles.touchAll(c.tensors(), v -> { });
            }
        });
    }

    @Property(tries = 300)
    void randomBytes(@ForAll @Size(max = 400) byte[] bytes) {
        open(bytes);
    }

    @Property(tries = 300)
    void flippedHeaders(@ForAll boolean v1, @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 1 << 20) Integer> positions,
                        @ForAll @Size(min = 1, max = 4) List<Byte> values) {
        open(FuzzFiles.flip(v1 ? V1 : LEGACY, positions, values, 0, v1 ? 40 : 28));
    }

    @Property(tries = 200)
    void truncated(@ForAll boolean v1, @ForAll @IntRange(min = 0, max = 1 << 20) int cut) {
        open(FuzzFiles.truncate(v1 ? V1 : LEGACY, cut));
    }

    @Property(tries = 60)
    void randomConfigsRoundTrip(@ForAll @IntRange(min = 1, max = 4) int kvHeads, @ForAll @IntRange(min = 1, max = 3) int group,
                                @ForAll @IntRange(min = 1, max = 3) int halfHead, @ForAll @IntRange(min = 1, max = 3) int layers,
                                @ForAll @IntRange(min = 1, max = 20) int vocab, @ForAll @IntRange(min = 1, max = 9) int hidden,
                                @ForAll boolean shared, @ForAll @IntRange(min = 0, max = 1) int version, @ForAll long seed) {
        int heads = kvHeads * group;
        Llama2cConfig c = new Llama2cConfig(heads * 2 * halfHead, hidden, layers, heads, kvHeads, vocab, 4, shared);
        try (Arena arena = Arena.ofConfined()) {
            var w = Llama2cCheckpointTest.randomWeights(arena, c, seed);
            Path f = FILES.dir().resolve("rt.bin");
            Llama2cWriter.write(f, c, w, version);
            try (Llama2cCheckpoint ck = Llama2cCheckpoint.open(f)) {
                if (!ck.config().equals(c) || ck.version() != version) {
                    throw new AssertionError(ck.config() + " v" + ck.version() + " != " + c + " v" + version);
                }
                for (var e : w.entrySet()) {
                    if (!java.util.Arrays.equals(e.getValue().toFloatArray(), ck.tensors().get(e.getKey()).toFloatArray())) {
                        throw new AssertionError(e.getKey() + " differs");
                    }
                }
            }
        }
    }
}
