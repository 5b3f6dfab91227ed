package dev.zoft.zo.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TrainableCopy}: a writable F32 copy, bit for bit, whether the base is a mapped file (copied
 * chunk by chunk, releasing the pages it read) or ordinary memory; the base stays readable and
 * unchanged after its pages are released.
 */
class TrainableCopyTest {

    @Test
    void aMappedBaseIsCopiedExactlyAcrossChunksAndStaysReadable(@TempDir Path dir) throws IOException {
        // Two full chunks and a ragged tail, at an offset that is not page-aligned (as a tensor inside a file is).
        long floats = 2 * TrainableCopy.CHUNK_BYTES / 4 + 1234;
        long offset = 4 * 1001;
        Path file = dir.resolve("weights.bin");
        SplittableRandom r = new SplittableRandom(11);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.allocate((int) (offset + floats * 4)).order(ByteOrder.LITTLE_ENDIAN);
            buf.position((int) offset);
            for (long i = 0; i < floats; i++) {
                buf.putFloat((float) r.nextDouble(-1, 1));
            }
            buf.flip();
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        }
        try (Arena mapArena = Arena.ofShared(); Arena copies = Arena.ofShared();
             FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, Files.size(file), mapArena);
            Tensor base = Tensor.wrap(mapped.asSlice(offset, floats * 4), DType.F32, floats);
            assertTrue(base.segment().isMapped());
            Tensor copy = TrainableCopy.of(base, copies);
            assertFalse(copy.segment().isReadOnly(), "the copy is trainable in place");
            assertEquals(-1, copy.segment().mismatch(base.segment()), "copied bit for bit, base still readable");
            copy.setFloat(0, copy.getFloat(0) + 1);
            assertNotEquals(copy.getFloat(0), base.getFloat(0), "the copy is not the base");
        }
    }

    @Test
    void anInMemoryOrNonF32BaseIsAPlainF32Copy() {
        try (Arena arena = Arena.ofShared()) {
            Tensor f32 = Tensor.of(arena, new float[] {1.5f, -2f, 3.25f}, 3);
            Tensor c = TrainableCopy.of(f32, arena);
            assertEquals(-1, c.segment().mismatch(f32.segment()));
            assertNotEquals(c.segment().address(), f32.segment().address());
            Tensor bf16 = Tensor.allocate(arena, DType.BF16, 2);
            bf16.segment().setAtIndex(Tensor.U16_LE, 0, (short) 0x3fc0); // 1.5
            bf16.segment().setAtIndex(Tensor.U16_LE, 1, (short) 0xc000); // -2
            Tensor w = TrainableCopy.of(bf16, arena);
            assertEquals(DType.F32, w.dtype());
            assertEquals(1.5f, w.getFloat(0));
            assertEquals(-2f, w.getFloat(1));
        }
    }
}
