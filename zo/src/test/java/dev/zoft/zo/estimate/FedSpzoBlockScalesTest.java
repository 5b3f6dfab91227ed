package dev.zoft.zo.estimate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.tensor.random.Distribution;
import dev.zoft.zo.params.ParameterView;
import dev.zoft.zo.params.Perturbation;
import dev.zoft.zo.params.Scope;
import dev.zoft.zo.params.ScopedViews;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * FedSPZO with per-block ε and learning-rate factors ({@link BlockScales}): the uniform scales are the
 * paper's estimator bit for bit; a step with other scales matches a direct recomputation of the
 * definition in FedSpzo's Javadoc on the quadratic; its weights are what {@link FedSpzo#updates}
 * rebuilds from its scalars (the replay path) in every restore mode; and the nested estimate with
 * two different ε still estimates each block's own gradient (the ε/ε_b normalisation).
 */
class FedSpzoBlockScalesTest {

    private static final float EPS = 1e-3f;
    private static final BlockScales SCALES = new BlockScales(4e-3f, 5e-4f, 0.5, 2.0);
    private static final int P1 = 2;
    private static final int P2 = 3;
    private static final double LR = 0.01;

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }

    @ParameterizedTest
    @EnumSource(FedSpzo.Variant.class)
    void uniformScalesAreThePapersEstimatorBitForBit(FedSpzo.Variant variant) {
        for (RestoreMode mode : RestoreMode.values()) {
            ZoSettings s = new ZoSettings(EPS, Distribution.GAUSSIAN, mode);
            try (QuadraticObjective a = QuadraticObjective.small(21); QuadraticObjective b = QuadraticObjective.small(21);
                 WorkerPool pool = WorkerPool.create(2)) {
                Estimator plain = new FedSpzo(P1, P2, variant, s);
                Estimator knobs = new FedSpzo(P1, P2, variant, s.withClip(ZoSettings.NO_CLIP), new BlockScales(EPS, EPS, 1, 1));
                for (int step = 0; step < 10; step++) {
                    StepResult x = plain.step(a, 0, 500 + step, LR, pool);
                    StepResult y = knobs.step(b, 0, 500 + step, LR, pool);
                    assertArrayEquals(x.projectedGradients(), y.projectedGradients(), variant + " " + mode);
                    assertEquals(x.updates(), y.updates());
                    assertArrayEquals(bits(a.values()), bits(b.values()), variant + " " + mode + " step " + step);
                }
            }
        }
    }

    /** z(seed) on {@code scope}, by global index (0 outside the scope). */
    private static float[] direction(QuadraticObjective q, Scope scope, long seed, WorkerPool pool) {
        try (Arena arena = Arena.ofShared()) {
            ScopedViews zero = EstimatorDirectionTest.zeroLike(q, arena);
            new Perturbation(Distribution.GAUSSIAN, pool).axpy(zero.view(scope), seed, 1f);
            float[] out = new float[(int) q.parameters().size()];
            for (ParameterView.Entry e : zero.all().entries()) {
                float[] t = e.tensor().toFloatArray();
                System.arraycopy(t, 0, out, (int) e.offset(), t.length);
            }
            return out;
        }
    }

    /** {@code θ + e1·z1 + e2·z2}, in double, rounded to float. */
    private static float[] shifted(float[] theta, double e1, float[] z1, double e2, float[] z2) {
        float[] out = new float[theta.length];
        for (int i = 0; i < theta.length; i++) {
            out[i] = (float) (theta[i] + e1 * z1[i] + e2 * z2[i]);
        }
        return out;
    }

    private static double loss(QuadraticObjective ref, float[] theta) {
        ref.setValues(theta);
        return ref.loss(0);
    }

    @Test
    void nestedStepWithTwoScalesMatchesTheDefinition() {
        try (QuadraticObjective q = QuadraticObjective.small(8); QuadraticObjective ref = QuadraticObjective.small(8);
             WorkerPool pool = WorkerPool.create(1)) {
            long stepSeed = 77;
            float[] theta = q.values();
            float[][] z1 = new float[P1][];
            float[][] z2 = new float[P2][];
            for (int j = 0; j < P1; j++) {
                z1[j] = direction(q, Scope.BLOCK1, Seeds.direction(stepSeed, Scope.BLOCK1, j), pool);
            }
            for (int k = 0; k < P2; k++) {
                z2[k] = direction(q, Scope.BLOCK2, Seeds.direction(stepSeed, Scope.BLOCK2, k), pool);
            }
            StepResult r = new FedSpzo(P1, P2, FedSpzo.Variant.NESTED, ZoSettings.gaussian(EPS), SCALES)
                    .step(q, 0, stepSeed, LR, pool);
            double[] g = r.projectedGradients();
            double[] expected = new double[theta.length];
            for (int i = 0; i < theta.length; i++) {
                expected[i] = theta[i];
            }
            for (int j = 0; j < P1; j++) {
                for (int k = 0; k < P2; k++) {
                    // The joint perturbation ±(ε1·z1_j, ε2·z2_k); D = (L⁺ − L⁻)/2.
                    double d = (loss(ref, shifted(theta, SCALES.eps1(), z1[j], SCALES.eps2(), z2[k]))
                            - loss(ref, shifted(theta, -SCALES.eps1(), z1[j], -SCALES.eps2(), z2[k]))) / 2;
                    assertEquals(d / EPS, g[j * P2 + k], 2e-3 * Math.abs(d / EPS) + 2e-2, "scalar (" + j + ", " + k + ")");
                    // Each block divides D by its own ε and steps with its own factor on η.
                    for (int i = 0; i < theta.length; i++) {
                        expected[i] -= LR * SCALES.lr1() / (P1 * P2) * (d / SCALES.eps1()) * z1[j][i];
                        expected[i] -= LR * SCALES.lr2() / (P1 * P2) * (d / SCALES.eps2()) * z2[k][i];
                    }
                }
            }
            assertClose(expected, q.values(), theta);
        }
    }

    @Test
    void decoupledStepWithTwoScalesMatchesTheDefinition() {
        try (QuadraticObjective q = QuadraticObjective.small(9); QuadraticObjective ref = QuadraticObjective.small(9);
             WorkerPool pool = WorkerPool.create(1)) {
            long stepSeed = 78;
            float[] theta = q.values();
            float[] none = new float[theta.length];
            StepResult r = new FedSpzo(P1, P2, FedSpzo.Variant.DECOUPLED, ZoSettings.gaussian(EPS), SCALES)
                    .step(q, 0, stepSeed, LR, pool);
            double[] g = r.projectedGradients();
            double[] expected = new double[theta.length];
            for (int i = 0; i < theta.length; i++) {
                expected[i] = theta[i];
            }
            for (int j = 0; j < P1; j++) {
                float[] z = direction(q, Scope.BLOCK1, Seeds.direction(stepSeed, Scope.BLOCK1, j), pool);
                double g1 = (loss(ref, shifted(theta, SCALES.eps1(), z, 0, none))
                        - loss(ref, shifted(theta, -SCALES.eps1(), z, 0, none))) / (2.0 * SCALES.eps1());
                assertEquals(g1, g[j], 2e-3 * Math.abs(g1) + 2e-2, "block-1 scalar " + j);
                for (int i = 0; i < theta.length; i++) {
                    expected[i] -= LR * SCALES.lr1() / P1 * g1 * z[i];
                }
            }
            for (int k = 0; k < P2; k++) {
                float[] z = direction(q, Scope.BLOCK2, Seeds.direction(stepSeed, Scope.BLOCK2, k), pool);
                double g2 = (loss(ref, shifted(theta, 0, none, SCALES.eps2(), z))
                        - loss(ref, shifted(theta, 0, none, -SCALES.eps2(), z))) / (2.0 * SCALES.eps2());
                assertEquals(g2, g[P1 + k], 2e-3 * Math.abs(g2) + 5e-2, "block-2 scalar " + k);
                for (int i = 0; i < theta.length; i++) {
                    expected[i] -= LR * SCALES.lr2() / P2 * g2 * z[i];
                }
            }
            assertClose(expected, q.values(), theta);
        }
    }

    /** The step moved θ, and by the expected amount up to float rounding of the scalars. */
    private static void assertClose(double[] expected, float[] got, float[] start) {
        double moved = 0;
        double err = 0;
        for (int i = 0; i < got.length; i++) {
            moved = Math.max(moved, Math.abs(expected[i] - start[i]));
            err = Math.max(err, Math.abs(expected[i] - got[i]));
        }
        assertTrue(moved > 1e-3, "the step moved θ by only " + moved);
        assertTrue(err < 1e-3 * moved + 1e-6, "max error " + err + " for a move of " + moved);
    }

    @ParameterizedTest
    @EnumSource(FedSpzo.Variant.class)
    void theReplayOfTheScalarsIsTheStepInEveryRestoreMode(FedSpzo.Variant variant) {
        for (RestoreMode mode : RestoreMode.values()) {
            ZoSettings s = new ZoSettings(EPS, Distribution.GAUSSIAN, mode);
            FedSpzo est = new FedSpzo(P1, P2, variant, s, SCALES);
            try (QuadraticObjective q = QuadraticObjective.small(12); QuadraticObjective replay = QuadraticObjective.small(12);
                 QuadraticObjective passes = QuadraticObjective.small(12); WorkerPool pool = WorkerPool.create(2)) {
                Perturbation p = new Perturbation(Distribution.GAUSSIAN, pool);
                for (long step = 0; step < 4; step++) {
                    StepResult r = est.step(q, 0, 900 + step, LR, pool);
                    // Every pass the step reports (the in-place mode's restores included) replays it.
                    p.applyAll(r.updates(), ScopedViews.of(passes));
                    assertArrayEquals(bits(q.values()), bits(passes.values()), variant + " " + mode + " passes, step " + step);
                    if (mode != RestoreMode.IN_PLACE) {
                        // The server's and a late client's path: the step's scalars → updates.
                        p.applyAll(est.updates(900 + step, r.projectedGradients(), LR), ScopedViews.of(replay));
                        assertArrayEquals(bits(q.values()), bits(replay.values()), variant + " " + mode + " step " + step);
                    } else {
                        replay.setValues(q.values());
                    }
                }
            }
        }
    }

    @Test
    void nestedWithTwoEpsilonsEstimatesEachBlocksGradient() {
        // ε1 = 2ε, ε2 = ε/2: dividing the joint half-difference by the wrong ε would scale a block's
        // estimate by 2 or 1/2. (The estimate stays unbiased for any ratio, but block b's variance
        // grows with (ε_other/ε_b)²: block 2 here carries 4× block 1's directional noise.)
        BlockScales scales = new BlockScales(2e-3f, 5e-4f, 1, 1);
        FedSpzo est = new FedSpzo(2, 4, FedSpzo.Variant.NESTED, ZoSettings.gaussian(EPS), scales);
        try (QuadraticObjective q = QuadraticObjective.small(11); Arena arena = Arena.ofShared();
             WorkerPool pool = WorkerPool.create(1)) {
            double[] gradient = q.gradient();
            ScopedViews acc = EstimatorDirectionTest.zeroLike(q, arena);
            Perturbation accumulate = new Perturbation(Distribution.GAUSSIAN, pool);
            int steps = 3000;
            for (int s = 0; s < steps; s++) {
                long stepSeed = Seeds.step(2025, s);
                StepResult r = est.step(q, 0, stepSeed, 0.0, pool);
                accumulate.applyAll(est.updates(stepSeed, r.projectedGradients(), 1.0 / steps), acc);
            }
            double[] estimate = new double[gradient.length];
            for (ParameterView.Entry e : acc.all().entries()) {
                for (int j = 0; j < e.tensor().numel(); j++) {
                    estimate[(int) (e.offset() + j)] = -e.tensor().getFloat(j);
                }
            }
            // The projection of the mean estimate on each block's true gradient, relative to it.
            double[] ratio = {projection(estimate, gradient, 0, 120), projection(estimate, gradient, 120, 200)};
            System.out.printf("nested, eps1 = 2 eps, eps2 = eps/2: block projections %.3f, %.3f%n", ratio[0], ratio[1]);
            for (double x : ratio) {
                assertTrue(x > 0.8 && x < 1.25, "block estimate / gradient " + x);
            }
        }
    }

    private static double projection(double[] est, double[] grad, int from, int to) {
        double dot = 0;
        double norm = 0;
        for (int i = from; i < to; i++) {
            dot += est[i] * grad[i];
            norm += grad[i] * grad[i];
        }
        return dot / norm;
    }

    @Test
    void rejectsBadScales() {
        assertThrows(IllegalArgumentException.class, () -> new BlockScales(0f, EPS, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new BlockScales(EPS, Float.NaN, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new BlockScales(EPS, Float.MAX_VALUE, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new BlockScales(EPS, EPS, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> new BlockScales(EPS, EPS, 1, Double.POSITIVE_INFINITY));
        assertTrue(BlockScales.uniform(EPS).isUniform(EPS));
        assertTrue(!SCALES.isUniform(EPS));
    }
}
