package dev.zoft.tensor.random;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The scalar twin: the perturbation definition written one index at a time, over any index range
 * (whole blocks or not). It is the oracle the vector kernels are tested against, and the vector
 * kernels use it for the partial blocks at the ends of a range.
 */
final class ScalarKernel extends ZKernel {

    static final ScalarKernel INSTANCE = new ScalarKernel();

    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private ScalarKernel() {
    }

    @Override
    void gaussianBlocks(int k0, int k1, long firstBlock, long blocks, Mode mode, float c, MemorySegment seg, long byteOffset) {
        gaussianRange(k0, k1, firstBlock << 2, blocks << 2, mode, c, seg, byteOffset);
    }

    @Override
    void rademacherBlocks(int k0, int k1, long firstBlock, long blocks, Mode mode, float c, MemorySegment seg, long byteOffset) {
        rademacherRange(k0, k1, firstBlock << 7, blocks << 7, mode, c, seg, byteOffset);
    }

    /** Gaussian (or raw) values of indices {@code [first, first + count)}, any alignment. */
    static void gaussianRange(int k0, int k1, long first, long count, Mode mode, float c, MemorySegment seg, long byteOffset) {
        int[] words = new int[4];
        float[] z = new float[4];
        long index = first;
        long end = first + count;
        long pos = byteOffset;
        int tag = Distribution.GAUSSIAN.counterTag();
        while (index < end) {
            long block = index >>> 2;
            Philox4x32.block(k0, k1, (int) block, (int) (block >>> 32), tag, 0, words, 0);
            BoxMuller.pair(words[0], words[1], z, 0);
            BoxMuller.pair(words[2], words[3], z, 2);
            int from = (int) (index & 3);
            int to = (int) Math.min(4, end - (block << 2));
            for (int j = from; j < to; j++, pos += 4) {
                if (mode == Mode.RAW) {
                    seg.set(I32, pos, words[j]);
                } else {
                    emit(mode, z[j], c, seg, pos);
                }
            }
            index = (block << 2) + to;
        }
    }

    /** Rademacher values of indices {@code [first, first + count)}, any alignment. */
    static void rademacherRange(int k0, int k1, long first, long count, Mode mode, float c, MemorySegment seg, long byteOffset) {
        int[] words = new int[4];
        long index = first;
        long end = first + count;
        long pos = byteOffset;
        int tag = Distribution.RADEMACHER.counterTag();
        while (index < end) {
            long block = index >>> 7;
            Philox4x32.block(k0, k1, (int) block, (int) (block >>> 32), tag, 0, words, 0);
            int from = (int) (index & 127);
            int to = (int) Math.min(128, end - (block << 7));
            for (int j = from; j < to; j++, pos += 4) {
                emit(mode, rademacher(words[j >>> 5], j & 31), c, seg, pos);
            }
            index = (block << 7) + to;
        }
    }

    /** Bit {@code bit} of the word set means −1, clear means +1. */
    static float rademacher(int word, int bit) {
        return ((word >>> bit) & 1) != 0 ? -1f : 1f;
    }

    private static void emit(Mode mode, float z, float c, MemorySegment seg, long pos) {
        if (mode == Mode.AXPY) {
            seg.set(F32, pos, seg.get(F32, pos) + c * z);
        } else {
            seg.set(F32, pos, z);
        }
    }
}
