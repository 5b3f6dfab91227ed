package dev.zoft.zo.params;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.tensor.random.Distribution;
import dev.zoft.tensor.random.PerturbationGenerator;
import java.lang.foreign.Arena;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PerturbationTest {

    /** Sizes straddling the scheduling grain and Philox blocks, so chunks cut tensors mid-block. */
    private static final int[] SIZES = {5, 40_000, 127, 16_385, 3, 9_001};

    private static ParameterView view(Arena arena, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < SIZES.length; i++) {
            Tensor t = Tensor.allocate(arena, DType.F32, SIZES[i]);
            for (int j = 0; j < SIZES[i]; j++) {
                t.setFloat(j, (float) rnd.nextGaussian());
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

    @ParameterizedTest
    @EnumSource(Distribution.class)
    void matchesTheScalarDefinitionOnEveryElementOfASubset(Distribution d) {
        try (Arena arena = Arena.ofShared(); WorkerPool pool = WorkerPool.create(3)) {
            ParameterView all = view(arena, 1);
            // Odd-numbered tensors only: global offsets are kept, so the subset sees z at those indices.
            ParameterView part = all.subset(n -> Integer.parseInt(n.substring(1)) % 2 == 1);
            float[] before = flat(all);
            float c = -0.0123f;
            new Perturbation(d, pool).axpy(part, 77L, c);
            float[] after = flat(all);
            int pos = 0;
            for (ParameterView.Entry e : all.entries()) {
                boolean inPart = part.entries().contains(e);
                for (int j = 0; j < e.tensor().numel(); j++, pos++) {
                    float expected = inPart ? before[pos] + c * d.value(77L, e.offset() + j) : before[pos];
                    if (Float.floatToRawIntBits(expected) != Float.floatToRawIntBits(after[pos])) {
                        throw new AssertionError(e.name() + "[" + j + "]: expected " + expected + ", got " + after[pos]);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Distribution.class)
    void sameBitsForEveryThreadCountAndVectorWidth(Distribution d) {
        float[] reference = null;
        for (int threads = 1; threads <= 3; threads++) {
            for (VectorWidth w : new VectorWidth[] {VectorWidth.SCALAR, VectorWidth.configured()}) {
                try (Arena arena = Arena.ofShared(); WorkerPool pool = WorkerPool.create(threads)) {
                    ParameterView v = view(arena, 2);
                    Perturbation p = new Perturbation(d, pool, PerturbationGenerator.of(w));
                    p.axpy(v, 5L, 1e-3f);
                    p.axpy(v, 6L, -2e-3f);
                    p.axpy(v, 5L, 0.37f);
                    float[] got = flat(v);
                    if (reference == null) {
                        reference = got;
                    } else {
                        assertArrayEquals(reference, got, threads + " threads at " + w);
                    }
                }
            }
        }
    }

    @Test
    void appliesUpdatesToTheViewTheirScopeNames() {
        try (Arena arena = Arena.ofShared(); WorkerPool pool = WorkerPool.create(2)) {
            ParameterView all = view(arena, 3);
            ParameterView b1 = all.subset(n -> n.equals("t0") || n.equals("t1"));
            ParameterView b2 = all.subset(n -> !(n.equals("t0") || n.equals("t1")));
            ScopedViews views = new ScopedViews(all, b1, b2);
            float[] before = flat(all);
            Perturbation p = new Perturbation(Distribution.RADEMACHER, pool);
            p.apply(new Update(Scope.BLOCK2, 9L, 0.5f), views);
            float[] after = flat(all);
            int b1Size = (int) b1.size();
            for (int i = 0; i < after.length; i++) {
                float expected = i < b1Size ? before[i] : before[i] + 0.5f * Distribution.RADEMACHER.value(9L, i);
                assertEquals(expected, after[i], 0f, "index " + i);
            }
        }
    }

    @Test
    void rejectsANonFiniteCoefficientAndBlocksThatDoNotPartition() {
        try (Arena arena = Arena.ofShared(); WorkerPool pool = WorkerPool.create(1)) {
            ParameterView all = view(arena, 4);
            Perturbation p = new Perturbation(Distribution.GAUSSIAN, pool);
            assertThrows(IllegalArgumentException.class, () -> p.axpy(all, 1L, Float.NaN));
            assertThrows(IllegalArgumentException.class, () -> new Update(Scope.ALL, 1L, Float.POSITIVE_INFINITY));
            ParameterView t0 = all.subset("t0"::equals);
            assertThrows(IllegalArgumentException.class, () -> new ScopedViews(all, t0, t0));
        }
    }

    @Test
    void driftBoundGrowsWithCyclesAndScale() {
        double one = Perturbation.cycleDriftBound(1, 1f, 1e-3f, Perturbation.GAUSSIAN_MAX_ABS);
        // One cycle on θ = 1: three roundings of about half an ulp of 1 (2⁻²³) each.
        assertEquals(3 * 0x1p-24 * (1 + 1e-3 * 5.77), one, 1e-12);
        // Linear in N up to the 1/(1 − 3u(N+1)) growth term (≈ 1.0002 at N = 1000).
        assertEquals(1000 * one, Perturbation.cycleDriftBound(1000, 1f, 1e-3f, Perturbation.GAUSSIAN_MAX_ABS), 1000 * one * 3e-4);
        assertThrows(IllegalArgumentException.class, () -> Perturbation.cycleDriftBound(1L << 40, 1f, 1e-3f, 1));
    }
}
