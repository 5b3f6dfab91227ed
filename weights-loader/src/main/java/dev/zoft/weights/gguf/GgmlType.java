package dev.zoft.weights.gguf;

import dev.zoft.tensor.DType;

/**
 * Tensor element types of GGML ({@code enum ggml_type}), with the block geometry needed to check
 * every tensor's byte range even for the types zoft does not compute with. Ids are part of the
 * file format; ids that ggml has retired (4, 5, 31-33, 36-38) are unknown here and rejected.
 *
 * <p>A quantised type stores {@link #blockSize()} consecutive elements of a row in
 * {@link #typeSize()} bytes, so a row length must be a multiple of the block size.
 */
public enum GgmlType {
    F32(0, 1, 4, DType.F32),
    F16(1, 1, 2, DType.F16),
    Q4_0(2, 32, 18, null),
    Q4_1(3, 32, 20, null),
    Q5_0(6, 32, 22, null),
    Q5_1(7, 32, 24, null),
    /** 32 weights: an F16 scale {@code d} then 32 int8 {@code q}; weight = d * q. */
    Q8_0(8, 32, 34, null),
    Q8_1(9, 32, 36, null),
    Q2_K(10, 256, 84, null),
    Q3_K(11, 256, 110, null),
    Q4_K(12, 256, 144, null),
    Q5_K(13, 256, 176, null),
    Q6_K(14, 256, 210, null),
    Q8_K(15, 256, 292, null),
    IQ2_XXS(16, 256, 66, null),
    IQ2_XS(17, 256, 74, null),
    IQ3_XXS(18, 256, 98, null),
    IQ1_S(19, 256, 50, null),
    IQ4_NL(20, 32, 18, null),
    IQ3_S(21, 256, 110, null),
    IQ2_S(22, 256, 82, null),
    IQ4_XS(23, 256, 136, null),
    I8(24, 1, 1, null),
    I16(25, 1, 2, null),
    I32(26, 1, 4, null),
    I64(27, 1, 8, null),
    F64(28, 1, 8, null),
    IQ1_M(29, 256, 56, null),
    BF16(30, 1, 2, DType.BF16),
    TQ1_0(34, 256, 54, null),
    TQ2_0(35, 256, 66, null),
    MXFP4(39, 32, 17, null);

    private final int id;
    private final int blockSize;
    private final int typeSize;
    private final DType dtype;

    GgmlType(int id, int blockSize, int typeSize, DType dtype) {
        this.id = id;
        this.blockSize = blockSize;
        this.typeSize = typeSize;
        this.dtype = dtype;
    }

    /** The id written in the file. */
    public int id() {
        return id;
    }

    /** Elements per block (1 for plain types). */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block. */
    public int typeSize() {
        return typeSize;
    }

    /** The zoft type a tensor of this type is mapped as without conversion, or null. */
    public DType dtype() {
        return dtype;
    }

    /** True when {@link GgufFile#tensors()} loads tensors of this type (mapped, or dequantised for Q8_0). */
    public boolean isLoadable() {
        return dtype != null || this == Q8_0;
    }

    /**
     * Bytes of a tensor of {@code numel} elements whose rows hold {@code rowLength} elements.
     *
     * @throws IllegalArgumentException when the row length is not a multiple of the block size
     * @throws ArithmeticException      when the size overflows 64 bits
     */
    public long byteSize(long numel, long rowLength) {
        if (rowLength % blockSize != 0) {
            throw new IllegalArgumentException("row length " + rowLength + " is not a multiple of the "
                    + name() + " block size " + blockSize);
        }
        return Math.multiplyExact(numel / blockSize, (long) typeSize);
    }

    /** The type with file id {@code id}, or null when the id is unknown. */
    public static GgmlType byId(long id) {
        for (GgmlType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        return null;
    }

    /** The GGML type that stores a zoft type as is. */
    public static GgmlType of(DType dtype) {
        return switch (dtype) {
            case F32 -> F32;
            case F16 -> F16;
            case BF16 -> BF16;
        };
    }
}
