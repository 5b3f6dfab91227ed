package dev.zoft.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A dense, row-major tensor over a {@link MemorySegment}: off-heap (allocated in an {@link Arena}
 * or memory-mapped from a weights file), little-endian, addressed with {@code long} offsets so no
 * tensor is limited to 2 GB. A tensor does not own its memory; the arena that made the segment does.
 */
public final class Tensor {
    /** Unaligned little-endian layouts: mapped files only guarantee the alignment of their format. */
    public static final ValueLayout.OfFloat F32_LE =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfShort U16_LE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Allocation alignment: one cache line, which is also the widest vector (512 bits). */
    public static final long ALIGNMENT = 64;

    private final MemorySegment data;
    private final DType dtype;
    private final long[] shape;
    private final long numel;

    private Tensor(MemorySegment data, DType dtype, long[] shape) {
        this.data = data;
        this.dtype = dtype;
        this.shape = shape;
        this.numel = numelOf(shape);
    }

    /** Wraps existing memory, checking that it holds exactly {@code shape} elements of {@code dtype}. */
    public static Tensor wrap(MemorySegment data, DType dtype, long... shape) {
        long[] s = shape.clone();
        long n = numelOf(s);
        long bytes = Math.multiplyExact(n, (long) dtype.byteSize());
        if (data.byteSize() != bytes) {
            throw new IllegalArgumentException("segment of " + data.byteSize() + " bytes cannot hold "
                    + dtype + Arrays.toString(s) + " (" + bytes + " bytes)");
        }
        return new Tensor(data, dtype, s);
    }

    /** A zero-filled tensor allocated in {@code arena}. */
    public static Tensor allocate(Arena arena, DType dtype, long... shape) {
        long bytes = Math.multiplyExact(numelOf(shape), (long) dtype.byteSize());
        return wrap(arena.allocate(Math.max(bytes, 1), ALIGNMENT).asSlice(0, bytes), dtype, shape);
    }

    /** An F32 tensor holding a copy of {@code values}. */
    public static Tensor of(Arena arena, float[] values, long... shape) {
        Tensor t = allocate(arena, DType.F32, shape);
        if (values.length != t.numel) {
            throw new IllegalArgumentException(values.length + " values for shape " + Arrays.toString(shape));
        }
        MemorySegment.copy(values, 0, t.data, F32_LE, 0, values.length);
        return t;
    }

    public MemorySegment segment() {
        return data;
    }

    public DType dtype() {
        return dtype;
    }

    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    public long numel() {
        return numel;
    }

    /** Size of dimension 0 for a matrix view: the product of every dimension but the last. */
    public long rows() {
        long r = 1;
        for (int i = 0; i < shape.length - 1; i++) {
            r *= shape[i];
        }
        return r;
    }

    /** The last dimension. */
    public long cols() {
        return shape.length == 0 ? 1 : shape[shape.length - 1];
    }

    /** Element {@code i} of the flattened tensor, decoded to float whatever the dtype. */
    public float getFloat(long i) {
        return switch (dtype) {
            case F32 -> data.getAtIndex(F32_LE, i);
            case F16 -> Float.float16ToFloat(data.getAtIndex(U16_LE, i));
            case BF16 -> Float.intBitsToFloat((data.getAtIndex(U16_LE, i) & 0xffff) << 16);
        };
    }

    /** Writes element {@code i}; only F32 tensors are written (compute is F32). */
    public void setFloat(long i, float v) {
        requireF32();
        data.setAtIndex(F32_LE, i, v);
    }

    /** A copy of every element as float (tests and small tensors only). */
    public float[] toFloatArray() {
        if (numel > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("tensor too large for a Java array: " + numel);
        }
        float[] out = new float[(int) numel];
        if (dtype == DType.F32) {
            MemorySegment.copy(data, F32_LE, 0, out, 0, out.length);
        } else {
            for (int i = 0; i < out.length; i++) {
                out[i] = getFloat(i);
            }
        }
        return out;
    }

    /** An F32 copy in {@code arena} (a copy even when already F32). */
    public Tensor toF32(Arena arena) {
        Tensor out = allocate(arena, DType.F32, shape);
        if (dtype == DType.F32) {
            MemorySegment.copy(data, 0, out.data, 0, data.byteSize());
        } else {
            for (long i = 0; i < numel; i++) {
                out.data.setAtIndex(F32_LE, i, getFloat(i));
            }
        }
        return out;
    }

    /** The same memory seen with another shape of the same element count. */
    public Tensor reshape(long... newShape) {
        if (numelOf(newShape) != numel) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(shape) + " to " + Arrays.toString(newShape));
        }
        return new Tensor(data, dtype, newShape.clone());
    }

    /** Rows {@code [from, to)} along dimension 0, sharing memory. */
    public Tensor slice(long from, long to) {
        if (shape.length == 0 || from < 0 || to < from || to > shape[0]) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") of " + Arrays.toString(shape));
        }
        long rowElems = numel / Math.max(shape[0], 1);
        long[] s = shape.clone();
        s[0] = to - from;
        long b = dtype.byteSize();
        return new Tensor(data.asSlice(from * rowElems * b, (to - from) * rowElems * b), dtype, s);
    }

    public void requireF32() {
        if (dtype != DType.F32) {
            throw new IllegalArgumentException("expected an F32 tensor, got " + dtype);
        }
    }

    private static long numelOf(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public String toString() {
        return "Tensor" + dtype + Arrays.toString(shape);
    }
}
