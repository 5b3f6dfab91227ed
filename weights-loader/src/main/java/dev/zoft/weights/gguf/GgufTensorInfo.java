package dev.zoft.weights.gguf;

import java.util.Arrays;

/**
 * One tensor as described in a GGUF file's tensor-info table.
 *
 * @param name   the tensor's GGUF name (e.g. {@code blk.0.attn_q.weight})
 * @param dims   dimensions as GGUF lists them, fastest-varying first ({@code ne[0]} is the row
 *               length); {@link #shape()} gives the row-major order zoft uses
 * @param type   the element type
 * @param offset byte offset of the data from the start of the file's data section (a multiple of
 *               the file's alignment)
 * @param byteSize bytes of data
 */
public record GgufTensorInfo(String name, long[] dims, GgmlType type, long offset, long byteSize) {
    public GgufTensorInfo {
        dims = dims.clone();
    }

    @Override
    public long[] dims() {
        return dims.clone();
    }

    /** Row-major shape: the GGUF dims reversed, so {@code shape()[rank - 1]} is the row length. */
    public long[] shape() {
        long[] s = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            s[i] = dims[dims.length - 1 - i];
        }
        return s;
    }

    /** Number of elements. */
    public long numel() {
        long n = 1;
        for (long d : dims) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensorInfo t && t.name.equals(name) && Arrays.equals(t.dims, dims)
                && t.type == type && t.offset == offset && t.byteSize == byteSize;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return name + " " + type + Arrays.toString(shape()) + " @" + offset;
    }
}
