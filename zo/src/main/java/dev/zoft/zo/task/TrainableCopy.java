package dev.zoft.zo.task;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The writable F32 copy of a base tensor that ZO trains in place. When the base is a memory-mapped
 * file, the copy is made in chunks and each chunk's mapped pages are released from this process
 * right after ({@link MemorySegment#unload()}): otherwise every trainable weight would stay
 * resident twice (the mapped file pages the copy read, and the copy), doubling the process's RSS
 * for a fully trainable model. The file's data stays in the OS page cache and on disk; a later
 * read of the base (e.g. a restore to the initial weights) maps the pages back in. Values are
 * copied bit for bit either way.
 */
final class TrainableCopy {

    /** Bytes copied between releases: bounds the mapped pages resident at once during the copy. */
    static final long CHUNK_BYTES = 8L << 20;

    private TrainableCopy() {
    }

    /** An F32 copy of {@code base} in {@code arena}, releasing {@code base}'s mapped pages as it goes. */
    static Tensor of(Tensor base, Arena arena) {
        MemorySegment src = base.segment();
        if (base.dtype() != DType.F32 || !src.isMapped()) {
            return base.toF32(arena);
        }
        Tensor out = Tensor.allocate(arena, DType.F32, base.shape());
        long size = src.byteSize();
        for (long at = 0; at < size; at += CHUNK_BYTES) {
            long n = Math.min(CHUNK_BYTES, size - at);
            MemorySegment.copy(src, at, out.segment(), at, n);
            src.asSlice(at, n).unload();
        }
        return out;
    }
}
