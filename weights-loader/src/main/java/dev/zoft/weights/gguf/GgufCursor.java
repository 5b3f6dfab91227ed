package dev.zoft.weights.gguf;

import dev.zoft.weights.WeightFormatException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A read position in a mapped GGUF file. Every read first checks that the bytes it needs are in
 * the file, so a count or length taken from a hostile file can never slice past the mapping or
 * size an allocation beyond what the file could hold.
 */
final class GgufCursor {
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Java arrays stop a little short of Integer.MAX_VALUE. */
    static final long MAX_JAVA_ARRAY = Integer.MAX_VALUE - 8;

    /**
     * Heap that decoded metadata may take: a quarter of the JVM's maximum, at least 64 MB. Decoding
     * expands a file (a 9-byte one-letter string becomes a ~50-byte Java String), so a hostile file
     * far smaller than the heap could otherwise exhaust it; real metadata (a 150k-token vocabulary
     * with its merges) needs ~30 MB.
     */
    static final long HEAP_BUDGET = Math.max(64L << 20, Runtime.getRuntime().maxMemory() / 4);
    /** Approximate heap of a String beyond its bytes (object, array header, reference). */
    static final int STRING_OVERHEAD = 56;

    private final Path file;
    private final MemorySegment segment;
    private final long size;
    private long pos;
    private final long heapBudget;
    private long charged;

    GgufCursor(Path file, MemorySegment segment, long heapBudget) {
        this.file = file;
        this.segment = segment;
        this.size = segment.byteSize();
        this.heapBudget = heapBudget;
    }

    long position() {
        return pos;
    }

    long remaining() {
        return size - pos;
    }

    long size() {
        return size;
    }

    /** Fails unless {@code count} items of at least {@code minBytes} each fit in the rest of the file. */
    void requireCount(long count, long minBytes, String what) {
        if (count < 0 || (minBytes > 0 && count > remaining() / minBytes)) {
            throw fail(what + " of " + Long.toUnsignedString(count) + " cannot fit in the " + remaining()
                    + " bytes left after offset " + pos + " (file of " + size + " bytes)");
        }
    }

    private void need(long n, String what) {
        if (n > remaining()) {
            throw fail(what + " needs " + n + " bytes at offset " + pos + " but the file ends at " + size);
        }
    }

    byte u8(String what) {
        need(1, what);
        return segment.get(ValueLayout.JAVA_BYTE, pos++);
    }

    short u16(String what) {
        need(2, what);
        short v = segment.get(I16, pos);
        pos += 2;
        return v;
    }

    int u32(String what) {
        need(4, what);
        int v = segment.get(I32, pos);
        pos += 4;
        return v;
    }

    long u64(String what) {
        need(8, what);
        long v = segment.get(I64, pos);
        pos += 8;
        return v;
    }

    float f32(String what) {
        need(4, what);
        float v = segment.get(F32, pos);
        pos += 4;
        return v;
    }

    double f64(String what) {
        need(8, what);
        double v = segment.get(F64, pos);
        pos += 8;
        return v;
    }

    /** A GGUF string: uint64 byte length then UTF-8 bytes (malformed sequences become U+FFFD). */
    String string(String what) {
        long start = pos;
        long n = u64(what + " length");
        if (n < 0 || n > remaining() || n > MAX_JAVA_ARRAY) {
            throw fail(what + " at offset " + start + " claims " + Long.toUnsignedString(n) + " bytes but "
                    + remaining() + " bytes are left in the file");
        }
        if (n == 0) {
            return "";
        }
        charge(STRING_OVERHEAD + n, what);
        byte[] bytes = new byte[(int) n];
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, pos, bytes, 0, bytes.length);
        pos += n;
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Copies {@code count} elements of {@code layout} into {@code dst} (count already checked). */
    void copy(ValueLayout layout, Object dst, int count) {
        long bytes = (long) count * layout.byteSize();
        need(bytes, "array");
        MemorySegment.copy(segment, layout, pos, dst, 0, count);
        pos += bytes;
    }

    /** Accounts for {@code bytes} of heap about to be allocated for metadata; fails past the budget. */
    void charge(long bytes, String what) {
        charged += bytes;
        if (charged > heapBudget) {
            throw fail("metadata needs more than " + heapBudget + " bytes of heap to decode (at " + what
                    + ", offset " + pos + "); no real GGUF file comes close, and the JVM's -Xmx bounds this budget");
        }
    }

    void seek(long position) {
        if (position < 0 || position > size) {
            throw fail("offset " + position + " is outside the file (" + size + " bytes)");
        }
        pos = position;
    }

    WeightFormatException fail(String problem) {
        return new WeightFormatException(file, problem);
    }
}
