package dev.zoft.weights.gguf;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.weights.MappedFile;
import dev.zoft.weights.TensorStore;
import dev.zoft.weights.WeightFormatException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A GGUF file (llama.cpp's model format, versions 2 and 3), memory-mapped read-only.
 *
 * <p>Layout (little-endian):
 * <pre>
 *   uint32 magic "GGUF"; uint32 version; uint64 tensor_count; uint64 metadata_kv_count
 *   metadata_kv_count x { string key; uint32 value_type; value }        (see {@link GgufValueType})
 *   tensor_count x { string name; uint32 n_dims; uint64 ne[n_dims]; uint32 ggml_type; uint64 offset }
 *   padding to general.alignment (default 32)
 *   tensor data; each tensor at data_start + offset, offset a multiple of the alignment
 * </pre>
 * Strings are a uint64 byte length then UTF-8 bytes. Version 1 (32-bit counts and lengths) is
 * rejected with a message saying so; version 2 has the same layout as 3 (3 only added big-endian
 * files, which are rejected).
 *
 * <p>The whole header is parsed and checked at {@link #open}: every count and length against the
 * bytes left in the file before anything is allocated, known value and tensor types, array
 * nesting depth, alignment a power of two, dims non-negative with no 64-bit overflow, row lengths
 * a multiple of the type's block, tensor ranges aligned, inside the file and not overlapping,
 * names unique. A damaged or hostile file ends in {@link WeightFormatException}, never in a crash
 * or an out-of-memory error (metadata is decoded onto the heap within a budget of a quarter of
 * the maximum heap; a 150k-token vocabulary with its merges takes ~30 MB).
 *
 * <p><b>Tensors.</b> {@link #tensors()} gives F32, F16 and BF16 tensors as read-only slices of the
 * mapping, with row-major shapes (GGUF lists dims fastest-first; they are reversed). Q8_0 tensors
 * are dequantised once, at the first call, into an off-heap F32 arena owned by the store: 4 bytes
 * per weight instead of 34/32, a 3.8x larger footprint for those tensors, in exchange for every
 * kernel reading them as plain F32. Other quantised types are listed in
 * {@link TensorStore#unsupported()}; their raw bytes remain available through {@link #data}.
 * The user's file is never written: a trainer copies the tensors it trains into its own F32 arena.
 *
 * <p>The file and its store share one lifetime: closing either one unmaps the file and frees the
 * dequantised tensors.
 */
public final class GgufFile implements AutoCloseable {
    /** "GGUF" read as a little-endian uint32. */
    public static final int MAGIC = 0x46554747;
    /** Alignment of the data section when {@code general.alignment} is absent. */
    public static final long DEFAULT_ALIGNMENT = 32;
    /** The metadata key that overrides the alignment. */
    public static final String ALIGNMENT_KEY = "general.alignment";
    /** ggml's GGML_MAX_DIMS. */
    public static final int MAX_DIMS = 4;
    /** Deepest array-of-arrays nesting accepted (real files use none). */
    public static final int MAX_ARRAY_DEPTH = 8;
    /** Largest alignment accepted (real files use 32). */
    public static final long MAX_ALIGNMENT = 1L << 30;

    private final Path path;
    private final MappedFile mapped;
    private final int version;
    private final GgufMetadata metadata;
    private final List<GgufTensorInfo> tensorInfos;
    private final long alignment;
    private final long dataStart;
    private TensorStore store;
    private boolean closed;

    private GgufFile(Path path, MappedFile mapped, int version, GgufMetadata metadata,
                     List<GgufTensorInfo> tensorInfos, long alignment, long dataStart) {
        this.path = path;
        this.mapped = mapped;
        this.version = version;
        this.metadata = metadata;
        this.tensorInfos = tensorInfos;
        this.alignment = alignment;
        this.dataStart = dataStart;
    }

    /**
     * Maps {@code path} read-only and parses its header.
     *
     * @throws WeightFormatException naming the file and the problem when it is missing, truncated,
     *                               of another version or inconsistent
     */
    public static GgufFile open(Path path) {
        return open(path, GgufCursor.HEAP_BUDGET);
    }

    /** {@link #open(Path)} with another metadata heap budget (tests use a small one). */
    static GgufFile open(Path path, long heapBudget) {
        MappedFile mapped = MappedFile.open(path);
        try {
            return parse(path, mapped, heapBudget);
        } catch (RuntimeException e) {
            mapped.close();
            throw e;
        }
    }

    private static GgufFile parse(Path path, MappedFile mapped, long heapBudget) {
        GgufCursor c = new GgufCursor(path, mapped.segment(), heapBudget);
        int magic = c.u32("magic");
        if (magic != MAGIC) {
            throw c.fail("not a GGUF file: magic is 0x" + Integer.toHexString(Integer.reverseBytes(magic))
                    + " (bytes), expected \"GGUF\"");
        }
        int version = c.u32("version");
        if (version == 1) {
            throw c.fail("GGUF version 1 is not supported (it uses 32-bit counts and lengths); "
                    + "re-convert the model with a current llama.cpp, which writes version 3");
        }
        if (version != 2 && version != 3) {
            int swapped = Integer.reverseBytes(version);
            if (swapped >= 1 && swapped <= 3) {
                throw c.fail("big-endian GGUF (version " + swapped + ") is not supported; use a little-endian file");
            }
            throw c.fail("GGUF version " + Integer.toUnsignedString(version) + " is not supported (this reader reads 2 and 3)");
        }
        long tensorCount = c.u64("tensor count");
        long kvCount = c.u64("metadata count");
        // Smallest possible entries: a key is an 8-byte length + a 4-byte type + a 1-byte value; a tensor
        // info an 8-byte name length + n_dims + type + offset.
        c.requireCount(kvCount, 13, "metadata count");
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, GgufValueType> types = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            long at = c.position();
            String key = c.string("metadata key #" + i);
            GgufValueType type = valueType(c, c.u32("type of metadata key '" + key + "'"), "metadata key '" + key + "'");
            Object value = readValue(c, type, key, 0);
            if (values.put(key, value) != null) {
                throw c.fail("metadata key '" + key + "' appears twice (second at offset " + at + ")");
            }
            types.put(key, type);
        }
        GgufMetadata metadata = new GgufMetadata(path.toString(), values, types);
        long alignment = alignmentOf(c, metadata);

        c.requireCount(tensorCount, 24, "tensor count");
        List<GgufTensorInfo> infos = new ArrayList<>((int) Math.min(tensorCount, 1 << 16));
        Set<String> names = new HashSet<>();
        for (long i = 0; i < tensorCount; i++) {
            GgufTensorInfo info = readTensorInfo(c, i, alignment);
            if (!names.add(info.name())) {
                throw c.fail("two tensors named '" + info.name() + "'");
            }
            infos.add(info);
        }
        long dataStart = alignUp(c.position(), alignment);
        if (!infos.isEmpty()) {
            checkRanges(c, infos, dataStart);
        }
        return new GgufFile(path, mapped, version, metadata, Collections.unmodifiableList(infos), alignment, dataStart);
    }

    private static GgufValueType valueType(GgufCursor c, int id, String what) {
        GgufValueType t = GgufValueType.byId(Integer.toUnsignedLong(id));
        if (t == null) {
            throw c.fail(what + " has unknown value type " + Integer.toUnsignedString(id) + " at offset " + (c.position() - 4));
        }
        return t;
    }

    private static Object readValue(GgufCursor c, GgufValueType type, String key, int depth) {
        String what = "value of '" + key + "'";
        return switch (type) {
            case UINT8 -> (long) (c.u8(what) & 0xff);
            case INT8 -> (long) c.u8(what);
            case UINT16 -> (long) (c.u16(what) & 0xffff);
            case INT16 -> (long) c.u16(what);
            case UINT32 -> Integer.toUnsignedLong(c.u32(what));
            case INT32 -> (long) c.u32(what);
            case UINT64, INT64 -> c.u64(what);
            case FLOAT32 -> c.f32(what);
            case FLOAT64 -> c.f64(what);
            case BOOL -> bool(c, c.u8(what), key);
            case STRING -> c.string(what);
            case ARRAY -> readArray(c, key, depth + 1);
        };
    }

    private static boolean bool(GgufCursor c, byte b, String key) {
        if (b != 0 && b != 1) {
            throw c.fail("bool in '" + key + "' at offset " + (c.position() - 1) + " is " + (b & 0xff) + ", neither 0 nor 1");
        }
        return b == 1;
    }

    private static GgufArray readArray(GgufCursor c, String key, int depth) {
        if (depth > MAX_ARRAY_DEPTH) {
            throw c.fail("metadata key '" + key + "' nests arrays deeper than " + MAX_ARRAY_DEPTH + " levels");
        }
        GgufValueType type = valueType(c, c.u32("array type of '" + key + "'"), "array '" + key + "'");
        long n = c.u64("array length of '" + key + "'");
        c.requireCount(n, type.minBytes(), "array '" + key + "' of " + type + " with length");
        if (n > GgufCursor.MAX_JAVA_ARRAY) {
            throw c.fail("array '" + key + "' of " + n + " elements is longer than a Java array can be");
        }
        int len = (int) n;
        // the Java array or list itself; strings and nested arrays charge their own contents
        c.charge(16 + n * switch (type) {
            case UINT8, INT8, BOOL -> 1;
            case UINT16, INT16 -> 2;
            case UINT32, INT32, FLOAT32, STRING -> 4;
            case ARRAY -> 40;
            default -> 8;
        }, "array '" + key + "'");
        Object values = switch (type) {
            case UINT8, INT8 -> copied(c, ValueLayout.JAVA_BYTE, new byte[len]);
            case UINT16, INT16 -> copied(c, GgufCursor.I16, new short[len]);
            case UINT32, INT32 -> copied(c, GgufCursor.I32, new int[len]);
            case UINT64, INT64 -> copied(c, GgufCursor.I64, new long[len]);
            case FLOAT32 -> copied(c, GgufCursor.F32, new float[len]);
            case FLOAT64 -> copied(c, GgufCursor.F64, new double[len]);
            case BOOL -> {
                boolean[] b = new boolean[len];
                for (int i = 0; i < len; i++) {
                    b[i] = bool(c, c.u8("array '" + key + "'"), key);
                }
                yield b;
            }
            case STRING -> {
                String[] s = new String[len];
                for (int i = 0; i < len; i++) {
                    s[i] = c.string("element " + i + " of array '" + key + "'");
                }
                yield Arrays.asList(s);
            }
            case ARRAY -> {
                GgufArray[] a = new GgufArray[len];
                for (int i = 0; i < len; i++) {
                    a[i] = readArray(c, key, depth + 1);
                }
                yield Arrays.asList(a);
            }
        };
        return GgufArray.of(type, values);
    }

    private static Object copied(GgufCursor c, ValueLayout layout, Object array) {
        c.copy(layout, array, java.lang.reflect.Array.getLength(array));
        return array;
    }

    private static long alignmentOf(GgufCursor c, GgufMetadata metadata) {
        if (!metadata.contains(ALIGNMENT_KEY)) {
            return DEFAULT_ALIGNMENT;
        }
        GgufValueType t = metadata.type(ALIGNMENT_KEY);
        if (!t.isInteger()) {
            throw c.fail(ALIGNMENT_KEY + " is " + t + ", expected UINT32");
        }
        long a = (Long) metadata.get(ALIGNMENT_KEY);
        if (a <= 0 || a > MAX_ALIGNMENT || Long.bitCount(a) != 1) {
            throw c.fail(ALIGNMENT_KEY + " is " + Long.toUnsignedString(a) + ", not a power of two in [1, " + MAX_ALIGNMENT + "]");
        }
        return a;
    }

    private static GgufTensorInfo readTensorInfo(GgufCursor c, long index, long alignment) {
        String name = c.string("name of tensor #" + index);
        int nDims = c.u32("dimension count of tensor '" + name + "'");
        if (nDims < 0 || nDims > MAX_DIMS) {
            throw c.fail("tensor '" + name + "' has " + Integer.toUnsignedString(nDims) + " dimensions (at most " + MAX_DIMS + ")");
        }
        long[] dims = new long[nDims];
        for (int d = 0; d < nDims; d++) {
            dims[d] = c.u64("dimension " + d + " of tensor '" + name + "'");
            if (dims[d] < 0) {
                throw c.fail("tensor '" + name + "' has dimension " + Long.toUnsignedString(dims[d]) + ", above 2^63");
            }
        }
        int typeId = c.u32("type of tensor '" + name + "'");
        GgmlType type = GgmlType.byId(Integer.toUnsignedLong(typeId));
        if (type == null) {
            throw c.fail("tensor '" + name + "' has unknown GGML type " + Integer.toUnsignedString(typeId));
        }
        long offset = c.u64("offset of tensor '" + name + "'");
        if (offset < 0 || offset % alignment != 0) {
            throw c.fail("tensor '" + name + "' has offset " + Long.toUnsignedString(offset)
                    + ", not a multiple of the alignment " + alignment);
        }
        long bytes;
        try {
            long numel = 1;
            for (long d : dims) {
                numel = Math.multiplyExact(numel, d);
            }
            bytes = type.byteSize(numel, nDims == 0 ? 1 : dims[0]);
        } catch (ArithmeticException e) {
            throw c.fail("tensor '" + name + "' with dims " + Arrays.toString(dims) + " overflows 64 bits");
        } catch (IllegalArgumentException e) {
            throw c.fail("tensor '" + name + "': " + e.getMessage());
        }
        return new GgufTensorInfo(name, dims, type, offset, bytes);
    }

    private static void checkRanges(GgufCursor c, List<GgufTensorInfo> infos, long dataStart) {
        if (dataStart > c.size()) {
            throw c.fail("the tensor data section would start at " + dataStart + ", past the end of the file (" + c.size() + " bytes)");
        }
        long dataSize = c.size() - dataStart;
        List<GgufTensorInfo> sorted = new ArrayList<>(infos);
        sorted.sort(Comparator.comparingLong(GgufTensorInfo::offset));
        GgufTensorInfo previous = null;
        long previousEnd = 0;
        for (GgufTensorInfo t : sorted) {
            if (t.offset() > dataSize || t.byteSize() > dataSize - t.offset()) {
                throw c.fail("tensor '" + t.name() + "' (" + t.byteSize() + " bytes at data offset " + t.offset()
                        + ") runs past the end of the file (data section of " + dataSize + " bytes from " + dataStart + ")");
            }
            if (previous != null && t.offset() < previousEnd) {
                throw c.fail("tensors '" + previous.name() + "' and '" + t.name() + "' overlap");
            }
            if (previous == null || t.offset() + t.byteSize() > previousEnd) {
                previous = t;
                previousEnd = t.offset() + t.byteSize();
            }
        }
    }

    static long alignUp(long position, long alignment) {
        return Math.ceilDiv(position, alignment) * alignment;
    }

    public Path path() {
        return path;
    }

    /** The file's format version (2 or 3). */
    public int version() {
        return version;
    }

    public GgufMetadata metadata() {
        return metadata;
    }

    /** The tensor-info table, in file order. */
    public List<GgufTensorInfo> tensorInfos() {
        return tensorInfos;
    }

    /** The data section's alignment ({@code general.alignment}, default 32). */
    public long alignment() {
        return alignment;
    }

    /** File offset of the tensor data section. */
    public long dataStart() {
        return dataStart;
    }

    /** The info of tensor {@code name}. */
    public GgufTensorInfo tensorInfo(String name) {
        for (GgufTensorInfo t : tensorInfos) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        throw new WeightFormatException(path, "no tensor named '" + name + "'");
    }

    /** The raw bytes of a tensor, whatever its type (a read-only slice of the mapping). */
    public MemorySegment data(GgufTensorInfo info) {
        requireOpen();
        return mapped.slice(dataStart + info.offset(), info.byteSize(), "tensor '" + info.name() + "'");
    }

    /**
     * Every loadable tensor under its GGUF name with a row-major shape: F32, F16 and BF16 mapped
     * as they are, Q8_0 dequantised to F32 (see the class comment). Built at the first call; the
     * store's metadata holds the scalar metadata values as strings. Closing the store closes this
     * file, and the other way round.
     */
    public synchronized TensorStore tensors() {
        requireOpen();
        if (store != null) {
            return store;
        }
        TensorStore.Builder b = TensorStore.builder(path.toString()).file(path);
        Arena arena = null;
        try {
            b.owns(this);
            for (Map.Entry<String, Object> e : metadata.asMap().entrySet()) {
                if (!(e.getValue() instanceof GgufArray)) {
                    b.metadata(e.getKey(), metadataString(e.getKey(), e.getValue()));
                }
            }
            for (GgufTensorInfo info : tensorInfos) {
                GgmlType type = info.type();
                if (type.dtype() != null) {
                    b.put(info.name(), Tensor.wrap(data(info), type.dtype(), info.shape()));
                } else if (type == GgmlType.Q8_0) {
                    if (arena == null) {
                        arena = Arena.ofShared();
                        b.owns(arena);
                    }
                    b.put(info.name(), Q8_0.dequantize(data(info), arena, info.shape()));
                } else {
                    b.unsupported(info.name(), "GGML type " + type + " (zoft loads F32, F16, BF16 and Q8_0)");
                }
            }
        } catch (RuntimeException e) {
            if (arena != null) {
                arena.close();
            }
            throw e;
        }
        store = b.build();
        return store;
    }

    private String metadataString(String key, Object value) {
        if (metadata.type(key) == GgufValueType.UINT64) {
            return Long.toUnsignedString((Long) value);
        }
        return String.valueOf(value);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("GGUF file " + path + " is closed");
        }
    }

    /** Unmaps the file and frees dequantised tensors (closing the store too). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (store != null) {
            store.close();
        }
        mapped.close();
    }

    @Override
    public String toString() {
        return "GgufFile[" + path + ", v" + version + ", " + metadata.size() + " keys, " + tensorInfos.size() + " tensors]";
    }
}
