package dev.zoft.zo.params;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.tensor.random.Distribution;
import java.lang.foreign.Arena;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The snapshot copies fused into a perturbation pass ({@link Snapshot#recaptureThenAxpy},
 * {@link Snapshot#restoreThenAxpy}) give exactly the bits of the copy followed by the pass, for
 * tensors that span several {@link Perturbation#GRAIN}s with ragged ends, any thread count and
 * either distribution.
 */
class FusedSnapshotPassProperties {
    private static final WorkerPool ONE = WorkerPool.create(1);
    private static final WorkerPool TWO = WorkerPool.create(2);

    @Property(tries = 30)
    void recaptureThenAxpyIsRecaptureThenAxpy(@ForAll @Size(min = 1, max = 4) List<@IntRange(min = 1, max = 70_000) Integer> sizes,
                                              @ForAll long seed, @ForAll @FloatRange(min = -1, max = 1) float c,
                                              @ForAll boolean twoThreads, @ForAll boolean rademacher) {
        WorkerPool pool = twoThreads ? TWO : ONE;
        Distribution d = rademacher ? Distribution.RADEMACHER : Distribution.GAUSSIAN;
        try (Arena arena = Arena.ofShared()) {
            ParameterView fused = view(arena, sizes, seed);
            ParameterView plain = view(arena, sizes, seed);
            Perturbation p = new Perturbation(d, pool);
            try (Snapshot sf = Snapshot.capture(fused, pool); Snapshot sp = Snapshot.capture(plain, pool)) {
                // Both snapshots first hold something else, so a missed copy would show.
                p.axpy(fused, seed + 1, 0.5f);
                p.axpy(plain, seed + 1, 0.5f);
                sf.recapture();
                sp.recapture();
                p.axpy(fused, seed + 2, 0.25f);
                p.axpy(plain, seed + 2, 0.25f);

                sf.recaptureThenAxpy(p, seed, c);
                sp.recapture();
                p.axpy(plain, seed, c);
                assertBits(flat(plain), flat(fused), "parameters after the fused capture and pass");
                sf.restore();
                sp.restore();
                assertBits(flat(plain), flat(fused), "the captured values");
            }
        }
    }

    @Property(tries = 30)
    void restoreThenAxpyIsRestoreThenAxpyOnAPart(@ForAll @Size(min = 2, max = 4) List<@IntRange(min = 1, max = 70_000) Integer> sizes,
                                                 @ForAll long seed, @ForAll @FloatRange(min = -1, max = 1) float c,
                                                 @ForAll boolean twoThreads, @ForAll @IntRange(min = 0, max = 1) int firstKept) {
        WorkerPool pool = twoThreads ? TWO : ONE;
        try (Arena arena = Arena.ofShared()) {
            ParameterView fused = view(arena, sizes, seed);
            ParameterView plain = view(arena, sizes, seed);
            Perturbation p = new Perturbation(Distribution.GAUSSIAN, pool);
            try (Snapshot sf = Snapshot.capture(fused, pool); Snapshot sp = Snapshot.capture(plain, pool)) {
                p.axpy(fused, seed + 1, 0.75f); // the perturbation the restore undoes
                p.axpy(plain, seed + 1, 0.75f);
                // Every other tensor from firstKept on: a part with gaps, as a block of a split model.
                ParameterView fusedPart = fused.subset(n -> Integer.parseInt(n.substring(1)) % 2 == firstKept);
                ParameterView plainPart = plain.subset(n -> Integer.parseInt(n.substring(1)) % 2 == firstKept);

                sf.restoreThenAxpy(fusedPart, p, seed, c);
                sp.restore(plainPart);
                p.axpy(plainPart, seed, c);
                assertBits(flat(plain), flat(fused), "parameters after the fused restore and update");
            }
        }
    }

    @Test
    void aPartThatWasNotCapturedIsRejectedBeforeAnyWrite() {
        try (Arena arena = Arena.ofShared()) {
            ParameterView captured = view(arena, List.of(100, 200), 1);
            ParameterView other = view(arena, List.of(100, 200), 1);
            float[] before = flat(other);
            try (Snapshot s = Snapshot.capture(captured, ONE)) {
                Perturbation p = new Perturbation(Distribution.GAUSSIAN, ONE);
                assertThrows(IllegalArgumentException.class, () -> s.restoreThenAxpy(other, p, 3, 0.5f));
                assertBits(before, flat(other), "untouched");
            }
        }
    }

    /** Tensors "t0", "t1", … of {@code sizes}, values from {@code seed}. */
    private static ParameterView view(Arena arena, List<Integer> sizes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < sizes.size(); i++) {
            Tensor t = Tensor.allocate(arena, DType.F32, sizes.get(i));
            for (long j = 0; j < t.numel(); j++) {
                t.setFloat(j, (float) r.nextDouble(-1, 1));
            }
            m.put("t" + i, t);
        }
        return ParameterView.of(m);
    }

    private static float[] flat(ParameterView v) {
        float[] out = new float[(int) v.size()];
        int pos = 0;
        for (ParameterView.Entry e : v.entries()) {
            float[] t = e.tensor().toFloatArray();
            System.arraycopy(t, 0, out, pos, t.length);
            pos += t.length;
        }
        return out;
    }

    private static void assertBits(float[] expected, float[] actual, String what) {
        int[] e = new int[expected.length];
        int[] a = new int[actual.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = Float.floatToRawIntBits(expected[i]);
        }
        for (int i = 0; i < a.length; i++) {
            a[i] = Float.floatToRawIntBits(actual[i]);
        }
        assertArrayEquals(e, a, what);
    }
}
