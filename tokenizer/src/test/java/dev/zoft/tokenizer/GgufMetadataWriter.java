package dev.zoft.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes metadata-only GGUF v3 files (no tensors) for tests: strings, booleans, 32-bit integers, and
 * arrays of strings, floats and 32-bit integers, which is all a tokenizer's metadata needs.
 */
final class GgufMetadataWriter {
    private final Map<String, Object> values = new LinkedHashMap<>();

    GgufMetadataWriter put(String key, Object value) {
        values.put(key, value);
        return this;
    }

    byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        u32(out, 0x46554747);
        u32(out, 3);
        u64(out, 0);
        u64(out, values.size());
        for (Map.Entry<String, Object> e : values.entrySet()) {
            string(out, e.getKey());
            value(out, e.getValue(), true);
        }
        while (out.size() % 32 != 0) {
            out.write(0);
        }
        return out.toByteArray();
    }

    private static void value(ByteArrayOutputStream out, Object v, boolean withType) {
        switch (v) {
            case String s -> {
                if (withType) {
                    u32(out, 8);
                }
                string(out, s);
            }
            case Boolean b -> {
                if (withType) {
                    u32(out, 7);
                }
                out.write(b ? 1 : 0);
            }
            case Integer i -> {
                if (withType) {
                    u32(out, 4);
                }
                u32(out, i);
            }
            case float[] fs -> {
                u32(out, 9);
                u32(out, 6);
                u64(out, fs.length);
                for (float f : fs) {
                    u32(out, Float.floatToRawIntBits(f));
                }
            }
            case int[] is -> {
                u32(out, 9);
                u32(out, 5);
                u64(out, is.length);
                for (int i : is) {
                    u32(out, i);
                }
            }
            case List<?> list -> {
                u32(out, 9);
                u32(out, 8);
                u64(out, list.size());
                for (Object o : list) {
                    string(out, (String) o);
                }
            }
            default -> throw new IllegalArgumentException("cannot write " + v.getClass());
        }
    }

    private static void string(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u64(out, b.length);
        out.writeBytes(b);
    }

    private static void u32(ByteArrayOutputStream out, int v) {
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
    }

    private static void u64(ByteArrayOutputStream out, long v) {
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }
}
