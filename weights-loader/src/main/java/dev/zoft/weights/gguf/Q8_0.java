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
 * with ties away from zero. Both directions work through heap chunks of {@value #CHUNK_BLOCKS}
 * blocks, so the per-element work is plain array code.
 */
final class Q8_0 {
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 34;
    static final int CHUNK_BLOCKS = 1024;

    private Q8_0() {
    }

    /** Decodes {@code data} (whole blocks) into a new F32 tensor of {@code shape} in {@code arena}. */
    static Tensor dequantize(MemorySegment data, Arena arena, long[] shape) {
        Tensor out = Tensor.allocate(arena, DType.F32, shape);
        MemorySegment dst = out.segment();
        long blocks = data.byteSize() / BLOCK_BYTES;
        byte[] in = new byte[CHUNK_BLOCKS * BLOCK_BYTES];
        float[] values = new float[CHUNK_BLOCKS * BLOCK];
        for (long b0 = 0; b0 < blocks; b0 += CHUNK_BLOCKS) {
            int n = (int) Math.min(CHUNK_BLOCKS, blocks - b0);
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, b0 * BLOCK_BYTES, in, 0, n * BLOCK_BYTES);
            for (int b = 0; b < n; b++) {
                int at = b * BLOCK_BYTES;
                float d = Float.float16ToFloat((short) ((in[at] & 0xff) | (in[at + 1] << 8)));
                for (int j = 0; j < BLOCK; j++) {
                    values[b * BLOCK + j] = d * in[at + 2 + j];
                }
            }
            MemorySegment.copy(values, 0, dst, Tensor.F32_LE, b0 * BLOCK * 4, n * BLOCK);
        }
        return out;
    }

    /**
     * Encodes {@code x[0, n)} ({@code n} a multiple of 32) into {@code out} starting at
     * {@code outOffset}, which must have room for {@code n / 32 * 34} bytes.
     */
    static void quantize(float[] x, int n, byte[] out, int outOffset) {
        for (int b = 0; b < n / BLOCK; b++) {
            float amax = 0;
            for (int j = 0; j < BLOCK; j++) {
                amax = Math.max(amax, Math.abs(x[b * BLOCK + j]));
            }
            float d = amax / 127f;
            float id = d != 0 ? 1f / d : 0f;
            int at = outOffset + b * BLOCK_BYTES;
            short h = Float.floatToFloat16(d);
            out[at] = (byte) h;
            out[at + 1] = (byte) (h >> 8);
            for (int j = 0; j < BLOCK; j++) {
                out[at + 2 + j] = (byte) roundHalfAway(x[b * BLOCK + j] * id);
            }
        }
    }

    private static int roundHalfAway(float x) {
        return (int) (Math.signum(x) * Math.floor(Math.abs(x) + 0.5f));
    }
}
