package dev.zoft.weights;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A whole file mapped read-only into a shared {@link Arena}, with slicing that checks every range
 * against the file size before touching memory.
 *
 * <p>The arena is shared (not confined) because the kernels read weights from worker threads.
 * Closing this object unmaps the file; every tensor sliced from it becomes inaccessible, and
 * touching one afterwards throws {@link IllegalStateException} rather than crashing the JVM.
 *
 * <p>Public so that the format packages ({@code gguf}, {@code llama2c}) share one mapping path.
 */
public final class MappedFile implements AutoCloseable {
    private final Path path;
    private final Arena arena;
    private final MemorySegment segment;

    private MappedFile(Path path, Arena arena, MemorySegment segment) {
        this.path = path;
        this.arena = arena;
        this.segment = segment;
    }

    /** Maps {@code path} read-only; missing or unreadable files are reported as {@link WeightFormatException}. */
    public static MappedFile open(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new WeightFormatException(path, Files.exists(path) ? "not a regular file" : "file not found");
        }
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            MemorySegment segment = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return new MappedFile(path, arena, segment);
        } catch (NoSuchFileException e) {
            arena.close();
            throw new WeightFormatException(path, "file not found", e);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw new WeightFormatException(path, "cannot map file: " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    public long size() {
        return segment.byteSize();
    }

    /** The whole mapped file. */
    public MemorySegment segment() {
        return segment;
    }

    /** Bytes {@code [offset, offset + length)} of the file, or a clear error naming {@code what}. */
    public MemorySegment slice(long offset, long length, String what) {
        if (offset < 0 || length < 0 || offset > size() || length > size() - offset) {
            throw new WeightFormatException(path, what + " at bytes [" + offset + ", " + offset + " + " + length
                    + ") lies outside the file (" + size() + " bytes)");
        }
        return segment.asSlice(offset, length);
    }

    @Override
    public void close() {
        arena.close();
    }
}
