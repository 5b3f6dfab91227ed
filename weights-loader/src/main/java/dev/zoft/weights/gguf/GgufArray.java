package dev.zoft.weights.gguf;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A GGUF metadata array: an element type and the elements, held in the narrowest Java array that
 * keeps every value exactly. {@code UINT8}/{@code INT8} as {@code byte[]}, {@code UINT16}/{@code
 * INT16} as {@code short[]}, {@code UINT32}/{@code INT32} as {@code int[]}, {@code UINT64}/{@code
 * INT64} as {@code long[]} (unsigned values as raw bits: read them with {@link #getLong}, which
 * zero-extends), {@code FLOAT32} as {@code float[]}, {@code FLOAT64} as {@code double[]},
 * {@code BOOL} as {@code boolean[]}, {@code STRING} as an unmodifiable {@code List<String>} and
 * {@code ARRAY} (nested arrays) as an unmodifiable {@code List<GgufArray>}.
 *
 * <p>The backing array is shared, not copied: callers must not modify what {@link #values()}
 * returns.
 */
public final class GgufArray {
    private final GgufValueType elementType;
    private final Object values;
    private final int length;

    private GgufArray(GgufValueType elementType, Object values, int length) {
        this.elementType = elementType;
        this.values = values;
        this.length = length;
    }

    /**
     * An array of {@code elementType} over {@code values}, whose Java type must be the one listed
     * in the class comment for that element type.
     */
    public static GgufArray of(GgufValueType elementType, Object values) {
        Objects.requireNonNull(elementType, "elementType");
        Objects.requireNonNull(values, "values");
        int n = switch (elementType) {
            case UINT8, INT8 -> ((byte[]) cast(elementType, values, byte[].class)).length;
            case UINT16, INT16 -> ((short[]) cast(elementType, values, short[].class)).length;
            case UINT32, INT32 -> ((int[]) cast(elementType, values, int[].class)).length;
            case UINT64, INT64 -> ((long[]) cast(elementType, values, long[].class)).length;
            case FLOAT32 -> ((float[]) cast(elementType, values, float[].class)).length;
            case FLOAT64 -> ((double[]) cast(elementType, values, double[].class)).length;
            case BOOL -> ((boolean[]) cast(elementType, values, boolean[].class)).length;
            case STRING -> {
                List<?> list = (List<?>) cast(elementType, values, List.class);
                for (Object o : list) {
                    if (!(o instanceof String)) {
                        throw new IllegalArgumentException("a STRING array holds " + o);
                    }
                }
                yield list.size();
            }
            case ARRAY -> {
                List<?> list = (List<?>) cast(elementType, values, List.class);
                for (Object o : list) {
                    if (!(o instanceof GgufArray)) {
                        throw new IllegalArgumentException("an ARRAY array holds " + o);
                    }
                }
                yield list.size();
            }
        };
        Object kept = values instanceof List<?> l ? List.copyOf(l) : values;
        return new GgufArray(elementType, kept, n);
    }

    /** A STRING array. */
    public static GgufArray ofStrings(List<String> values) {
        return of(GgufValueType.STRING, values);
    }

    /** A FLOAT32 array. */
    public static GgufArray ofFloats(float... values) {
        return of(GgufValueType.FLOAT32, values);
    }

    /** An INT32 array. */
    public static GgufArray ofInts(int... values) {
        return of(GgufValueType.INT32, values);
    }

    private static Object cast(GgufValueType type, Object values, Class<?> expected) {
        if (!expected.isInstance(values)) {
            throw new IllegalArgumentException("a " + type + " array needs a " + expected.getSimpleName()
                    + ", not a " + values.getClass().getSimpleName());
        }
        return values;
    }

    public GgufValueType elementType() {
        return elementType;
    }

    public int length() {
        return length;
    }

    /** The backing Java array or list (see the class comment); do not modify it. */
    public Object values() {
        return values;
    }

    /** Element {@code i} of an integer array, zero-extended for unsigned types (UINT64 as raw bits). */
    public long getLong(int i) {
        return switch (elementType) {
            case UINT8 -> ((byte[]) values)[i] & 0xffL;
            case INT8 -> ((byte[]) values)[i];
            case UINT16 -> ((short[]) values)[i] & 0xffffL;
            case INT16 -> ((short[]) values)[i];
            case UINT32 -> ((int[]) values)[i] & 0xffff_ffffL;
            case INT32 -> ((int[]) values)[i];
            case UINT64, INT64 -> ((long[]) values)[i];
            default -> throw new IllegalStateException("not an integer array: " + elementType);
        };
    }

    /** Element {@code i} of a float array. */
    public double getDouble(int i) {
        return switch (elementType) {
            case FLOAT32 -> ((float[]) values)[i];
            case FLOAT64 -> ((double[]) values)[i];
            default -> throw new IllegalStateException("not a float array: " + elementType);
        };
    }

    /** Element {@code i} of a STRING array. */
    public String getString(int i) {
        if (elementType != GgufValueType.STRING) {
            throw new IllegalStateException("not a string array: " + elementType);
        }
        return (String) ((List<?>) values).get(i);
    }

    /** Element {@code i} of an array of arrays. */
    public GgufArray getArray(int i) {
        if (elementType != GgufValueType.ARRAY) {
            throw new IllegalStateException("not an array of arrays: " + elementType);
        }
        return (GgufArray) ((List<?>) values).get(i);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof GgufArray a) || a.elementType != elementType || a.length != length) {
            return false;
        }
        return switch (values) {
            case byte[] v -> Arrays.equals(v, (byte[]) a.values);
            case short[] v -> Arrays.equals(v, (short[]) a.values);
            case int[] v -> Arrays.equals(v, (int[]) a.values);
            case long[] v -> Arrays.equals(v, (long[]) a.values);
            // Arrays.equals compares floatToIntBits: -0.0 differs from 0.0 and NaN equals NaN.
            case float[] v -> Arrays.equals(v, (float[]) a.values);
            case double[] v -> Arrays.equals(v, (double[]) a.values);
            case boolean[] v -> Arrays.equals(v, (boolean[]) a.values);
            default -> values.equals(a.values);
        };
    }

    @Override
    public int hashCode() {
        return 31 * elementType.hashCode() + length;
    }

    @Override
    public String toString() {
        return "GgufArray[" + elementType + " x " + length + "]";
    }
}
