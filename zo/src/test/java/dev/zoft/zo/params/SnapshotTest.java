package dev.zoft.zo.params;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.tensor.random.Distribution;
import java.lang.foreign.Arena;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotTest {

    private static ParameterView view(Arena arena) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("a", Tensor.allocate(arena, DType.F32, 20_000));
        m.put("b", Tensor.allocate(arena, DType.F32, 33));
        m.put("c", Tensor.allocate(arena, DType.F32, 17_000));
        ParameterView v = ParameterView.of(m);
        try (WorkerPool pool = WorkerPool.create(1)) {
            new Perturbation(Distribution.GAUSSIAN, pool).axpy(v, 1L, 0.05f);
        }
        return v;
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

    @Test
    void restoresBitExactlyAfterManyPerturbations() {
        try (Arena arena = Arena.ofShared(); WorkerPool pool = WorkerPool.create(2)) {
            ParameterView v = view(arena);
            float[] start = flat(v);
            try (Snapshot s = Snapshot.capture(v, pool)) {
                assertEquals(4 * v.size(), s.byteSize());
                Perturbation p = new Perturbation(Distribution.GAUSSIAN, pool);
                for (int i = 0; i < 20; i++) {
                    p.axpy(v, i, 1e-3f);
                    p.axpy(v, i, -2e-3f);
                    p.axpy(v, i, 1e-3f);
                }
                assertFalse(s.matches(), "20 in-place cycles should have drifted some bits");
                s.restore();
                assertTrue(s.matches());
                assertArrayEquals(start, flat(v));
            }
        }
    }

    @Test
    void restoresOnlyThePartItIsGivenAndRecaptures() {
        try (Arena arena = Arena.ofShared(); WorkerPool pool = WorkerPool.create(2)) {
            ParameterView v = view(arena);
            ParameterView ac = v.subset(n -> !n.equals("b"));
            ParameterView b = v.subset("b"::equals);
            float[] start = flat(v);
            try (Snapshot s = Snapshot.capture(v, pool)) {
                Perturbation p = new Perturbation(Distribution.RADEMACHER, pool);
                p.axpy(v, 3L, 0.25f);
                float[] moved = flat(v);
                s.restore(ac);
                float[] partly = flat(v);
                for (int i = 0; i < partly.length; i++) {
                    boolean inB = i >= 20_000 && i < 20_033;
                    assertEquals(inB ? moved[i] : start[i], partly[i], 0f, "index " + i);
                }
                s.recapture();
                p.axpy(v, 4L, 1f);
                s.restore();
                assertArrayEquals(partly, flat(v));
                assertTrue(s.covers(v.subset(n -> true)));
                assertFalse(s.covers(b));
            }
        }
    }

    @Test
    void refusesToRestoreATensorItDidNotCapture() {
        try (Arena arena = Arena.ofShared(); WorkerPool pool = WorkerPool.create(1)) {
            ParameterView v = view(arena);
            ParameterView other = view(arena);
            try (Snapshot s = Snapshot.capture(v.subset("a"::equals), pool)) {
                assertThrows(IllegalArgumentException.class, () -> s.restore(v));
                assertThrows(IllegalArgumentException.class, () -> s.restore(other.subset("a"::equals)));
            }
        }
    }
}
