package dev.zoft.weights.gguf;

import dev.zoft.weights.WeightFormatException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The key-value metadata of a GGUF file, in file order, with typed getters.
 *
 * <p>Getters are lenient about width, strict about kind: {@link #getLong} accepts every integer
 * type, {@link #getDouble} both float types, {@link #getIntArray} every integer array whose values
 * fit an {@code int}. A missing key or a value of the wrong kind is a {@link WeightFormatException}
 * naming the key, the file and the actual type; the {@code find*} variants return empty for an
 * absent key (still throwing for a wrong type, which is a broken file, not an optional key).
 * Values are described in {@link GgufValueType}.
 */
public final class GgufMetadata {
    private final String source;
    private final Map<String, Object> values;
    private final Map<String, GgufValueType> types;

    GgufMetadata(String source, Map<String, Object> values, Map<String, GgufValueType> types) {
        this.source = source;
        this.values = Collections.unmodifiableMap(values);
        this.types = Collections.unmodifiableMap(types);
    }

    /** The file the metadata came from (used in error messages). */
    public String source() {
        return source;
    }

    /** Every key, in file order. */
    public Set<String> keys() {
        return values.keySet();
    }

    public int size() {
        return values.size();
    }

    public boolean contains(String key) {
        return values.containsKey(key);
    }

    /** The raw value (see {@link GgufValueType} for the Java types). */
    public Object get(String key) {
        Object v = values.get(key);
        if (v == null) {
            throw new WeightFormatException(source, "metadata key '" + key + "' is missing");
        }
        return v;
    }

    /** The raw value, or empty when the key is absent. */
    public Optional<Object> find(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /** The value type of {@code key} as stored in the file. */
    public GgufValueType type(String key) {
        get(key);
        return types.get(key);
    }

    /** The value type of {@code key}, or empty. */
    public Optional<GgufValueType> findType(String key) {
        return Optional.ofNullable(types.get(key));
    }

    public String getString(String key) {
        return (String) typed(key, GgufValueType.STRING, "a string");
    }

    public Optional<String> findString(String key) {
        return contains(key) ? Optional.of(getString(key)) : Optional.empty();
    }

    /**
     * An integer of any width; unsigned values are zero-extended.
     *
     * @throws WeightFormatException when the key is missing, not an integer, or a UINT64 above
     *                               {@link Long#MAX_VALUE}
     */
    public long getLong(String key) {
        GgufValueType t = type(key);
        if (!t.isInteger()) {
            throw wrongType(key, "an integer");
        }
        long v = (Long) values.get(key);
        if (t == GgufValueType.UINT64 && v < 0) {
            throw new WeightFormatException(source, "metadata key '" + key + "' holds UINT64 "
                    + Long.toUnsignedString(v) + ", which does not fit a signed 64-bit integer");
        }
        return v;
    }

    public OptionalLong findLong(String key) {
        return contains(key) ? OptionalLong.of(getLong(key)) : OptionalLong.empty();
    }

    /** An integer that must fit an {@code int} (a count, a dimension, a token id). */
    public int getInt(String key) {
        long v = getLong(key);
        if (v != (int) v) {
            throw new WeightFormatException(source, "metadata key '" + key + "' holds " + v + ", which does not fit an int");
        }
        return (int) v;
    }

    /** A FLOAT32 or FLOAT64 value. */
    public double getDouble(String key) {
        GgufValueType t = type(key);
        return switch (t) {
            case FLOAT32 -> (Float) values.get(key);
            case FLOAT64 -> (Double) values.get(key);
            default -> throw wrongType(key, "a float");
        };
    }

    public OptionalDouble findDouble(String key) {
        return contains(key) ? OptionalDouble.of(getDouble(key)) : OptionalDouble.empty();
    }

    public boolean getBool(String key) {
        return (Boolean) typed(key, GgufValueType.BOOL, "a bool");
    }

    public Optional<Boolean> findBool(String key) {
        return contains(key) ? Optional.of(getBool(key)) : Optional.empty();
    }

    /** An array of any element type. */
    public GgufArray getArray(String key) {
        return (GgufArray) typed(key, GgufValueType.ARRAY, "an array");
    }

    public Optional<GgufArray> findArray(String key) {
        return contains(key) ? Optional.of(getArray(key)) : Optional.empty();
    }

    /** A STRING array (unmodifiable). */
    @SuppressWarnings("unchecked")
    public List<String> getStringArray(String key) {
        GgufArray a = arrayOf(key, "a string array");
        if (a.elementType() != GgufValueType.STRING) {
            throw wrongType(key, "a string array");
        }
        return (List<String>) a.values();
    }

    public Optional<List<String>> findStringArray(String key) {
        return contains(key) ? Optional.of(getStringArray(key)) : Optional.empty();
    }

    /** A FLOAT32 or FLOAT64 array as floats (a copy). */
    public float[] getFloatArray(String key) {
        GgufArray a = arrayOf(key, "a float array");
        return switch (a.elementType()) {
            case FLOAT32 -> ((float[]) a.values()).clone();
            case FLOAT64 -> {
                double[] d = (double[]) a.values();
                float[] f = new float[d.length];
                for (int i = 0; i < d.length; i++) {
                    f[i] = (float) d[i];
                }
                yield f;
            }
            default -> throw wrongType(key, "a float array");
        };
    }

    public Optional<float[]> findFloatArray(String key) {
        return contains(key) ? Optional.of(getFloatArray(key)) : Optional.empty();
    }

    /** An integer array of any width whose values all fit an {@code int} (a copy). */
    public int[] getIntArray(String key) {
        GgufArray a = arrayOf(key, "an integer array");
        if (!a.elementType().isInteger()) {
            throw wrongType(key, "an integer array");
        }
        int[] out = new int[a.length()];
        for (int i = 0; i < out.length; i++) {
            long v = a.getLong(i);
            if (a.elementType() == GgufValueType.UINT64 ? v < 0 || v > Integer.MAX_VALUE : v != (int) v) {
                throw new WeightFormatException(source, "metadata array '" + key + "' holds "
                        + (a.elementType() == GgufValueType.UINT64 ? Long.toUnsignedString(v) : v)
                        + " at index " + i + ", which does not fit an int");
            }
            out[i] = (int) v;
        }
        return out;
    }

    public Optional<int[]> findIntArray(String key) {
        return contains(key) ? Optional.of(getIntArray(key)) : Optional.empty();
    }

    /** Every key with its raw value, in file order (unmodifiable). */
    public Map<String, Object> asMap() {
        return values;
    }

    private GgufArray arrayOf(String key, String wanted) {
        if (type(key) != GgufValueType.ARRAY) {
            throw wrongType(key, wanted);
        }
        return (GgufArray) values.get(key);
    }

    private Object typed(String key, GgufValueType expected, String wanted) {
        if (type(key) != expected) {
            throw wrongType(key, wanted);
        }
        return values.get(key);
    }

    private WeightFormatException wrongType(String key, String wanted) {
        GgufValueType t = types.get(key);
        String actual = t == GgufValueType.ARRAY ? "ARRAY of " + ((GgufArray) values.get(key)).elementType() : String.valueOf(t);
        return new WeightFormatException(source, "metadata key '" + key + "' is " + actual + ", expected " + wanted);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufMetadata m && m.types.equals(types) && m.values.equals(values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(types.keySet());
    }

    @Override
    public String toString() {
        return "GgufMetadata[" + source + ", " + values.size() + " keys]";
    }
}
