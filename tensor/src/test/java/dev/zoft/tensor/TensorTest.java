package dev.zoft.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class TensorTest {
    @Test
    void rowsAndColsOfAMatrixViewIncludingEmptyLastDimension() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = Tensor.allocate(arena, DType.F32, 2, 3, 5);
            assertEquals(6, t.rows());
            assertEquals(5, t.cols());
            Tensor empty = Tensor.allocate(arena, DType.F32, 4, 0);
            assertEquals(4, empty.rows());
            assertEquals(0, empty.cols());
            assertEquals(1, Tensor.allocate(arena, DType.F32).rows());
        }
    }

    @Test
    void halfPrecisionDecodesOnRead() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(4);
            seg.set(Tensor.U16_LE, 0, Float.floatToFloat16(1.5f));
            seg.set(Tensor.U16_LE, 2, (short) (Float.floatToRawIntBits(-2.75f) >>> 16));
            assertEquals(1.5f, Tensor.wrap(seg.asSlice(0, 2), DType.F16, 1).getFloat(0));
            assertEquals(-2.75f, Tensor.wrap(seg.asSlice(2, 2), DType.BF16, 1).getFloat(0));
        }
    }

    @Test
    void sliceAndReshapeShareMemory() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = Tensor.of(arena, new float[] {0, 1, 2, 3, 4, 5}, 3, 2);
            Tensor mid = t.slice(1, 2);
            assertArrayEquals(new float[] {2, 3}, mid.toFloatArray());
            mid.setFloat(0, 9);
            assertEquals(9, t.reshape(6).getFloat(2));
            assertThrows(IndexOutOfBoundsException.class, () -> t.slice(2, 4));
            assertThrows(IllegalArgumentException.class, () -> t.reshape(4));
        }
    }

    @Test
    void wrapRejectsASegmentOfTheWrongSize() {
        try (Arena arena = Arena.ofConfined()) {
            assertThrows(IllegalArgumentException.class, () -> Tensor.wrap(arena.allocate(10), DType.F32, 3));
            assertThrows(ArithmeticException.class, () -> Tensor.allocate(arena, DType.F32, Long.MAX_VALUE, 4));
        }
    }
}
