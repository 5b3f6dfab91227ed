package dev.zoft.weights;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Reorders the output rows of a Q or K projection (weight {@code [heads * headDim, in]} or bias
 * {@code [heads * headDim]}) between the two RoPE layouts of {@link RopeLayout}, head by head.
 *
 * <p>Within a head, half-split row {@code j * headDim/2 + i} (j = 0, 1) is interleaved row
 * {@code 2i + j}: this is llama.cpp's {@code LlamaModel.permute} (and the inverse of Hugging
 * Face's {@code convert_llama_weights_to_hf} permutation). For K pass the number of key/value
 * heads. The result is a new F32 tensor in {@code arena}; the source is only read.
 */
public final class RopePermutation {
    private RopePermutation() {
    }

    /** Half-split rows to interleaved rows. */
    public static Tensor toInterleaved(Tensor w, int heads, Arena arena) {
        return permute(w, heads, arena, true);
    }

    /** Interleaved rows to half-split rows. */
    public static Tensor toHalfSplit(Tensor w, int heads, Arena arena) {
        return permute(w, heads, arena, false);
    }

    private static Tensor permute(Tensor w, int heads, Arena arena, boolean toInterleaved) {
        if (w.rank() < 1 || w.rank() > 2) {
            throw new IllegalArgumentException("a Q/K weight or bias is 1-D or 2-D, got " + w);
        }
        long rows = w.dim(0);
        long cols = w.rank() == 2 ? w.dim(1) : 1;
        if (heads <= 0 || rows % heads != 0 || (rows / heads) % 2 != 0) {
            throw new IllegalArgumentException(rows + " rows do not split into " + heads + " heads of even size");
        }
        long headDim = rows / heads;
        long half = headDim / 2;
        Tensor out = Tensor.allocate(arena, DType.F32, w.shape());
        MemorySegment dst = out.segment();
        for (long h = 0; h < heads; h++) {
            for (long i = 0; i < half; i++) {
                for (int j = 0; j < 2; j++) {
                    long split = h * headDim + j * half + i;
                    long inter = h * headDim + 2 * i + j;
                    long from = toInterleaved ? split : inter;
                    long to = toInterleaved ? inter : split;
                    for (long c = 0; c < cols; c++) {
                        dst.setAtIndex(Tensor.F32_LE, to * cols + c, w.getFloat(from * cols + c));
                    }
                }
            }
        }
        return out;
    }
}
