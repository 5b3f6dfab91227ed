package dev.zoft.weights.gguf;

import dev.zoft.tensor.Tensor;
import dev.zoft.weights.AtomicFileWrite;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes GGUF files (version 3 by default, 2 on request; the layout is described in
 * {@link GgufFile}): metadata of every value type including nested arrays, and tensors stored as
 * F32, F16, BF16 or Q8_0, converted from the source tensor's type where they differ.
 *
 * <p>Metadata keys keep their insertion order (setting a key again replaces its value in place).
 * Tensors are laid out in insertion order, each at an offset that is a multiple of the alignment
 * and padded with zeros; {@code general.alignment} is written as UINT32 whenever the alignment is
 * not the default 32. Shapes are given row-major, as zoft's tensors are, and written
 * fastest-first, as GGUF wants. The file is written to a temporary sibling and moved into place,
 * so a reader never sees half a file. Source tensors are read at {@link #write} time and must
 * still be open then.
 */
public final class GgufWriter {
    private static final int CHUNK_ELEMENTS = 1 << 16;

    private int version = 3;
    private long alignment = GgufFile.DEFAULT_ALIGNMENT;
    private final Map<String, Object> values = new LinkedHashMap<>();
    private final Map<String, GgufValueType> types = new LinkedHashMap<>();
    private final List<Pending> tensors = new ArrayList<>();

    /** A tensor to write: either a zoft tensor to convert to {@code type}, or raw bytes already in {@code type}. */
    private record Pending(String name, GgmlType type, long[] shape, Tensor source, MemorySegment raw, long byteSize) {
    }

    /** The format version to write: 3 (default) or 2, whose layout is the same. */
    public GgufWriter version(int version) {
        if (version != 2 && version != 3) {
            throw new IllegalArgumentException("GGUF version " + version + " cannot be written (2 or 3)");
        }
        this.version = version;
        return this;
    }

    /** Sets the data alignment (a power of two) and the {@code general.alignment} key that records it. */
    public GgufWriter alignment(long alignment) {
        if (alignment <= 0 || alignment > GgufFile.MAX_ALIGNMENT || Long.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment " + alignment + " is not a power of two in [1, " + GgufFile.MAX_ALIGNMENT + "]");
        }
        this.alignment = alignment;
        values.put(GgufFile.ALIGNMENT_KEY, alignment);
        types.put(GgufFile.ALIGNMENT_KEY, GgufValueType.UINT32);
        return this;
    }

    /**
     * Sets {@code key} to {@code value} of {@code type}. Integers are given as any {@link Number}
     * without a fractional part and must fit the type (UINT64 takes any {@code long}, read as
     * unsigned bits); floats as any {@link Number}; BOOL as {@link Boolean}; STRING as
     * {@link String}; ARRAY as {@link GgufArray}. Setting {@code general.alignment} also sets the
     * data alignment.
     */
    public GgufWriter put(String key, GgufValueType type, Object value) {
        Objects.requireNonNull(key, "key");
        Object v = normalise(key, type, value);
        if (key.equals(GgufFile.ALIGNMENT_KEY)) {
            if (!type.isInteger()) {
                throw new IllegalArgumentException(GgufFile.ALIGNMENT_KEY + " must be an integer, not " + type);
            }
            alignment((Long) v);
        }
        values.put(key, v);
        types.put(key, type);
        return this;
    }

    public GgufWriter putString(String key, String value) {
        return put(key, GgufValueType.STRING, value);
    }

    public GgufWriter putUInt32(String key, long value) {
        return put(key, GgufValueType.UINT32, value);
    }

    public GgufWriter putInt32(String key, int value) {
        return put(key, GgufValueType.INT32, value);
    }

    public GgufWriter putUInt64(String key, long value) {
        return put(key, GgufValueType.UINT64, value);
    }

    public GgufWriter putInt64(String key, long value) {
        return put(key, GgufValueType.INT64, value);
    }

    public GgufWriter putFloat32(String key, float value) {
        return put(key, GgufValueType.FLOAT32, value);
    }

    public GgufWriter putFloat64(String key, double value) {
        return put(key, GgufValueType.FLOAT64, value);
    }

    public GgufWriter putBool(String key, boolean value) {
        return put(key, GgufValueType.BOOL, value);
    }

    public GgufWriter putArray(String key, GgufArray value) {
        return put(key, GgufValueType.ARRAY, value);
    }

    public GgufWriter putStrings(String key, List<String> value) {
        return putArray(key, GgufArray.ofStrings(value));
    }

    public GgufWriter putFloats(String key, float[] value) {
        return putArray(key, GgufArray.ofFloats(value.clone()));
    }

    public GgufWriter putInts(String key, int[] value) {
        return putArray(key, GgufArray.ofInts(value.clone()));
    }

    /** Copies every key of {@code metadata} with its type (including {@code general.alignment}). */
    public GgufWriter putAll(GgufMetadata metadata) {
        for (String key : metadata.keys()) {
            put(key, metadata.type(key), metadata.get(key));
        }
        return this;
    }

    /** Adds {@code tensor} stored in its own type (F32, F16 or BF16). */
    public GgufWriter addTensor(String name, Tensor tensor) {
        return addTensor(name, tensor, GgmlType.of(tensor.dtype()));
    }

    /**
     * Adds {@code tensor} converted to {@code type}: F32, F16 (round to nearest), BF16 (round to
     * nearest even, NaN kept) or Q8_0 (ggml's reference quantisation; the row length must be a
     * multiple of 32).
     */
    public GgufWriter addTensor(String name, Tensor tensor, GgmlType type) {
        if (type != GgmlType.F32 && type != GgmlType.F16 && type != GgmlType.BF16 && type != GgmlType.Q8_0) {
            throw new IllegalArgumentException("cannot convert tensor '" + name + "' to " + type
                    + " (the writer converts to F32, F16, BF16 and Q8_0)");
        }
        long[] shape = tensor.shape();
        return add(new Pending(name, type, shape, tensor, null, byteSize(name, type, shape)));
    }

    /** Adds a tensor whose bytes are already encoded in {@code type} (any GGML type), with a row-major shape. */
    public GgufWriter addRaw(String name, GgmlType type, long[] shape, MemorySegment bytes) {
        long expected = byteSize(name, type, shape);
        if (bytes.byteSize() != expected) {
            throw new IllegalArgumentException("tensor '" + name + "' of " + type + Arrays.toString(shape) + " needs "
                    + expected + " bytes, got " + bytes.byteSize());
        }
        return add(new Pending(name, type, shape.clone(), null, bytes, expected));
    }

    private GgufWriter add(Pending p) {
        Objects.requireNonNull(p.name, "name");
        if (p.shape.length > GgufFile.MAX_DIMS) {
            throw new IllegalArgumentException("tensor '" + p.name + "' has " + p.shape.length + " dimensions (GGUF allows "
                    + GgufFile.MAX_DIMS + ")");
        }
        for (Pending q : tensors) {
            if (q.name.equals(p.name)) {
                throw new IllegalArgumentException("two tensors named '" + p.name + "'");
            }
        }
        tensors.add(p);
        return this;
    }

    private static long byteSize(String name, GgmlType type, long[] shape) {
        long numel = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "' has a negative dimension " + Arrays.toString(shape));
            }
            numel = Math.multiplyExact(numel, d);
        }
        return type.byteSize(numel, shape.length == 0 ? 1 : shape[shape.length - 1]);
    }

    /** Writes the file (replacing any file at {@code file}). */
    public void write(Path file) {
        byte[] header = header();
        AtomicFileWrite.write(file, tmp -> {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                writeFully(ch, ByteBuffer.wrap(header));
                long position = header.length;
                for (Pending p : tensors) {
                    position = pad(ch, position);
                    writeTensor(ch, p);
                    position += p.byteSize;
                }
                if (!tensors.isEmpty()) {
                    pad(ch, position);
                }
                ch.force(true);
            }
        });
    }

    private long pad(FileChannel ch, long position) throws IOException {
        long aligned = GgufFile.alignUp(position, alignment);
        if (aligned > position) {
            writeFully(ch, ByteBuffer.allocate((int) (aligned - position)));
        }
        return aligned;
    }

    private byte[] header() {
        Out out = new Out();
        out.u32(GgufFile.MAGIC);
        out.u32(version);
        out.u64(tensors.size());
        out.u64(values.size());
        for (Map.Entry<String, Object> e : values.entrySet()) {
            out.string(e.getKey());
            GgufValueType type = types.get(e.getKey());
            out.u32(type.id());
            writeValue(out, type, e.getValue());
        }
        long offset = 0;
        for (Pending p : tensors) {
            offset = GgufFile.alignUp(offset, alignment);
            out.string(p.name);
            out.u32(p.shape.length);
            for (int i = p.shape.length - 1; i >= 0; i--) {
                out.u64(p.shape[i]);
            }
            out.u32(p.type.id());
            out.u64(offset);
            offset += p.byteSize;
        }
        return out.toByteArray();
    }

    private static void writeValue(Out out, GgufValueType type, Object v) {
        switch (type) {
            case UINT8, INT8 -> out.write((int) (long) (Long) v);
            case UINT16, INT16 -> out.u16((int) (long) (Long) v);
            case UINT32, INT32 -> out.u32((int) (long) (Long) v);
            case UINT64, INT64 -> out.u64((Long) v);
            case FLOAT32 -> out.u32(Float.floatToRawIntBits((Float) v));
            case FLOAT64 -> out.u64(Double.doubleToRawLongBits((Double) v));
            case BOOL -> out.write((Boolean) v ? 1 : 0);
            case STRING -> out.string((String) v);
            case ARRAY -> writeArray(out, (GgufArray) v);
        }
    }

    private static void writeArray(Out out, GgufArray a) {
        out.u32(a.elementType().id());
        out.u64(a.length());
        switch (a.values()) {
            case byte[] b -> out.write(b, 0, b.length);
            case short[] s -> {
                for (short x : s) {
                    out.u16(x);
                }
            }
            case int[] s -> {
                for (int x : s) {
                    out.u32(x);
                }
            }
            case long[] s -> {
                for (long x : s) {
                    out.u64(x);
                }
            }
            case float[] s -> {
                for (float x : s) {
                    out.u32(Float.floatToRawIntBits(x));
                }
            }
            case double[] s -> {
                for (double x : s) {
                    out.u64(Double.doubleToRawLongBits(x));
                }
            }
            case boolean[] s -> {
                for (boolean x : s) {
                    out.write(x ? 1 : 0);
                }
            }
            case List<?> list -> {
                for (Object o : list) {
                    if (o instanceof String s) {
                        out.string(s);
                    } else {
                        writeArray(out, (GgufArray) o);
                    }
                }
            }
            default -> throw new IllegalStateException("unexpected array backing " + a.values().getClass());
        }
    }

    private static Object normalise(String key, GgufValueType type, Object value) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value of " + key);
        if (type.isInteger()) {
            if (!(value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte)) {
                throw new IllegalArgumentException("metadata '" + key + "' of type " + type + " needs an integer, not " + value);
            }
            long v = ((Number) value).longValue();
            long min = switch (type) {
                case UINT8, UINT16, UINT32 -> 0;
                case INT8 -> Byte.MIN_VALUE;
                case INT16 -> Short.MIN_VALUE;
                case INT32 -> Integer.MIN_VALUE;
                default -> Long.MIN_VALUE;
            };
            long max = switch (type) {
                case UINT8 -> 0xff;
                case INT8 -> Byte.MAX_VALUE;
                case UINT16 -> 0xffff;
                case INT16 -> Short.MAX_VALUE;
                case UINT32 -> 0xffff_ffffL;
                case INT32 -> Integer.MAX_VALUE;
                default -> Long.MAX_VALUE;
            };
            if (v < min || v > max) {
                throw new IllegalArgumentException("metadata '" + key + "' value " + v + " does not fit " + type);
            }
            return v;
        }
        return switch (type) {
            case FLOAT32 -> ((Number) expect(key, type, value, Number.class)).floatValue();
            case FLOAT64 -> ((Number) expect(key, type, value, Number.class)).doubleValue();
            case BOOL -> expect(key, type, value, Boolean.class);
            case STRING -> expect(key, type, value, String.class);
            case ARRAY -> expect(key, type, value, GgufArray.class);
            default -> throw new AssertionError(type);
        };
    }

    private static Object expect(String key, GgufValueType type, Object value, Class<?> cls) {
        if (!cls.isInstance(value)) {
            throw new IllegalArgumentException("metadata '" + key + "' of type " + type + " needs a " + cls.getSimpleName()
                    + ", not " + value.getClass().getSimpleName());
        }
        return value;
    }

    private void writeTensor(FileChannel ch, Pending p) throws IOException {
        if (p.raw != null) {
            writeSegment(ch, p.raw);
            return;
        }
        Tensor src = p.source;
        if (GgmlType.of(src.dtype()) == p.type) {
            writeSegment(ch, src.segment());
            return;
        }
        long n = src.numel();
        // Chunks of whole 32-element blocks (row lengths are multiples of 32 for Q8_0 too).
        float[] x = new float[CHUNK_ELEMENTS];
        int size = p.type == GgmlType.Q8_0 ? Q8_0.BLOCK_BYTES : p.type == GgmlType.F32 ? 4 : 2;
        int perChunk = p.type == GgmlType.Q8_0 ? CHUNK_ELEMENTS / Q8_0.BLOCK : CHUNK_ELEMENTS;
        byte[] out = new byte[perChunk * size];
        ByteBuffer le = ByteBuffer.wrap(out).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (long from = 0; from < n; from += CHUNK_ELEMENTS) {
            int m = (int) Math.min(CHUNK_ELEMENTS, n - from);
            read(src, from, x, m);
            int bytes;
            switch (p.type) {
                case Q8_0 -> {
                    Q8_0.quantize(x, m, out, 0);
                    bytes = m / Q8_0.BLOCK * Q8_0.BLOCK_BYTES;
                }
                case F32 -> {
                    le.asFloatBuffer().put(x, 0, m);
                    bytes = 4 * m;
                }
                case F16 -> {
                    for (int i = 0; i < m; i++) {
                        le.putShort(2 * i, Float.floatToFloat16(x[i]));
                    }
                    bytes = 2 * m;
                }
                default -> {
                    for (int i = 0; i < m; i++) {
                        le.putShort(2 * i, toBf16(x[i]));
                    }
                    bytes = 2 * m;
                }
            }
            writeFully(ch, ByteBuffer.wrap(out, 0, bytes));
        }
    }

    /** Elements {@code [from, from + m)} of {@code src} as floats. */
    private static void read(Tensor src, long from, float[] x, int m) {
        if (src.dtype() == dev.zoft.tensor.DType.F32) {
            MemorySegment.copy(src.segment(), Tensor.F32_LE, from * 4, x, 0, m);
        } else {
            for (int i = 0; i < m; i++) {
                x[i] = src.getFloat(from + i);
            }
        }
    }

    /** F32 to BF16 with round-to-nearest-even, as PyTorch converts; NaN stays a (quiet) NaN. */
    static short toBf16(float x) {
        int bits = Float.floatToRawIntBits(x);
        if (Float.isNaN(x)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }

    private static void writeSegment(FileChannel ch, MemorySegment data) throws IOException {
        long chunk = 1L << 30;
        for (long off = 0; off < data.byteSize(); off += chunk) {
            writeFully(ch, data.asSlice(off, Math.min(chunk, data.byteSize() - off)).asByteBuffer());
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            ch.write(buffer);
        }
    }

    /** A little-endian byte sink for the header. */
    private static final class Out extends ByteArrayOutputStream {
        Out() {
            super(1 << 16);
        }

        void u16(int v) {
            write(v);
            write(v >>> 8);
        }

        void u32(int v) {
            u16(v);
            u16(v >>> 16);
        }

        void u64(long v) {
            u32((int) v);
            u32((int) (v >>> 32));
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            write(b, 0, b.length);
        }
    }
}
