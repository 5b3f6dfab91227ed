package dev.zoft.weights;

import dev.zoft.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Shared plumbing of the fuzz properties: a scratch folder (jqwik properties cannot use JUnit's
 * {@code @TempDir}), byte mutations, and the one rule every parser must obey: it either succeeds
 * or throws {@link WeightFormatException}; anything else escapes and fails the property.
 */
public final class FuzzFiles {
    private final Path dir;

    public FuzzFiles(String prefix) {
        try {
            dir = Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path dir() {
        return dir;
    }

    public Path write(String name, byte[] bytes) {
        try {
            return Files.write(dir.resolve(name), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void deleteAll() {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** XORs {@code values[i]} into byte {@code positions[i] mod length} (a zero XOR is made 1 so each flip changes something). */
    public static byte[] flip(byte[] valid, List<Integer> positions, List<Byte> values, int from, int span) {
        byte[] b = valid.clone();
        for (int i = 0; i < positions.size(); i++) {
            int pos = from + Math.floorMod(positions.get(i), span);
            byte v = values.get(i % values.size());
            b[pos] ^= v == 0 ? 1 : v;
        }
        return b;
    }

    public static byte[] truncate(byte[] valid, int cut) {
        return Arrays.copyOf(valid, Math.floorMod(cut, valid.length));
    }

    public static byte[] withHeaderLength(byte[] valid, long headerLength) {
        byte[] b = valid.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, headerLength);
        return b;
    }

    /** Runs {@code action}; a {@link WeightFormatException} is an accepted outcome, any other throwable propagates. */
    public static boolean successOrFormatError(Runnable action) {
        try {
            action.run();
            return true;
        } catch (WeightFormatException expected) {
            if (expected.getMessage() == null || expected.source() == null) {
                throw new AssertionError("exception without a file or a message", expected);
            }
            return false;
        }
    }

    /** Reads every element, so that a slice outside the mapping would fail here rather than later. */
    public static void touchAll(Iterable<? extends java.util.Map.Entry<String, Tensor>> tensors, Consumer<Float> sink) {
        for (var e : tensors) {
            Tensor t = e.getValue();
            for (long i = 0; i < t.numel(); i++) {
                sink.accept(t.getFloat(i));
            }
        }
    }
}
