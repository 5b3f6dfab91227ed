package dev.zoft.tensor;

/**
 * Element types zoft can read. Compute is always F32; F16 and BF16 are decoded on read so that
 * half-precision checkpoints can be mapped without conversion.
 */
public enum DType {
    F32(4),
    F16(2),
    BF16(2);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }
}
