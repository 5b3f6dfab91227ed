package dev.zoft.weights;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON header of a safetensors file, parsed with Jackson's streaming API (no tree: a hostile
 * 100 MB header cannot balloon into gigabytes of nodes) and validated against the size of the
 * byte buffer that follows it.
 *
 * <p>Spec: {@code {"__metadata__": {str: str}, "<name>": {"dtype": "F32", "shape": [..],
 * "data_offsets": [begin, end]}}}, offsets relative to the first byte after the header.
 */
final class SafetensorsHeader {
    /** Highest rank accepted; real checkpoints stay under 8. */
    static final int MAX_RANK = 32;

    record Entry(String name, SafetensorsDType dtype, long[] shape, long begin, long end) {
        long numel() {
            long n = 1;
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        }
    }

    final Map<String, String> metadata;
    final List<Entry> entries;

    private SafetensorsHeader(Map<String, String> metadata, List<Entry> entries) {
        this.metadata = metadata;
        this.entries = entries;
    }

    private static final JsonFactory JSON = new JsonFactory();

    /**
     * Parses and validates the header {@code json}: known dtypes, non-negative dims whose product
     * does not overflow, {@code end - begin == numel * dtype size}, ranges inside
     * {@code [0, dataSize)} and not overlapping.
     */
    static SafetensorsHeader parse(Path file, byte[] json, long dataSize) {
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw fail(file, "header is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                if (!seen.add(name)) {
                    throw fail(file, "header names '" + name + "' twice");
                }
                p.nextToken();
                if (name.equals("__metadata__")) {
                    readMetadata(file, p, metadata);
                } else {
                    entries.add(readEntry(file, p, name, dataSize));
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT) {
                throw fail(file, "header JSON is malformed near " + p.currentToken());
            }
            if (p.nextToken() != null) {
                throw fail(file, "header has trailing data after the JSON object");
            }
        } catch (IOException e) {
            throw new WeightFormatException(file, "header is not valid JSON: " + e.getMessage(), e);
        }
        checkNoOverlap(file, entries);
        return new SafetensorsHeader(metadata, entries);
    }

    private static void readMetadata(Path file, JsonParser p, Map<String, String> metadata) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw fail(file, "__metadata__ is not an object");
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            if (p.nextToken() != JsonToken.VALUE_STRING) {
                throw fail(file, "__metadata__ value of '" + key + "' is not a string");
            }
            metadata.put(key, p.getText());
        }
    }

    private static Entry readEntry(Path file, JsonParser p, String name, long dataSize) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw fail(file, "entry for tensor '" + name + "' is not an object");
        }
        String dtypeName = null;
        long[] shape = null;
        long[] offsets = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken value = p.nextToken();
            switch (key) {
                case "dtype" -> {
                    if (value != JsonToken.VALUE_STRING) {
                        throw fail(file, "dtype of tensor '" + name + "' is not a string");
                    }
                    dtypeName = p.getText();
                }
                case "shape" -> shape = readLongs(file, p, name, "shape", MAX_RANK);
                case "data_offsets" -> offsets = readLongs(file, p, name, "data_offsets", 2);
                default -> p.skipChildren(); // unknown keys are ignored, as the reference reader does
            }
        }
        if (dtypeName == null || shape == null || offsets == null) {
            throw fail(file, "tensor '" + name + "' lacks " + (dtypeName == null ? "dtype" : shape == null ? "shape" : "data_offsets"));
        }
        SafetensorsDType dtype = SafetensorsDType.parse(dtypeName);
        if (dtype == null) {
            throw fail(file, "tensor '" + name + "' has unknown dtype '" + dtypeName + "'");
        }
        if (offsets.length != 2) {
            throw fail(file, "data_offsets of tensor '" + name + "' must be [begin, end]");
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end || end > dataSize) {
            throw fail(file, "tensor '" + name + "' has data_offsets [" + begin + ", " + end
                    + "] outside the data buffer of " + dataSize + " bytes");
        }
        long bytes;
        try {
            long numel = 1;
            for (long d : shape) {
                numel = Math.multiplyExact(numel, d);
            }
            bytes = Math.multiplyExact(numel, (long) dtype.byteSize());
        } catch (ArithmeticException e) {
            throw fail(file, "shape " + Arrays.toString(shape) + " of tensor '" + name + "' overflows 64 bits");
        }
        if (bytes != end - begin) {
            throw fail(file, "tensor '" + name + "' is " + dtype + Arrays.toString(shape) + " = " + bytes
                    + " bytes but data_offsets span " + (end - begin) + " bytes");
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static long[] readLongs(Path file, JsonParser p, String name, String key, int max) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw fail(file, key + " of tensor '" + name + "' is not an array");
        }
        long[] values = new long[Math.min(max, 4)];
        int n = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                throw fail(file, key + " of tensor '" + name + "' holds " + p.getText() + ", not a 64-bit integer");
            }
            long v = p.getLongValue();
            if (v < 0) {
                throw fail(file, key + " of tensor '" + name + "' holds a negative value " + v);
            }
            if (n == max) {
                throw fail(file, key + " of tensor '" + name + "' has more than " + max + " entries");
            }
            if (n == values.length) {
                values = Arrays.copyOf(values, Math.min(max, n * 2));
            }
            values[n++] = v;
        }
        return Arrays.copyOf(values, n);
    }

    private static void checkNoOverlap(Path file, List<Entry> entries) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        Entry previous = null;
        for (Entry e : sorted) {
            if (previous != null && e.begin() < previous.end()) {
                throw fail(file, "tensors '" + previous.name() + "' [" + previous.begin() + ", " + previous.end()
                        + ") and '" + e.name() + "' [" + e.begin() + ", " + e.end() + ") overlap");
            }
            if (previous == null || e.end() > previous.end()) {
                previous = e;
            }
        }
    }

    private static WeightFormatException fail(Path file, String problem) {
        return new WeightFormatException(file, problem);
    }
}
