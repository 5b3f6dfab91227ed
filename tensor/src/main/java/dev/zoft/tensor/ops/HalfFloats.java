package dev.zoft.tensor.ops;

import static dev.zoft.tensor.Tensor.F32_LE;
import static dev.zoft.tensor.Tensor.U16_LE;

import dev.zoft.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * Reads runs of a weight tensor as F32 whatever it is stored as: F32 is copied, BF16 widened
 * (its 16 bits are the high half of the float), F16 decoded by {@link Float#float16ToFloat}. Both
 * conversions are exact, so a half-precision weight gives the same products as its F32 copy.
 */
final class HalfFloats {

    private HalfFloats() {
    }

    /** {@code dst[at + j] = t[first + j]} as float, {@code j < count}. */
    static void read(Tensor t, long first, int count, float[] dst, int at) {
        MemorySegment s = t.segment();
        switch (t.dtype()) {
            case F32 -> MemorySegment.copy(s, F32_LE, first * Float.BYTES, dst, at, count);
            case BF16 -> {
                for (int j = 0; j < count; j++) {
                    dst[at + j] = Float.intBitsToFloat((s.getAtIndex(U16_LE, first + j) & 0xffff) << 16);
                }
            }
            case F16 -> {
                for (int j = 0; j < count; j++) {
                    dst[at + j] = Float.float16ToFloat(s.getAtIndex(U16_LE, first + j));
                }
            }
        }
    }

    /** {@code out[outFirst + j] = t[first + j]} as F32, {@code j < count}. */
    static void decode(Tensor t, long first, long count, MemorySegment out, long outFirst) {
        for (long j = 0; j < count; j++) {
            out.setAtIndex(F32_LE, outFirst + j, t.getFloat(first + j));
        }
    }
}
