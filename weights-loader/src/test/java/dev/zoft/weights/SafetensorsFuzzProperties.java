package dev.zoft.weights;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Safetensors parsing of random and damaged files ends in success or WeightFormatException, nothing else. */
class SafetensorsFuzzProperties {
    private static final FuzzFiles FILES = new FuzzFiles("zoft-st-fuzz");
    private static final byte[] VALID;
    private static final int HEADER_LENGTH;
    private static final byte[] VALID_INDEX;

    static {
        try (Arena arena = Arena.ofConfined()) {
            Path f = FILES.dir().resolve("valid.safetensors");
            SafetensorsWriter.write(f, SafetensorsTest.sampleTensors(arena), Map.of("format", "pt", "k", "v"));
            VALID = Files.readAllBytes(f);
            HEADER_LENGTH = (int) java.nio.ByteBuffer.wrap(VALID).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(0);
            SafetensorsWriter.writeSharded(FILES.dir(), SafetensorsTest.sampleTensors(arena), Map.of(), 20);
            VALID_INDEX = Files.readAllBytes(FILES.dir().resolve(Safetensors.INDEX_FILE_NAME));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterContainer
    static void cleanUp() {
        FILES.deleteAll();
    }

    private static void open(byte[] bytes) {
        Path f = FILES.write("fuzz.safetensors", bytes);
        FuzzFiles.successOrFormatError(() -> {
            try (TensorStore s = Safetensors.open(f)) {
                FuzzFiles.touchAll(s, v -> { });
            }
        });
    }

    @Property(tries = 400)
    void randomBytes(@ForAll @Size(max = 300) byte[] bytes) {
        open(bytes);
    }

    @Property(tries = 400)
    void randomJsonAfterAValidLength(@ForAll @Size(max = 200) String json) {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        byte[] b = new byte[8 + header.length + 16];
        System.arraycopy(header, 0, b, 8, header.length);
        open(FuzzFiles.withHeaderLength(b, header.length));
    }

    @Property(tries = 600)
    void flippedHeaderBytes(@ForAll @Size(min = 1, max = 6) List<@IntRange(min = 0, max = 1 << 20) Integer> positions,
                            @ForAll @Size(min = 1, max = 6) List<Byte> values) {
        open(FuzzFiles.flip(VALID, positions, values, 8, HEADER_LENGTH));
    }

    @Property(tries = 300)
    void flippedBytesAnywhere(@ForAll @Size(min = 1, max = 6) List<@IntRange(min = 0, max = 1 << 20) Integer> positions,
                              @ForAll @Size(min = 1, max = 6) List<Byte> values) {
        open(FuzzFiles.flip(VALID, positions, values, 0, VALID.length));
    }

    @Property(tries = 300)
    void truncated(@ForAll @IntRange(min = 0, max = 1 << 20) int cut) {
        open(FuzzFiles.truncate(VALID, cut));
    }

    @Property(tries = 300)
    void overwrittenHeaderLength(@ForAll long headerLength) {
        open(FuzzFiles.withHeaderLength(VALID, headerLength));
    }

    @Property(tries = 300)
    void damagedIndex(@ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 1 << 20) Integer> positions,
                      @ForAll @Size(min = 1, max = 4) List<Byte> values) {
        Path index = FILES.write(Safetensors.INDEX_FILE_NAME, FuzzFiles.flip(VALID_INDEX, positions, values, 0, VALID_INDEX.length));
        FuzzFiles.successOrFormatError(() -> {
            try (TensorStore s = Safetensors.open(index)) {
                FuzzFiles.touchAll(s, v -> { });
            }
        });
    }

    @Property(tries = 200)
    void damagedConfigJson(@ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 1 << 20) Integer> positions,
                           @ForAll @Size(min = 1, max = 4) List<Byte> values) {
        byte[] valid = EncoderHyperparametersTest.MINILM_CONFIG.getBytes(StandardCharsets.UTF_8);
        Path config = FILES.write("config.json", FuzzFiles.flip(valid, positions, values, 0, valid.length));
        FuzzFiles.successOrFormatError(() -> EncoderHyperparameters.fromConfigJson(config));
    }

}
