package dev.zoft.tensor.ops;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.parallel.WorkerPool;
import java.lang.foreign.Arena;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;

/** Random tensors and shared kernel instances for the kernel tests. */
final class TestData {
    /** Tensors must be reachable from pool threads: an automatic (shared, GC-freed) arena. */
    static final Arena ARENA = Arena.ofAuto();
    static final WorkerPool POOL = WorkerPool.create(2);
    static final Kernels SCALAR = Kernels.scalar(POOL);
    private static final Map<VectorWidth, Kernels> KERNELS = new EnumMap<>(VectorWidth.class);

    static {
        for (VectorWidth w : VectorWidth.values()) {
            KERNELS.put(w, Kernels.create(w, POOL));
        }
    }

    private TestData() {
    }

    static Kernels kernels(VectorWidth w) {
        return KERNELS.get(w);
    }

    /** Uniform in [lo, hi). */
    static Tensor uniform(long seed, float lo, float hi, long... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor t = Tensor.allocate(ARENA, DType.F32, shape);
        for (long i = 0; i < t.numel(); i++) {
            t.setFloat(i, lo + (hi - lo) * (float) r.nextDouble());
        }
        return t;
    }

    static Tensor zeros(long... shape) {
        return Tensor.allocate(ARENA, DType.F32, shape);
    }

    static Tensor copy(Tensor t) {
        return t.toF32(ARENA);
    }

    /** A 0/1 mask with at least one 1 per sequence unless {@code allowEmpty}. */
    static int[] mask(long seed, int batch, int seqLen, boolean allowEmpty) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] m = new int[batch * seqLen];
        for (int b = 0; b < batch; b++) {
            int kept = r.nextInt(allowEmpty ? 0 : 1, seqLen + 1);
            for (int t = 0; t < kept; t++) {
                m[b * seqLen + t] = 1; // BERT-style right padding
            }
            if (r.nextInt(4) == 0) { // and now and then a hole in the middle
                int t = r.nextInt(seqLen);
                if (kept > 1 || allowEmpty) {
                    m[b * seqLen + t] = 0;
                }
            }
        }
        return m;
    }
}
