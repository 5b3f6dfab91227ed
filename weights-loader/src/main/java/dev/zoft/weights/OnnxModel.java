package dev.zoft.weights;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An ONNX model file, memory-mapped: the main graph's nodes and initializers, with tensors served
 * as slices of the mapping.
 *
 * <p>Initializers stored in {@code raw_data}, or in a single packed {@code float_data} run, are
 * zero-copy slices of the mapped file. Values scattered over several fields ({@code float_data}
 * written unpacked or in several runs, FLOAT16/BFLOAT16 kept as uint16 in {@code int32_data}) are
 * decoded once into an off-heap arena owned by this model. FLOAT, FLOAT16 and BFLOAT16 are
 * loaded; other types are reported by {@link #unsupportedReason} and their values are reachable
 * only through {@link #int64Values}/{@link #floatValues} for small constants. Weights in external
 * files ({@code external_data}) are not read: asking for one is an error that says so.
 *
 * <p>Closing the model unmaps the file and frees decoded tensors.
 */
public final class OnnxModel implements AutoCloseable {
    private static final ValueLayout.OfLong I64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Largest constant {@link #int64Values}/{@link #floatValues} copies onto the heap. */
    private static final long MAX_SMALL_VALUES = 1 << 20;

    private final MappedFile file;
    private final OnnxParser.Parsed parsed;
    private final Map<String, OnnxTensorInfo> initializers;
    private final Map<String, OnnxTensorInfo> constants;
    private final Map<String, OnnxNode> producers;
    private final Map<String, List<OnnxNode>> consumers;
    private final Map<OnnxTensorInfo, Tensor> materialized = new IdentityHashMap<>();
    private Arena decoded;

    private OnnxModel(MappedFile file, OnnxParser.Parsed parsed) {
        this.file = file;
        this.parsed = parsed;
        Map<String, OnnxTensorInfo> inits = new LinkedHashMap<>();
        for (OnnxTensorInfo t : parsed.initializers()) {
            if (inits.put(t.name(), t) != null) {
                throw new WeightFormatException(file.path(), "two initializers named '" + t.name() + "'");
            }
        }
        this.initializers = Collections.unmodifiableMap(inits);
        Map<String, OnnxTensorInfo> consts = new HashMap<>();
        Map<String, OnnxNode> prod = new HashMap<>();
        Map<String, List<OnnxNode>> cons = new HashMap<>();
        for (OnnxNode n : parsed.nodes()) {
            for (String out : n.outputs()) {
                prod.put(out, n);
            }
            for (String in : n.inputs()) {
                if (!in.isEmpty()) {
                    cons.computeIfAbsent(in, k -> new ArrayList<>(2)).add(n);
                }
            }
            if (n.opType().equals("Constant") && n.outputs().size() == 1) {
                n.attribute("value").map(OnnxAttribute::tensor).ifPresent(t -> consts.put(n.outputs().getFirst(), t));
            }
        }
        this.constants = consts;
        this.producers = prod;
        this.consumers = cons;
    }

    /** Maps and parses {@code path}; only the graph's metadata goes to the heap. */
    public static OnnxModel open(Path path) {
        MappedFile mapped = MappedFile.open(path);
        try {
            return new OnnxModel(mapped, OnnxParser.parse(path, mapped.segment()));
        } catch (RuntimeException e) {
            mapped.close();
            throw e;
        }
    }

    /**
     * Loads every FLOAT/FLOAT16/BFLOAT16 initializer under its ONNX name into a store that owns
     * the model; other initializers are listed in {@link TensorStore#unsupported()}.
     */
    public static TensorStore load(Path path) {
        OnnxModel model = open(path);
        TensorStore.Builder b = TensorStore.builder(path.toString()).file(path).owns(model);
        try {
            model.describe(b);
            for (OnnxTensorInfo info : model.initializers.values()) {
                String why = model.unsupportedReason(info);
                if (why == null) {
                    b.put(info.name(), model.tensor(info));
                } else {
                    b.unsupported(info.name(), why);
                }
            }
            return b.build();
        } catch (RuntimeException e) {
            b.abort();
            throw e;
        }
    }

    /** Puts the producer, versions and metadata_props into {@code builder}'s metadata. */
    void describe(TensorStore.Builder builder) {
        builder.metadata("format", "onnx");
        builder.metadata("ir_version", Long.toString(parsed.irVersion()));
        builder.metadata("producer", (parsed.producerName() + " " + parsed.producerVersion()).trim());
        parsed.opsetImports().forEach((d, v) -> builder.metadata("opset" + (d.isEmpty() ? "" : "." + d), Long.toString(v)));
        builder.metadata(parsed.metadataProps());
    }

    public Path path() {
        return file.path();
    }

    public long irVersion() {
        return parsed.irVersion();
    }

    public String producerName() {
        return parsed.producerName();
    }

    public String producerVersion() {
        return parsed.producerVersion();
    }

    /** Operator set versions by domain ("" is the default ONNX domain). */
    public Map<String, Long> opsetImports() {
        return Collections.unmodifiableMap(parsed.opsetImports());
    }

    public String graphName() {
        return parsed.graphName();
    }

    /** Nodes of the main graph, in file order (which exporters keep topological). */
    public List<OnnxNode> nodes() {
        return parsed.nodes();
    }

    public List<String> graphInputs() {
        return parsed.inputs();
    }

    public List<String> graphOutputs() {
        return parsed.outputs();
    }

    /** Sparse initializers are counted but not loaded. */
    public int sparseInitializerCount() {
        return parsed.sparseInitializers();
    }

    /** Initializers of the main graph by name, in file order. */
    public Map<String, OnnxTensorInfo> initializers() {
        return initializers;
    }

    /** The node producing value {@code name}, if a node does (graph inputs and initializers have none). */
    public Optional<OnnxNode> producer(String name) {
        return Optional.ofNullable(producers.get(name));
    }

    /** The nodes consuming value {@code name}, in file order. */
    public List<OnnxNode> consumers(String name) {
        return consumers.getOrDefault(name, List.of());
    }

    /** The tensor behind value {@code name}: an initializer or the output of a Constant node. */
    public Optional<OnnxTensorInfo> constant(String name) {
        OnnxTensorInfo t = initializers.get(name);
        return Optional.ofNullable(t != null ? t : constants.get(name));
    }

    /** Why {@code info} cannot be served as a tensor, or null when it can. */
    public String unsupportedReason(OnnxTensorInfo info) {
        OnnxDataType type = info.dataType();
        if (type == null || type.dtype() == null) {
            return "data type " + OnnxDataType.describe(info.dataTypeCode()) + " (zoft loads FLOAT, FLOAT16 and BFLOAT16)";
        }
        if (info.external) {
            return "stored in an external data file, which zoft does not read";
        }
        if (info.segmented) {
            return "stored in segments, which zoft does not read";
        }
        return null;
    }

    /** The initializer {@code name} as a tensor (see the class comment for which are copied). */
    public Tensor tensor(String name) {
        OnnxTensorInfo info = initializers.get(name);
        if (info == null) {
            throw new WeightFormatException(path(), "no initializer named '" + name + "'");
        }
        return tensor(info);
    }

    /** The tensor {@code info} describes: a slice of the mapping, or a one-time off-heap decode. */
    public synchronized Tensor tensor(OnnxTensorInfo info) {
        Tensor cached = materialized.get(info);
        if (cached != null) {
            return cached;
        }
        String why = unsupportedReason(info);
        if (why != null) {
            throw new WeightFormatException(path(), "tensor '" + info.name() + "' is not loadable: " + why);
        }
        DType dtype = info.dataType().dtype();
        long[] dims = info.dims();
        long numel = info.numel();
        long bytes;
        try {
            bytes = Math.multiplyExact(numel, (long) dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new WeightFormatException(path(), "tensor '" + info.name() + "' with dims " + Arrays.toString(dims) + " is too large");
        }
        Tensor t = switch (info.storage()) {
            case RAW -> {
                if (info.rawLength != bytes) {
                    throw new WeightFormatException(path(), "tensor '" + info.name() + "' is " + info.dataType()
                            + Arrays.toString(dims) + " = " + bytes + " bytes but raw_data holds " + info.rawLength + " bytes");
                }
                yield Tensor.wrap(file.slice(info.rawOffset, bytes, "raw_data of '" + info.name() + "'"), dtype, dims);
            }
            case FLOAT_DATA -> {
                requireCount(info, dtype == DType.F32, info.floatCount, numel, "float_data");
                if (info.floatRuns == 1) {
                    yield Tensor.wrap(file.slice(info.floatRunOffset, bytes, "float_data of '" + info.name() + "'"), dtype, dims);
                }
                yield decode(info, OnnxParser.TENSOR_FLOAT_DATA, dtype, dims, bytes);
            }
            case INT32_DATA -> {
                requireCount(info, dtype != DType.F32, info.int32Count, numel, "int32_data");
                yield decode(info, OnnxParser.TENSOR_INT32_DATA, dtype, dims, bytes);
            }
            case NONE -> {
                if (numel != 0) {
                    throw new WeightFormatException(path(), "tensor '" + info.name() + "' has dims " + Arrays.toString(dims)
                            + " but no data");
                }
                yield Tensor.wrap(MemorySegment.NULL, dtype, dims);
            }
            case INT64_DATA, OTHER -> throw new WeightFormatException(path(), "tensor '" + info.name() + "' of type "
                    + info.dataType() + " stores its values in a field that does not fit its type");
        };
        materialized.put(info, t);
        return t;
    }

    private void requireCount(OnnxTensorInfo info, boolean fieldFits, long count, long numel, String field) {
        if (!fieldFits) {
            throw new WeightFormatException(path(), "tensor '" + info.name() + "' of type " + info.dataType()
                    + " stores its values in " + field + ", which does not hold that type");
        }
        if (count != numel) {
            throw new WeightFormatException(path(), "tensor '" + info.name() + "' has dims " + Arrays.toString(info.dims())
                    + " (" + numel + " elements) but " + field + " holds " + count + " values");
        }
    }

    /**
     * Second pass over one tensor message, writing its scattered values into off-heap memory.
     * The element count was checked against what the first pass found in the file, so the
     * allocation is bounded by the file's own size.
     */
    private Tensor decode(OnnxTensorInfo info, int field, DType dtype, long[] dims, long bytes) {
        if (decoded == null) {
            decoded = Arena.ofShared();
        }
        Tensor out = Tensor.allocate(decoded, dtype, dims);
        MemorySegment dst = out.segment();
        long n = 0;
        long numel = bytes / dtype.byteSize();
        CodedInputStream in = OnnxParser.reader(file.segment(), info.messageOffset, info.messageLength);
        try {
            while (!in.isAtEnd()) {
                int tag = in.readTag();
                if (WireFormat.getTagFieldNumber(tag) != field) {
                    in.skipField(tag);
                    continue;
                }
                boolean packed = WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
                int old = packed ? in.pushLimit(in.readRawVarint32()) : -1;
                do {
                    if (n >= numel) {
                        throw new WeightFormatException(path(), "tensor '" + info.name() + "' holds more values than its dims");
                    }
                    if (field == OnnxParser.TENSOR_FLOAT_DATA) {
                        dst.setAtIndex(Tensor.F32_LE, n++, in.readFloat());
                    } else {
                        int v = in.readInt32();
                        if (v < 0 || v > 0xffff) {
                            throw new WeightFormatException(path(), "tensor '" + info.name() + "' of type " + info.dataType()
                                    + " holds " + v + " in int32_data, not a 16-bit pattern");
                        }
                        dst.setAtIndex(Tensor.U16_LE, n++, (short) v);
                    }
                } while (packed && !in.isAtEnd());
                if (packed) {
                    in.popLimit(old);
                }
            }
        } catch (IOException e) {
            throw new WeightFormatException(path(), "malformed values of tensor '" + info.name() + "': " + e.getMessage(), e);
        }
        if (n != numel) {
            throw new WeightFormatException(path(), "tensor '" + info.name() + "' holds " + n + " values for " + numel + " elements");
        }
        return out;
    }

    /**
     * The values of a small integer constant (an INT64 or INT32 initializer or Constant output),
     * e.g. the target shape of a Reshape.
     */
    public long[] int64Values(String name) {
        OnnxTensorInfo info = constant(name).orElseThrow(() ->
                new WeightFormatException(path(), "no constant named '" + name + "'"));
        OnnxDataType type = info.dataType();
        long numel = info.numel();
        if (numel > MAX_SMALL_VALUES) {
            throw new WeightFormatException(path(), "constant '" + name + "' has " + numel + " values, too many to read");
        }
        if (type != OnnxDataType.INT64 && type != OnnxDataType.INT32) {
            throw new WeightFormatException(path(), "constant '" + name + "' is " + OnnxDataType.describe(info.dataTypeCode())
                    + ", not an integer type");
        }
        long[] out = new long[(int) numel];
        if (info.storage() == OnnxTensorInfo.Storage.RAW) {
            long size = type.byteSize();
            if (info.rawLength != numel * size) {
                throw new WeightFormatException(path(), "constant '" + name + "' has " + numel + " values but raw_data of "
                        + info.rawLength + " bytes");
            }
            MemorySegment raw = file.slice(info.rawOffset, info.rawLength, "raw_data of '" + name + "'");
            for (int i = 0; i < out.length; i++) {
                out[i] = type == OnnxDataType.INT64 ? raw.getAtIndex(I64_LE, i)
                        : raw.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i);
            }
            return out;
        }
        int field = type == OnnxDataType.INT64 ? OnnxParser.TENSOR_INT64_DATA : OnnxParser.TENSOR_INT32_DATA;
        long count = type == OnnxDataType.INT64 ? info.int64Count : info.int32Count;
        if (count != numel) {
            throw new WeightFormatException(path(), "constant '" + name + "' has " + numel + " elements but " + count + " values");
        }
        CodedInputStream in = OnnxParser.reader(file.segment(), info.messageOffset, info.messageLength);
        int n = 0;
        try {
            while (!in.isAtEnd()) {
                int tag = in.readTag();
                if (WireFormat.getTagFieldNumber(tag) != field) {
                    in.skipField(tag);
                    continue;
                }
                boolean packed = WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
                int old = packed ? in.pushLimit(in.readRawVarint32()) : -1;
                do {
                    if (n >= out.length) {
                        throw new WeightFormatException(path(), "constant '" + name + "' holds more values than its dims");
                    }
                    out[n++] = in.readInt64();
                } while (packed && !in.isAtEnd());
                if (packed) {
                    in.popLimit(old);
                }
            }
        } catch (IOException e) {
            throw new WeightFormatException(path(), "malformed values of constant '" + name + "': " + e.getMessage(), e);
        }
        return out;
    }

    /** The values of a small float constant (FLOAT, FLOAT16 or BFLOAT16), e.g. a LayerNorm epsilon. */
    public float[] floatValues(String name) {
        OnnxTensorInfo info = constant(name).orElseThrow(() ->
                new WeightFormatException(path(), "no constant named '" + name + "'"));
        if (info.numel() > MAX_SMALL_VALUES) {
            throw new WeightFormatException(path(), "constant '" + name + "' has " + info.numel() + " values, too many to read");
        }
        return tensor(info).toFloatArray();
    }

    @Override
    public synchronized void close() {
        try {
            if (decoded != null) {
                decoded.close();
            }
        } finally {
            file.close();
        }
    }

    @Override
    public String toString() {
        return "OnnxModel[" + path() + ", " + parsed.nodes().size() + " nodes, " + initializers.size() + " initializers]";
    }
}
