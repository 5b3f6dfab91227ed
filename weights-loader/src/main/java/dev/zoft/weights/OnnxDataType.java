package dev.zoft.weights;

import dev.zoft.tensor.DType;

/**
 * {@code TensorProto.DataType} of the ONNX spec (onnx.proto), with element sizes so that raw
 * payloads can be checked against their dims, and the zoft type for the three float types zoft
 * computes with.
 */
public enum OnnxDataType {
    UNDEFINED(0, 0, null),
    FLOAT(1, 4, DType.F32),
    UINT8(2, 1, null),
    INT8(3, 1, null),
    UINT16(4, 2, null),
    INT16(5, 2, null),
    INT32(6, 4, null),
    INT64(7, 8, null),
    STRING(8, 0, null),
    BOOL(9, 1, null),
    FLOAT16(10, 2, DType.F16),
    DOUBLE(11, 8, null),
    UINT32(12, 4, null),
    UINT64(13, 8, null),
    COMPLEX64(14, 8, null),
    COMPLEX128(15, 16, null),
    BFLOAT16(16, 2, DType.BF16),
    FLOAT8E4M3FN(17, 1, null),
    FLOAT8E4M3FNUZ(18, 1, null),
    FLOAT8E5M2(19, 1, null),
    FLOAT8E5M2FNUZ(20, 1, null),
    UINT4(21, 0, null),
    INT4(22, 0, null),
    FLOAT4E2M1(23, 0, null),
    FLOAT8E8M0(24, 1, null);

    private final int code;
    private final int byteSize;
    private final DType dtype;

    OnnxDataType(int code, int byteSize, DType dtype) {
        this.code = code;
        this.byteSize = byteSize;
        this.dtype = dtype;
    }

    /** The number in onnx.proto. */
    public int code() {
        return code;
    }

    /** Bytes per element in {@code raw_data}; 0 for strings and sub-byte types. */
    public int byteSize() {
        return byteSize;
    }

    /** The zoft element type, or null when zoft does not load this type. */
    public DType dtype() {
        return dtype;
    }

    /** The type numbered {@code code}, or null for a number this version of the spec lacks. */
    public static OnnxDataType of(int code) {
        for (OnnxDataType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }

    /** A readable name for any code, known or not. */
    public static String describe(int code) {
        OnnxDataType t = of(code);
        return t == null ? "unknown data_type " + code : t.name();
    }
}
