package dev.zoft.weights;

import dev.zoft.tensor.DType;

/**
 * Element types of the safetensors format, with their sizes so that every tensor's byte range can
 * be checked even when zoft does not load that type.
 */
enum SafetensorsDType {
    BOOL(1, null), U8(1, null), I8(1, null), F8_E5M2(1, null), F8_E4M3(1, null), F8_E8M0(1, null),
    I16(2, null), U16(2, null), F16(2, DType.F16), BF16(2, DType.BF16),
    I32(4, null), U32(4, null), F32(4, DType.F32),
    I64(8, null), U64(8, null), F64(8, null), C64(8, null);

    private final int byteSize;
    private final DType dtype;

    SafetensorsDType(int byteSize, DType dtype) {
        this.byteSize = byteSize;
        this.dtype = dtype;
    }

    int byteSize() {
        return byteSize;
    }

    /** The zoft type, or null when zoft does not compute with this type. */
    DType dtype() {
        return dtype;
    }

    /** The spec type named {@code name}, or null. */
    static SafetensorsDType parse(String name) {
        for (SafetensorsDType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    static SafetensorsDType of(DType dtype) {
        return switch (dtype) {
            case F32 -> F32;
            case F16 -> F16;
            case BF16 -> BF16;
        };
    }
}
