package dev.zoft.weights;

import dev.zoft.weights.gguf.GgmlType;
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

/** A damaged GGUF model or llama2.c file opened as a decoder ends in success or WeightFormatException, nothing else. */
class DecoderCheckpointFuzzProperties {
    private static final FuzzFiles FILES = new FuzzFiles("zoft-decoder-fuzz");
    private static final byte[] GGUF;
    private static final int GGUF_HEADER;
    private static final byte[] BIN;

    static {
        try (Arena arena = Arena.ofConfined()) {
            var c = new dev.zoft.weights.llama2c.Llama2cConfig(32, 32, 1, 2, 1, 6, 8, true);
            Path bin = FILES.dir().resolve("tiny.bin");
            dev.zoft.weights.llama2c.Llama2cWriter.write(bin, c,
                    dev.zoft.weights.llama2c.Llama2cCheckpointTest.randomWeights(arena, c, 11), 1);
            BIN = Files.readAllBytes(bin);
            Path gguf = FILES.dir().resolve("tiny.gguf");
            try (DecoderCheckpoint d = DecoderCheckpoint.open(bin)) {
                DecoderToGguf.convert(d, gguf, GgmlType.Q8_0);
            }
            GGUF = Files.readAllBytes(gguf);
            try (var g = dev.zoft.weights.gguf.GgufFile.open(gguf)) {
                GGUF_HEADER = (int) g.dataStart();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterContainer
    static void cleanUp() {
        FILES.deleteAll();
    }

    private static void open(byte[] bytes, String name) {
        Path f = FILES.write(name, bytes);
        FuzzFiles.successOrFormatError(() -> {
            try (DecoderCheckpoint d = DecoderCheckpoint.open(f)) {
                d.config();
                FuzzFiles.touchAll(d.tensors(), v -> { });
            }
        });
    }

    @Property(tries = 400)
    void damagedGgufHeaders(@ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 1 << 20) Integer> positions,
                            @ForAll @Size(min = 1, max = 4) List<Byte> values) {
        open(FuzzFiles.flip(GGUF, positions, values, 0, GGUF_HEADER), "fuzz.gguf");
    }

    @Property(tries = 200)
    void damagedLlama2cHeaders(@ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 1 << 20) Integer> positions,
                               @ForAll @Size(min = 1, max = 4) List<Byte> values) {
        open(FuzzFiles.flip(BIN, positions, values, 0, 40), "fuzz.bin");
    }

    @Property(tries = 100)
    void truncatedGguf(@ForAll @IntRange(min = 0, max = 1 << 20) int cut) {
        open(FuzzFiles.truncate(GGUF, cut), "fuzz.gguf");
    }
}
