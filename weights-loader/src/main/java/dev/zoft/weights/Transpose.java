package dev.zoft.weights;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** One-time layout conversions done by loaders, into off-heap memory. */
final class Transpose {
    /** Tile edge: a 32x32 F32 tile of source and destination (8 KB) stays in L1. */
    private static final int TILE = 32;

    private Transpose() {
    }

    /**
     * The transpose of matrix {@code src} ({@code [rows, cols]}, any dtype) as a new F32
     * {@code [cols, rows]} tensor allocated in {@code arena}, walked in tiles so that neither the
     * reads nor the writes stride through memory a whole row at a time.
     */
    static Tensor toF32(Tensor src, Arena arena) {
        if (src.rank() != 2) {
            throw new IllegalArgumentException("transpose needs a matrix, got " + src);
        }
        long rows = src.dim(0);
        long cols = src.dim(1);
        Tensor out = Tensor.allocate(arena, DType.F32, cols, rows);
        MemorySegment in = src.segment();
        MemorySegment dst = out.segment();
        boolean f32 = src.dtype() == DType.F32;
        for (long r0 = 0; r0 < rows; r0 += TILE) {
            long r1 = Math.min(rows, r0 + TILE);
            for (long c0 = 0; c0 < cols; c0 += TILE) {
                long c1 = Math.min(cols, c0 + TILE);
                for (long r = r0; r < r1; r++) {
                    long rowBase = r * cols;
                    for (long c = c0; c < c1; c++) {
                        float v = f32 ? in.getAtIndex(Tensor.F32_LE, rowBase + c) : src.getFloat(rowBase + c);
                        dst.setAtIndex(Tensor.F32_LE, c * rows + r, v);
                    }
                }
            }
        }
        return out;
    }
}
