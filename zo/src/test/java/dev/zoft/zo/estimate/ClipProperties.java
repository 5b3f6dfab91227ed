package dev.zoft.zo.estimate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.tensor.random.Distribution;
import dev.zoft.zo.SplitObjective;
import dev.zoft.zo.params.ParameterView;
import dev.zoft.zo.params.Perturbation;
import dev.zoft.zo.params.ScopedViews;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;

/**
 * Loss-difference clipping ({@link ZoSettings#clip()}): a clipped step evaluates the same losses as an
 * unclipped one from the same weights (their scalars are the known loss differences), reports
 * exactly those scalars clamped to [−C, C], and applies exactly the updates of the clamped scalars.
 */
class ClipProperties {

    private static final float EPS = 1e-3f;

    private static Estimator estimator(int which, ZoSettings s) {
        return switch (which) {
            case 0 -> new MeZo(3, s);
            case 1 -> new FedSpzo(2, 3, FedSpzo.Variant.NESTED, s);
            default -> new FedSpzo(2, 2, FedSpzo.Variant.DECOUPLED, s, new BlockScales(2e-3f, 5e-4f, 0.5, 1.5));
        };
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }

    @Property(tries = 40)
    void clippedScalarsAreTheClampedLossDifferencesAndDriveTheUpdate(@ForAll @IntRange(min = 0, max = 2) int which,
                                                                     @ForAll @FloatRange(min = 0.01f, max = 40f) float bound,
                                                                     @ForAll @IntRange(min = 0, max = 1000) int seed,
                                                                     @ForAll boolean inPlace) {
        RestoreMode mode = inPlace ? RestoreMode.IN_PLACE : RestoreMode.SNAPSHOT;
        ZoSettings plain = new ZoSettings(EPS, Distribution.GAUSSIAN, mode);
        Estimator raw = estimator(which, plain);
        Estimator clipped = estimator(which, plain.withClip(bound));
        try (QuadraticObjective a = QuadraticObjective.small(seed); QuadraticObjective b = QuadraticObjective.small(seed);
             QuadraticObjective replay = QuadraticObjective.small(seed); WorkerPool pool = WorkerPool.create(1)) {
            StepResult r = raw.step(a, 0, seed, 0.02, pool);
            StepResult c = clipped.step(b, 0, seed, 0.02, pool);
            assertArrayEquals(r.losses(), c.losses(), "clipping changes no evaluation within a step");
            double[] g = r.projectedGradients();
            double[] gc = c.projectedGradients();
            for (int i = 0; i < g.length; i++) {
                double expected = Math.max(-bound, Math.min(bound, g[i]));
                assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(gc[i]), "scalar " + i);
                assertTrue(Math.abs(gc[i]) <= bound && Math.abs((float) gc[i]) <= bound, "|g| ≤ C, also as uploaded (float)");
            }
            // What a server or a late client replays from the clipped scalars is what the step did.
            new Perturbation(Distribution.GAUSSIAN, pool).applyAll(c.updates(), ScopedViews.of(replay));
            assertArrayEquals(bits(b.values()), bits(replay.values()));
            if (!inPlace) {
                // A snapshot step applies exactly the pure updates of its (clipped) scalars.
                assertEquals(clipped.updates(seed, gc, 0.02), c.updates());
            }
        }
    }

    @Example
    void aBoundAboveEveryScalarChangesNothingAndABoundBelowClipsSome() {
        try (QuadraticObjective a = QuadraticObjective.small(5); QuadraticObjective b = QuadraticObjective.small(5);
             QuadraticObjective c = QuadraticObjective.small(5); WorkerPool pool = WorkerPool.create(1)) {
            ZoSettings s = ZoSettings.gaussian(EPS);
            double[] g = new MeZo(4, s).step(a, 0, 3, 0.02, pool).projectedGradients();
            double max = 0;
            for (double x : g) {
                max = Math.max(max, Math.abs(x));
            }
            double[] loose = new MeZo(4, s.withClip((float) (2 * max))).step(b, 0, 3, 0.02, pool).projectedGradients();
            assertArrayEquals(g, loose);
            assertArrayEquals(bits(a.values()), bits(b.values()));
            float tight = (float) (max / 2);
            double[] cut = new MeZo(4, s.withClip(tight)).step(c, 0, 3, 0.02, pool).projectedGradients();
            long atBound = java.util.Arrays.stream(cut).filter(x -> Math.abs(x) == tight).count();
            assertTrue(atBound >= 1, "the largest scalar is clipped");
        }
    }

    @Example
    void aNonFiniteLossStillStopsAClippedStepWithTheWeightsRestored() {
        try (QuadraticObjective q = QuadraticObjective.small(4); WorkerPool pool = WorkerPool.create(1)) {
            float[] before = q.values();
            SplitObjective<Integer> exploding = new SplitObjective<>() {
                @Override
                public ParameterView parameters() {
                    return q.parameters();
                }

                @Override
                public ParameterView block1() {
                    return q.block1();
                }

                @Override
                public ParameterView block2() {
                    return q.block2();
                }

                @Override
                public BlockState forwardBlock1(Integer batch) {
                    return q.forwardBlock1(batch);
                }

                @Override
                public double lossFromBlock1(BlockState state, Integer batch) {
                    return q.block2Calls() == 3 ? Double.POSITIVE_INFINITY : q.lossFromBlock1(state, batch);
                }

                @Override
                public long block1Flops(Integer batch) {
                    return q.block1Flops(batch);
                }

                @Override
                public long block2Flops(Integer batch) {
                    return q.block2Flops(batch);
                }
            };
            Estimator est = new MeZo(2, ZoSettings.gaussian(EPS).withClip(1f));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> est.step(exploding, 0, 1L, 0.1, pool));
            assertTrue(e.getMessage().contains("not finite"), e.getMessage());
            assertArrayEquals(before, q.values());
        }
    }

    @Example
    void rejectsABadBound() {
        ZoSettings s = ZoSettings.gaussian(EPS);
        assertThrows(IllegalArgumentException.class, () -> s.withClip(0f));
        assertThrows(IllegalArgumentException.class, () -> s.withClip(-1f));
        assertThrows(IllegalArgumentException.class, () -> s.withClip(Float.NaN));
        assertTrue(!s.clips() && s.withClip(3f).clips());
        assertEquals(3.0, s.withClip(3f).clip(7.5));
        assertEquals(-3.0, s.withClip(3f).clip(-7.5));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(s.withClip(3f).clip(-0.0)));
    }
}
