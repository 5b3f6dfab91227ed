package dev.zoft.weights;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file so that readers only ever see the old file or the whole new one: the bytes go to a
 * dot-named temporary file beside the target, which is then moved over it (atomically where the file
 * system can). A failure deletes the temporary file and leaves the target as it was.
 */
public final class AtomicFileWrite {

    /** Writes the new content into {@code tmp} (forcing it to disk first if the caller needs that). */
    @FunctionalInterface
    public interface Body {
        void writeTo(Path tmp) throws IOException;
    }

    private AtomicFileWrite() {
    }

    /**
     * Replaces {@code file} with what {@code body} writes.
     *
     * @throws UncheckedIOException naming the file when writing or moving fails
     */
    public static void write(Path file, Body body) {
        Path tmp = null;
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
            body.writeTo(tmp);
            moveIntoPlace(tmp, file);
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temporary file has a dot name and is harmless
                }
            }
        }
    }

    /** Moves {@code tmp} over {@code target}, atomically where the file system supports it. */
    public static void moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
