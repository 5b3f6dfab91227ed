package dev.zoft.weights;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Walks the protobuf encoding of an ONNX {@code ModelProto} field by field with
 * {@link CodedInputStream}, without generated classes. Field numbers are those of onnx.proto.
 *
 * <p>The decoder reads through a {@link SegmentInputStream} over the mapped file, so payloads
 * ({@code raw_data}, packed {@code float_data}) are skipped, never copied: only their offsets are
 * recorded. Everything that is kept on the heap (names, dims, attributes) is charged to a
 * metadata budget, and every length is checked against the file before it is used, so a hostile
 * file ends in {@link WeightFormatException}, not in an out-of-memory error.
 */
final class OnnxParser {
    /** Longest name or string attribute accepted. */
    static final int MAX_STRING_BYTES = 1 << 16;
    /** Highest tensor rank accepted. */
    static final int MAX_RANK = 64;
    /** Heap the graph's metadata may take, all objects counted roughly. */
    static final long METADATA_BUDGET_BYTES = 256L << 20;

    // ModelProto
    private static final int MODEL_IR_VERSION = 1;
    private static final int MODEL_PRODUCER_NAME = 2;
    private static final int MODEL_PRODUCER_VERSION = 3;
    private static final int MODEL_GRAPH = 7;
    private static final int MODEL_OPSET_IMPORT = 8;
    private static final int MODEL_METADATA_PROPS = 14;
    // OperatorSetIdProto / StringStringEntryProto
    private static final int OPSET_DOMAIN = 1;
    private static final int OPSET_VERSION = 2;
    private static final int ENTRY_KEY = 1;
    private static final int ENTRY_VALUE = 2;
    // GraphProto
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_NAME = 2;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;
    private static final int GRAPH_SPARSE_INITIALIZER = 15;
    // ValueInfoProto
    private static final int VALUE_INFO_NAME = 1;
    // NodeProto
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_ATTRIBUTE = 5;
    private static final int NODE_DOMAIN = 7;
    // AttributeProto
    private static final int ATTR_NAME = 1;
    private static final int ATTR_F = 2;
    private static final int ATTR_I = 3;
    private static final int ATTR_S = 4;
    private static final int ATTR_T = 5;
    private static final int ATTR_FLOATS = 7;
    private static final int ATTR_INTS = 8;
    private static final int ATTR_TYPE = 20;
    // TensorProto
    static final int TENSOR_DIMS = 1;
    static final int TENSOR_DATA_TYPE = 2;
    static final int TENSOR_SEGMENT = 3;
    static final int TENSOR_FLOAT_DATA = 4;
    static final int TENSOR_INT32_DATA = 5;
    static final int TENSOR_STRING_DATA = 6;
    static final int TENSOR_INT64_DATA = 7;
    static final int TENSOR_NAME = 8;
    static final int TENSOR_RAW_DATA = 9;
    static final int TENSOR_DOUBLE_DATA = 10;
    static final int TENSOR_UINT64_DATA = 11;
    static final int TENSOR_EXTERNAL_DATA = 13;
    static final int TENSOR_DATA_LOCATION = 14;

    /** What the walk produced. */
    record Parsed(long irVersion, String producerName, String producerVersion, Map<String, Long> opsetImports,
                  Map<String, String> metadataProps, String graphName, List<OnnxNode> nodes,
                  List<OnnxTensorInfo> initializers, List<String> inputs, List<String> outputs,
                  int sparseInitializers) {
    }

    private final Path path;
    private final long base;
    private final long fileSize;
    private final CodedInputStream in;
    private long budget = METADATA_BUDGET_BYTES;

    private OnnxParser(Path path, MemorySegment file, long base, long fileSize) {
        this.path = path;
        this.base = base;
        this.fileSize = fileSize;
        this.in = CodedInputStream.newInstance(new SegmentInputStream(file), 8192);
    }

    /** Parses the whole mapped file. */
    static Parsed parse(Path path, MemorySegment file) {
        if (file.byteSize() > Integer.MAX_VALUE) {
            throw new WeightFormatException(path, "file of " + file.byteSize() + " bytes exceeds the 2 GB limit of a "
                    + "protobuf message; ONNX models this large keep their weights in external data, which zoft does not read");
        }
        OnnxParser p = new OnnxParser(path, file, 0, file.byteSize());
        try {
            return p.model();
        } catch (IOException e) {
            throw p.fail("malformed protobuf: " + e.getMessage(), e);
        }
    }

    /**
     * Opens a decoder over bytes {@code [offset, offset+length)} of the file, to re-read the value
     * fields of one tensor message (see {@link OnnxModel}).
     */
    static CodedInputStream reader(MemorySegment file, long offset, long length) {
        return CodedInputStream.newInstance(new SegmentInputStream(file.asSlice(offset, length)), 8192);
    }

    private Parsed model() throws IOException {
        long irVersion = 0;
        String producerName = "";
        String producerVersion = "";
        Map<String, Long> opsets = new LinkedHashMap<>();
        Map<String, String> props = new LinkedHashMap<>();
        GraphResult graph = null;
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            switch (WireFormat.getTagFieldNumber(tag)) {
                case MODEL_IR_VERSION -> irVersion = varint(tag, "ir_version");
                case MODEL_PRODUCER_NAME -> producerName = string(tag, "producer_name");
                case MODEL_PRODUCER_VERSION -> producerVersion = string(tag, "producer_version");
                case MODEL_GRAPH -> {
                    if (graph != null) {
                        throw fail("model holds two graphs");
                    }
                    int old = beginMessage(tag, "graph");
                    graph = graph();
                    in.popLimit(old);
                }
                case MODEL_OPSET_IMPORT -> {
                    int old = beginMessage(tag, "opset_import");
                    String domain = "";
                    long version = 0;
                    while (!in.isAtEnd()) {
                        int t = in.readTag();
                        switch (WireFormat.getTagFieldNumber(t)) {
                            case OPSET_DOMAIN -> domain = string(t, "opset domain");
                            case OPSET_VERSION -> version = varint(t, "opset version");
                            default -> skip(t);
                        }
                    }
                    in.popLimit(old);
                    charge(64 + domain.length());
                    opsets.put(domain, version);
                }
                case MODEL_METADATA_PROPS -> {
                    int old = beginMessage(tag, "metadata_props");
                    String key = "";
                    String value = "";
                    while (!in.isAtEnd()) {
                        int t = in.readTag();
                        switch (WireFormat.getTagFieldNumber(t)) {
                            case ENTRY_KEY -> key = string(t, "metadata key");
                            case ENTRY_VALUE -> value = string(t, "metadata value");
                            default -> skip(t);
                        }
                    }
                    in.popLimit(old);
                    props.put(key, value);
                }
                default -> skip(tag);
            }
        }
        if (graph == null) {
            throw fail("no graph: not an ONNX model (or an empty one)");
        }
        return new Parsed(irVersion, producerName, producerVersion, opsets, props, graph.name, graph.nodes,
                graph.initializers, graph.inputs, graph.outputs, graph.sparse);
    }

    private record GraphResult(String name, List<OnnxNode> nodes, List<OnnxTensorInfo> initializers,
                               List<String> inputs, List<String> outputs, int sparse) {
    }

    private GraphResult graph() throws IOException {
        String name = "";
        List<OnnxNode> nodes = new ArrayList<>();
        List<OnnxTensorInfo> initializers = new ArrayList<>();
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        int sparse = 0;
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            switch (WireFormat.getTagFieldNumber(tag)) {
                case GRAPH_NODE -> {
                    int old = beginMessage(tag, "node");
                    nodes.add(node());
                    in.popLimit(old);
                }
                case GRAPH_NAME -> name = string(tag, "graph name");
                case GRAPH_INITIALIZER -> {
                    int old = beginMessage(tag, "initializer");
                    initializers.add(tensor());
                    in.popLimit(old);
                }
                case GRAPH_INPUT -> inputs.add(valueInfoName(tag));
                case GRAPH_OUTPUT -> outputs.add(valueInfoName(tag));
                case GRAPH_SPARSE_INITIALIZER -> {
                    sparse++;
                    skip(tag);
                }
                default -> skip(tag);
            }
        }
        return new GraphResult(name, Collections.unmodifiableList(nodes), Collections.unmodifiableList(initializers),
                List.copyOf(inputs), List.copyOf(outputs), sparse);
    }

    private String valueInfoName(int tag) throws IOException {
        int old = beginMessage(tag, "value_info");
        String name = "";
        while (!in.isAtEnd()) {
            int t = in.readTag();
            if (WireFormat.getTagFieldNumber(t) == VALUE_INFO_NAME) {
                name = string(t, "value_info name");
            } else {
                skip(t);
            }
        }
        in.popLimit(old);
        return name;
    }

    private OnnxNode node() throws IOException {
        String name = "";
        String opType = "";
        String domain = "";
        List<String> inputs = new ArrayList<>(4);
        List<String> outputs = new ArrayList<>(1);
        Map<String, OnnxAttribute> attributes = new LinkedHashMap<>();
        charge(160);
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            switch (WireFormat.getTagFieldNumber(tag)) {
                case NODE_INPUT -> inputs.add(string(tag, "node input"));
                case NODE_OUTPUT -> outputs.add(string(tag, "node output"));
                case NODE_NAME -> name = string(tag, "node name");
                case NODE_OP_TYPE -> opType = string(tag, "op_type");
                case NODE_DOMAIN -> domain = string(tag, "node domain");
                case NODE_ATTRIBUTE -> {
                    int old = beginMessage(tag, "attribute");
                    OnnxAttribute a = attribute();
                    in.popLimit(old);
                    attributes.put(a.name(), a);
                }
                default -> skip(tag);
            }
        }
        return new OnnxNode(name, opType, domain, List.copyOf(inputs), List.copyOf(outputs),
                Collections.unmodifiableMap(attributes));
    }

    private OnnxAttribute attribute() throws IOException {
        String name = "";
        int type = 0;
        float f = 0;
        long i = 0;
        String s = null;
        OnnxTensorInfo t = null;
        List<Float> floats = new ArrayList<>();
        List<Long> ints = new ArrayList<>();
        charge(128);
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            switch (WireFormat.getTagFieldNumber(tag)) {
                case ATTR_NAME -> name = string(tag, "attribute name");
                case ATTR_TYPE -> type = (int) varint(tag, "attribute type");
                case ATTR_F -> {
                    expect(tag, WireFormat.WIRETYPE_FIXED32, "attribute f");
                    f = in.readFloat();
                }
                case ATTR_I -> i = varint(tag, "attribute i");
                case ATTR_S -> s = string(tag, "attribute s");
                case ATTR_T -> {
                    int old = beginMessage(tag, "attribute tensor");
                    t = tensor();
                    in.popLimit(old);
                }
                case ATTR_FLOATS -> {
                    if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                        int old = beginMessage(tag, "attribute floats");
                        while (!in.isAtEnd()) {
                            charge(24);
                            floats.add(in.readFloat());
                        }
                        in.popLimit(old);
                    } else {
                        expect(tag, WireFormat.WIRETYPE_FIXED32, "attribute floats");
                        charge(24);
                        floats.add(in.readFloat());
                    }
                }
                case ATTR_INTS -> {
                    if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                        int old = beginMessage(tag, "attribute ints");
                        while (!in.isAtEnd()) {
                            charge(24);
                            ints.add(in.readInt64());
                        }
                        in.popLimit(old);
                    } else {
                        charge(24);
                        ints.add(varint(tag, "attribute ints"));
                    }
                }
                default -> skip(tag);
            }
        }
        return new OnnxAttribute(name, type, f, i, s, t, List.copyOf(floats), List.copyOf(ints));
    }

    /** A TensorProto whose limit has been pushed: records where its values are, reads none of them. */
    private OnnxTensorInfo tensor() throws IOException {
        long start = position();
        String name = "";
        int dataType = 0;
        long[] dims = new long[4];
        int rank = 0;
        long rawOffset = -1;
        long rawLength = 0;
        long floatRunOffset = -1;
        long floatRunLength = 0;
        int floatRuns = 0;
        long floatCount = 0;
        long int32Count = 0;
        long int64Count = 0;
        boolean other = false;
        boolean external = false;
        boolean segmented = false;
        charge(256);
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            int wireType = WireFormat.getTagWireType(tag);
            switch (WireFormat.getTagFieldNumber(tag)) {
                case TENSOR_DIMS -> {
                    if (wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                        int old = beginMessage(tag, "dims");
                        while (!in.isAtEnd()) {
                            dims = addDim(dims, rank++, in.readInt64());
                        }
                        in.popLimit(old);
                    } else {
                        dims = addDim(dims, rank++, varint(tag, "dims"));
                    }
                }
                case TENSOR_DATA_TYPE -> dataType = (int) varint(tag, "data_type");
                case TENSOR_NAME -> name = string(tag, "tensor name");
                case TENSOR_RAW_DATA -> {
                    expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "raw_data");
                    int length = length("raw_data");
                    rawOffset = position();
                    rawLength = length;
                    in.skipRawBytes(length);
                }
                case TENSOR_FLOAT_DATA -> {
                    if (wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                        int length = length("float_data");
                        if (length % 4 != 0) {
                            throw fail("packed float_data of tensor '" + name + "' has " + length + " bytes, not a multiple of 4");
                        }
                        if (floatRuns == 0) {
                            floatRunOffset = position();
                            floatRunLength = length;
                        }
                        floatRuns++;
                        floatCount += length / 4;
                        in.skipRawBytes(length);
                    } else {
                        expect(tag, WireFormat.WIRETYPE_FIXED32, "float_data");
                        in.skipRawBytes(4);
                        floatRuns += 2; // scattered values: never a single zero-copy run
                        floatCount++;
                    }
                }
                case TENSOR_INT32_DATA -> int32Count += countVarints(tag, "int32_data");
                case TENSOR_INT64_DATA -> int64Count += countVarints(tag, "int64_data");
                case TENSOR_STRING_DATA, TENSOR_DOUBLE_DATA, TENSOR_UINT64_DATA -> {
                    other = true;
                    skip(tag);
                }
                case TENSOR_EXTERNAL_DATA -> {
                    external = true;
                    skip(tag);
                }
                case TENSOR_DATA_LOCATION -> external |= varint(tag, "data_location") == 1;
                case TENSOR_SEGMENT -> {
                    segmented = true;
                    skip(tag);
                }
                default -> skip(tag);
            }
        }
        long end = position();
        long[] shape = Arrays.copyOf(dims, rank);
        charge(8L * rank);
        long numel = 1;
        for (long d : shape) {
            if (d < 0) {
                throw fail("tensor '" + name + "' has a negative dimension " + d + " in " + Arrays.toString(shape));
            }
            try {
                numel = Math.multiplyExact(numel, d);
            } catch (ArithmeticException e) {
                throw fail("dims " + Arrays.toString(shape) + " of tensor '" + name + "' overflow 64 bits");
            }
        }
        return new OnnxTensorInfo(name, dataType, shape, start, end - start, rawOffset, rawLength,
                floatRunOffset, floatRunLength, floatRuns, floatCount, int32Count, int64Count, other, external, segmented);
    }

    private long[] addDim(long[] dims, int index, long value) {
        if (index >= MAX_RANK) {
            throw fail("tensor has more than " + MAX_RANK + " dims");
        }
        long[] out = index < dims.length ? dims : Arrays.copyOf(dims, Math.min(MAX_RANK, dims.length * 2));
        out[index] = value;
        return out;
    }

    /** Counts (and discards) the varints of a packed or unpacked repeated integer field. */
    private long countVarints(int tag, String what) throws IOException {
        if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int old = beginMessage(tag, what);
            long n = 0;
            while (!in.isAtEnd()) {
                in.readRawVarint64();
                n++;
            }
            in.popLimit(old);
            return n;
        }
        varint(tag, what);
        return 1;
    }

    private long position() {
        return base + in.getTotalBytesRead();
    }

    /** Reads a length prefix and checks it against the file before anything is done with it. */
    private int length(String what) throws IOException {
        int length = in.readRawVarint32();
        long pos = position();
        if (length < 0 || pos + length > fileSize) {
            throw fail(what + " at byte " + pos + " claims " + Integer.toUnsignedString(length)
                    + " bytes, past the end of the file (" + fileSize + " bytes)");
        }
        return length;
    }

    private int beginMessage(int tag, String what) throws IOException {
        expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, what);
        return in.pushLimit(length(what));
    }

    private String string(int tag, String what) throws IOException {
        expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, what);
        int length = length(what);
        if (length > MAX_STRING_BYTES) {
            throw fail(what + " at byte " + position() + " is " + length + " bytes long (limit " + MAX_STRING_BYTES + ")");
        }
        charge(48L + 2L * length);
        return new String(in.readRawBytes(length), StandardCharsets.UTF_8);
    }

    private long varint(int tag, String what) throws IOException {
        expect(tag, WireFormat.WIRETYPE_VARINT, what);
        return in.readInt64();
    }

    private void expect(int tag, int wireType, String what) {
        if (WireFormat.getTagWireType(tag) != wireType) {
            throw fail(what + " at byte " + position() + " has wire type " + WireFormat.getTagWireType(tag)
                    + ", expected " + wireType);
        }
    }

    /**
     * Skips a field zoft does not read. ONNX never uses protobuf groups, so a group wire type is
     * reported instead of skipped (skipping nested groups recurses once per level).
     */
    private void skip(int tag) throws IOException {
        int wireType = WireFormat.getTagWireType(tag);
        if (wireType == WireFormat.WIRETYPE_START_GROUP || wireType == WireFormat.WIRETYPE_END_GROUP) {
            throw fail("field " + WireFormat.getTagFieldNumber(tag) + " at byte " + position()
                    + " uses the protobuf group wire type, which ONNX never uses");
        }
        if (wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            in.skipRawBytes(length("field " + WireFormat.getTagFieldNumber(tag)));
            return;
        }
        in.skipField(tag);
    }

    private void charge(long bytes) {
        budget -= bytes;
        if (budget < 0) {
            throw fail("graph metadata exceeds " + (METADATA_BUDGET_BYTES >> 20) + " MB of heap; refusing to load it");
        }
    }

    private WeightFormatException fail(String problem) {
        return new WeightFormatException(path, problem);
    }

    private WeightFormatException fail(String problem, Throwable cause) {
        return new WeightFormatException(path, problem + " (near byte " + position() + ")", cause);
    }
}
