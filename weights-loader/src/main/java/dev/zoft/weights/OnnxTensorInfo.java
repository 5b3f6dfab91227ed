package dev.zoft.weights;

import java.util.Arrays;

/**
 * Where a {@code TensorProto} (an initializer, or the value of a Constant node) lies in an ONNX
 * file: its name, type and dims, and the file offsets of its data. Nothing of the payload is
 * read while parsing; {@link OnnxModel} slices or decodes it on demand.
 */
public final class OnnxTensorInfo {
    /** How the values are stored in the message. */
    enum Storage { NONE, RAW, FLOAT_DATA, INT32_DATA, INT64_DATA, OTHER }

    private final String name;
    private final int dataType;
    private final long[] dims;
    final long messageOffset;
    final long messageLength;
    final long rawOffset;
    final long rawLength;
    /** Offset and length of the packed float_data run when it is a single one (a zero-copy slice). */
    final long floatRunOffset;
    final long floatRunLength;
    final int floatRuns;
    final long floatCount;
    final long int32Count;
    final long int64Count;
    final boolean otherData;
    final boolean external;
    final boolean segmented;

    OnnxTensorInfo(String name, int dataType, long[] dims, long messageOffset, long messageLength,
                   long rawOffset, long rawLength, long floatRunOffset, long floatRunLength, int floatRuns,
                   long floatCount, long int32Count, long int64Count, boolean otherData, boolean external,
                   boolean segmented) {
        this.name = name;
        this.dataType = dataType;
        this.dims = dims;
        this.messageOffset = messageOffset;
        this.messageLength = messageLength;
        this.rawOffset = rawOffset;
        this.rawLength = rawLength;
        this.floatRunOffset = floatRunOffset;
        this.floatRunLength = floatRunLength;
        this.floatRuns = floatRuns;
        this.floatCount = floatCount;
        this.int32Count = int32Count;
        this.int64Count = int64Count;
        this.otherData = otherData;
        this.external = external;
        this.segmented = segmented;
    }

    public String name() {
        return name;
    }

    /** The {@code data_type} number from the file. */
    public int dataTypeCode() {
        return dataType;
    }

    /** The data type, or null when the number is not in the spec zoft knows. */
    public OnnxDataType dataType() {
        return OnnxDataType.of(dataType);
    }

    public long[] dims() {
        return dims.clone();
    }

    public int rank() {
        return dims.length;
    }

    /** Product of the dims; the caller must have validated them (the parser rejects overflow). */
    public long numel() {
        long n = 1;
        for (long d : dims) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    Storage storage() {
        if (rawOffset >= 0) {
            return Storage.RAW;
        }
        if (floatCount > 0) {
            return Storage.FLOAT_DATA;
        }
        if (int32Count > 0) {
            return Storage.INT32_DATA;
        }
        if (int64Count > 0) {
            return Storage.INT64_DATA;
        }
        return otherData ? Storage.OTHER : Storage.NONE;
    }

    @Override
    public String toString() {
        return name + ":" + OnnxDataType.describe(dataType) + Arrays.toString(dims);
    }
}
