package dev.zoft.weights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** Builds ONNX messages (onnx.proto field numbers) for tests. */
final class OnnxFixtures {
    static final int FLOAT = 1;
    static final int INT64 = 7;
    static final int FLOAT16 = 10;
    static final int BFLOAT16 = 16;

    private OnnxFixtures() {
    }

    static Proto tensorHeader(String name, int dataType, long... dims) {
        return new Proto().packedLongs(1, dims).varint(2, dataType).string(8, name);
    }

    /** A FLOAT tensor with its values in raw_data. */
    static Proto rawFloat(String name, float[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return tensorHeader(name, FLOAT, dims).bytes(9, b.array());
    }

    /** An INT64 tensor with its values in raw_data. */
    static Proto rawInt64(String name, long[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return tensorHeader(name, INT64, dims).bytes(9, b.array());
    }

    static Proto node(String name, String opType, List<String> inputs, List<String> outputs, Proto... attributes) {
        Proto n = new Proto();
        for (String in : inputs) {
            n.string(1, in);
        }
        for (String out : outputs) {
            n.string(2, out);
        }
        n.string(3, name).string(4, opType);
        for (Proto a : attributes) {
            n.message(5, a);
        }
        return n;
    }

    /** A Constant node whose value is {@code tensor}. */
    static Proto constant(String output, Proto tensor) {
        Proto value = new Proto().string(1, "value").message(5, tensor).varint(20, 4);
        return node(output + "_node", "Constant", List.of(), List.of(output), value);
    }

    static Proto intsAttribute(String name, long... values) {
        return new Proto().string(1, name).packedLongs(8, values).varint(20, 7);
    }

    static Proto valueInfo(String name) {
        return new Proto().string(1, name);
    }

    /** A ModelProto around {@code graph} (ir_version 8, opset 17, producer "zoft-test"). */
    static byte[] model(Proto graph) {
        return new Proto().varint(1, 8).string(2, "zoft-test").string(3, "1")
                .message(7, graph)
                .message(8, new Proto().string(1, "").varint(2, 17))
                .toByteArray();
    }
}
