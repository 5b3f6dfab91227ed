package dev.zoft.weights.gguf;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * GGML's Q8_0 quantisation: blocks of 32 consecutive weights stored as an F16 scale {@code d}
 * followed by 32 signed bytes {@code q}; weight {@code = d * q}. Encoding follows ggml's
 * reference ({@code quantize_row_q8_0_ref}): {@code d = max|x| / 127}, {@code q = round(x / d)}
 * with ties away from zero.
 */
final class Q8_0 {
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 34;

    private Q8_0() {
    }

    /** Decodes {@code data} (whole blocks) into a new F32 tensor of {@code shape} in {@code arena}. */
    static Tensor dequantize(MemorySegment data, Arena arena, long[] shape) {
        Tensor out = Tensor.allocate(arena, DType.F32, shape);
        MemorySegment dst = out.segment();
        long blocks = data.byteSize() / BLOCK_BYTES;
        for (long b = 0; b < blocks; b++) {
            long src = b * BLOCK_BYTES;
            float d = Float.float16ToFloat(data.get(GgufCursor.I16, src));
            long o = b * BLOCK;
            for (int j = 0; j < BLOCK; j++) {
                dst.setAtIndex(Tensor.F32_LE, o + j, d * data.get(ValueLayout.JAVA_BYTE, src + 2 + j));
            }
        }
        return out;
    }

    /** Encodes {@code n} floats (a multiple of 32) read by {@code src} into {@code dst} of n / 32 * 34 bytes. */
    static void quantize(java.util.function.LongToDoubleFunction src, long n, MemorySegment dst) {
        for (long b = 0; b < n / BLOCK; b++) {
            float amax = 0;
            for (int j = 0; j < BLOCK; j++) {
                amax = Math.max(amax, Math.abs((float) src.applyAsDouble(b * BLOCK + j)));
            }
            float d = amax / 127f;
            float id = d != 0 ? 1f / d : 0f;
            long at = b * BLOCK_BYTES;
            dst.set(GgufCursor.I16, at, Float.floatToFloat16(d));
            for (int j = 0; j < BLOCK; j++) {
                float x = (float) src.applyAsDouble(b * BLOCK + j) * id;
                dst.set(ValueLayout.JAVA_BYTE, at + 2 + j, (byte) roundHalfAway(x));
            }
        }
    }

    private static int roundHalfAway(float x) {
        return (int) (Math.signum(x) * Math.floor(Math.abs(x) + 0.5f));
    }
}
