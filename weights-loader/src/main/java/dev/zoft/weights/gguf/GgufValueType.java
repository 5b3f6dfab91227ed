package dev.zoft.weights.gguf;

/**
 * The value types of GGUF metadata (spec: {@code enum gguf_metadata_value_type}, stored as a
 * little-endian uint32 before every value). The ids are part of the file format.
 *
 * <p>In {@link GgufMetadata}, scalar integers of every width are held as {@link Long} (unsigned
 * types zero-extended; {@link #UINT64} as its raw 64 bits), {@link #FLOAT32} as {@link Float},
 * {@link #FLOAT64} as {@link Double}, {@link #BOOL} as {@link Boolean}, {@link #STRING} as
 * {@link String} and {@link #ARRAY} as {@link GgufArray}.
 */
public enum GgufValueType {
    UINT8(0, 1), INT8(1, 1), UINT16(2, 2), INT16(3, 2), UINT32(4, 4), INT32(5, 4), FLOAT32(6, 4), BOOL(7, 1),
    /** uint64 byte length, then that many UTF-8 bytes (no terminator). */
    STRING(8, 8),
    /** uint32 element type, uint64 count, then the elements. */
    ARRAY(9, 12),
    UINT64(10, 8), INT64(11, 8), FLOAT64(12, 8);

    private static final GgufValueType[] BY_ID = values();

    private final int id;
    private final int minBytes;

    GgufValueType(int id, int minBytes) {
        this.id = id;
        this.minBytes = minBytes;
    }

    /** The id written in the file. */
    public int id() {
        return id;
    }

    /**
     * The fewest bytes a value of this type takes in a file: its size for fixed-size types, the
     * length prefix for strings, the element type and count for arrays. A count of values is
     * checked against this before anything is allocated.
     */
    public int minBytes() {
        return minBytes;
    }

    /** True for the eight integer types. */
    public boolean isInteger() {
        return switch (this) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> true;
            default -> false;
        };
    }

    /** True for the unsigned integer types. */
    public boolean isUnsigned() {
        return this == UINT8 || this == UINT16 || this == UINT32 || this == UINT64;
    }

    /** True for FLOAT32 and FLOAT64. */
    public boolean isFloat() {
        return this == FLOAT32 || this == FLOAT64;
    }

    /** The type with file id {@code id}, or null when the id is unknown. */
    public static GgufValueType byId(long id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[(int) id] : null;
    }
}
