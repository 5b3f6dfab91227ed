package dev.zoft.weights;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** A small protobuf message writer over {@link CodedOutputStream}, to build ONNX files in tests. */
final class Proto {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

    interface IoAction {
        void run(CodedOutputStream out) throws IOException;
    }

    private Proto write(IoAction action) {
        try {
            action.run(out);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Proto varint(int field, long value) {
        return write(o -> o.writeInt64(field, value));
    }

    Proto string(int field, String value) {
        return write(o -> o.writeString(field, value));
    }

    Proto bytes(int field, byte[] value) {
        return write(o -> o.writeByteArray(field, value));
    }

    Proto message(int field, Proto message) {
        return bytes(field, message.toByteArray());
    }

    Proto float32(int field, float value) {
        return write(o -> o.writeFloat(field, value));
    }

    Proto packedLongs(int field, long... values) {
        Proto payload = new Proto();
        payload.write(o -> {
            for (long v : values) {
                o.writeInt64NoTag(v);
            }
        });
        return bytes(field, payload.toByteArray());
    }

    Proto packedFloats(int field, float... values) {
        Proto payload = new Proto();
        payload.write(o -> {
            for (float v : values) {
                o.writeFloatNoTag(v);
            }
        });
        return bytes(field, payload.toByteArray());
    }

    /** A raw tag with any wire type, for malformed-input tests. */
    Proto tag(int field, int wireType) {
        return write(o -> o.writeUInt32NoTag((field << 3) | wireType));
    }

    Proto raw(byte[] value) {
        return write(o -> o.writeRawBytes(value));
    }

    byte[] toByteArray() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
