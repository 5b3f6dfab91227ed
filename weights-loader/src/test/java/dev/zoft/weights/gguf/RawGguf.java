package dev.zoft.weights.gguf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Hand-assembled GGUF bytes, for files the writer refuses to produce (hostile-input tests). */
final class RawGguf {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static RawGguf header(int version, long tensors, long kvs) {
        return new RawGguf().u32(GgufFile.MAGIC).u32(version).u64(tensors).u64(kvs);
    }

    RawGguf u8(int v) {
        out.write(v);
        return this;
    }

    RawGguf u32(int v) {
        for (int i = 0; i < 4; i++) {
            out.write(v >>> (8 * i));
        }
        return this;
    }

    RawGguf u64(long v) {
        for (int i = 0; i < 8; i++) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    RawGguf string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u64(b.length);
        out.write(b, 0, b.length);
        return this;
    }

    /** A key with a uint32 value. */
    RawGguf kvU32(String key, int value) {
        return string(key).u32(GgufValueType.UINT32.id()).u32(value);
    }

    /** A tensor info. */
    RawGguf tensor(String name, GgmlType type, long offset, long... dims) {
        string(name).u32(dims.length);
        for (long d : dims) {
            u64(d);
        }
        return u32(type.id()).u64(offset);
    }

    /** Zero bytes up to a multiple of {@code alignment}, then {@code dataBytes} zero bytes. */
    RawGguf data(long alignment, int dataBytes) {
        while (out.size() % alignment != 0) {
            out.write(0);
        }
        out.write(new byte[dataBytes], 0, dataBytes);
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
