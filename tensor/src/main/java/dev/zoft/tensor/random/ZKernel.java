package dev.zoft.tensor.random;

import java.lang.foreign.MemorySegment;

/**
 * A bulk implementation of the perturbation definition over whole Philox blocks. All values are
 * 4-byte little-endian; value j of a call lives at byte {@code byteOffset + 4·j} of the segment.
 */
abstract sealed class ZKernel permits ScalarKernel, VectorKernel128, VectorKernel256, VectorKernel512 {

    /**
     * Gaussian (or, in {@link Mode#RAW}, raw-word) values of the indices
     * {@code [4·firstBlock, 4·(firstBlock + blocks))}.
     */
    abstract void gaussianBlocks(int k0, int k1, long firstBlock, long blocks, Mode mode, float c,
                                 MemorySegment seg, long byteOffset);

    /** Rademacher values of the indices {@code [128·firstBlock, 128·(firstBlock + blocks))}. */
    abstract void rademacherBlocks(int k0, int k1, long firstBlock, long blocks, Mode mode, float c,
                                   MemorySegment seg, long byteOffset);
}
