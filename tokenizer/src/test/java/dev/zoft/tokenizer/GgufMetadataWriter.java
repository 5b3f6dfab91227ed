package dev.zoft.tokenizer;

import dev.zoft.weights.gguf.GgufWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Metadata-only GGUF files for tests, through the project's {@link GgufWriter}: values are typed by
 * their Java class (String, Boolean, Integer as UINT32, float[], int[], List of String), and setting a
 * key again replaces it, so a test can start from a valid vocabulary and break one key.
 */
final class GgufMetadataWriter {
    private final GgufWriter writer = new GgufWriter();

    GgufMetadataWriter put(String key, Object value) {
        switch (value) {
            case String s -> writer.putString(key, s);
            case Boolean b -> writer.putBool(key, b);
            case Integer i -> writer.putUInt32(key, i);
            case float[] fs -> writer.putFloats(key, fs);
            case int[] is -> writer.putInts(key, is);
            case List<?> list -> writer.putStrings(key, list.stream().map(String.class::cast).toList());
            default -> throw new IllegalArgumentException("cannot write " + value.getClass());
        }
        return this;
    }

    byte[] toBytes() {
        try {
            Path tmp = Files.createTempFile("vocab", ".gguf");
            try {
                writer.write(tmp);
                return Files.readAllBytes(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
