package dev.zoft.zo.estimate;

import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.zo.SplitObjective;
import dev.zoft.zo.params.Scope;
import dev.zoft.zo.params.Update;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * FedSPZO's split perturbation (DESIGN.md §1): block 1 gets P1 directions
 * {@code z1_j = z(Seeds.direction(step, BLOCK1, j))}, block 2 gets P2 directions
 * {@code z2_k = z(Seeds.direction(step, BLOCK2, k))}, each restricted to its block's parameters.
 *
 * <h2>Nested</h2>
 * For each j: {@code h⁺ = B1(θ1 + εz1_j)}, {@code h⁻ = B1(θ1 − εz1_j)}; for each k:
 * {@code g_jk = (ℓ(B2(h⁺; θ2 + εz2_k)) − ℓ(B2(h⁻; θ2 − εz2_k))) / 2ε}. Updates
 * {@code θ1 −= η/(P1·P2) · Σ_jk g_jk z1_j} and {@code θ2 −= η/(P1·P2) · Σ_jk g_jk z2_k}: one pass per
 * direction, coefficients {@code coefficient(η, Σ_k g_jk, P1·P2)} (sum over k in order) and
 * {@code coefficient(η, Σ_j g_jk, P1·P2)}. Cost {@code 2·P1·(F1 + P2·F2)}. Scalars: the P1·P2 values
 * g_jk, j-major ({@code g[j·P2 + k]}).
 *
 * <h2>Decoupled</h2>
 * Block 1: P1 full-network SPSA directions, {@code g1_j = (L(θ1 + εz1_j) − L(θ1 − εz1_j)) / 2ε};
 * block 2: P2 SPSA directions on one clean {@code h = B1(θ1)}, {@code g2_k = (ℓ(B2(h; θ2 + εz2_k)) −
 * ℓ(B2(h; θ2 − εz2_k))) / 2ε}. Updates {@code θ1 −= η/P1 · Σ g1_j z1_j},
 * {@code θ2 −= η/P2 · Σ g2_k z2_k}. Cost {@code F1 + 2·P1·(F1 + F2) + 2·P2·F2}. Scalars: the P1
 * values g1 then the P2 values g2.
 *
 * <p>Updates are applied block 1's directions first (j order), then block 2's (k order).
 *
 * <h2>Per-block ε and learning rate ({@link BlockScales})</h2>
 * Block b may be perturbed by its own ε_b and step with {@code λ_b·η}. The formulas above are the
 * case ε1 = ε2 = ε, λ1 = λ2 = 1 ({@link BlockScales#uniform}), which gives the same bits as without
 * the knobs. In general:
 * <ul>
 *   <li><b>Decoupled</b>: each block is its own SPSA at its own scale:
 *       {@code g1_j = (L(θ1 + ε1·z1_j) − L(θ1 − ε1·z1_j)) / 2ε1},
 *       {@code g2_k = (ℓ(B2(h; θ2 + ε2·z2_k)) − ℓ(B2(h; θ2 − ε2·z2_k))) / 2ε2};
 *       {@code θ1 −= λ1·η/P1 · Σ g1_j z1_j}, {@code θ2 −= λ2·η/P2 · Σ g2_k z2_k}.</li>
 *   <li><b>Nested</b>: pair (j, k) evaluates the joint perturbation {@code ±(ε1·z1_j, ε2·z2_k)}, so
 *       {@code D_jk = (L⁺ − L⁻)/2 ≈ ε1·∇1·z1_j + ε2·∇2·z2_k}. For Gaussian (or Rademacher) z,
 *       {@code E[D·z1]/ε1 = ∇1} and {@code E[D·z2]/ε2 = ∇2} to first order: each block divides the
 *       same half-difference by <i>its own</i> ε. The scalar reported per pair is
 *       {@code g_jk = D_jk / ε} with ε the estimator's reference ε ({@link ZoSettings#epsilon()}:
 *       one scalar per pair, as without the knobs), and block b's updates use {@code g_jk·(ε/ε_b)}:
 *       {@code θ1 −= coefficient(λ1·η, (ε/ε1)·Σ_k g_jk, P1·P2)·z1_j},
 *       {@code θ2 −= coefficient(λ2·η, (ε/ε2)·Σ_j g_jk, P1·P2)·z2_k}, in double then rounded to
 *       float once; with ε_b = ε and λ_b = 1 the factors are exactly 1. The estimate stays
 *       unbiased for any ε1/ε2, but block b's variance carries the other block's directional term
 *       scaled by {@code (ε_other/ε_b)²}: very unequal ε make the smaller-ε block noisy. Nested
 *       scalars (and a clipping bound on them) are in units of {@code D/ε}.</li>
 * </ul>
 * Clipping ({@link ZoSettings#clip()}) applies to the reported scalars g (before the sums), so what
 * {@link #updates} receives from a federation's aggregate rebuilds exactly what the step applied.
 */
public final class FedSpzo implements Estimator {

    /** How block 1's and block 2's perturbations combine. */
    public enum Variant {
        /** Every block-2 direction on every block-1 pair (the reconstruction in DESIGN.md §1). */
        NESTED,
        /** Block 1 by full-network SPSA, block 2 by SPSA on one clean cached block-1 output. */
        DECOUPLED
    }

    private final int p1;
    private final int p2;
    private final Variant variant;
    private final ZoSettings settings;
    private final BlockScales scales;
    private final SnapshotCache cache = new SnapshotCache();

    /** FedSPZO with both blocks at the settings' ε and learning-rate factors 1 (the paper's setting). */
    public FedSpzo(int p1, int p2, Variant variant, ZoSettings settings) {
        this(p1, p2, variant, settings, BlockScales.uniform(settings.epsilon()));
    }

    /** FedSPZO with per-block ε and learning-rate factors {@code scales} (see the class comment). */
    public FedSpzo(int p1, int p2, Variant variant, ZoSettings settings, BlockScales scales) {
        if (p1 < 1 || p2 < 1) {
            throw new IllegalArgumentException("FedSPZO needs P1 ≥ 1 and P2 ≥ 1, got P1 = " + p1 + ", P2 = " + p2);
        }
        Math.multiplyExact(p1, p2);
        this.p1 = p1;
        this.p2 = p2;
        this.variant = Objects.requireNonNull(variant, "variant");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.scales = Objects.requireNonNull(scales, "scales");
    }

    public BlockScales scales() {
        return scales;
    }

    /** Block 1's update coefficient for the (reported) scalar sum {@code sum} over {@code count}. */
    private float coefficient1(double lr, double sum, int count) {
        return variant == Variant.NESTED
                ? Estimator.coefficient(lr * scales.lr1(), sum * ((double) settings.epsilon() / scales.eps1()), count)
                : Estimator.coefficient(lr * scales.lr1(), sum, count);
    }

    /** Block 2's update coefficient for the (reported) scalar sum {@code sum} over {@code count}. */
    private float coefficient2(double lr, double sum, int count) {
        return variant == Variant.NESTED
                ? Estimator.coefficient(lr * scales.lr2(), sum * ((double) settings.epsilon() / scales.eps2()), count)
                : Estimator.coefficient(lr * scales.lr2(), sum, count);
    }

    public int p1() {
        return p1;
    }

    public int p2() {
        return p2;
    }

    public Variant variant() {
        return variant;
    }

    @Override
    public <B> StepResult step(SplitObjective<B> objective, B batch, long stepSeed, double learningRate, WorkerPool pool) {
        StepRunner<B> run = new StepRunner<>(objective, batch, settings, scales, pool, cache);
        return variant == Variant.NESTED ? nested(run, stepSeed, learningRate) : decoupled(run, stepSeed, learningRate);
    }

    private <B> StepResult nested(StepRunner<B> run, long stepSeed, double lr) {
        if (run.view(Scope.BLOCK1).size() == 0) {
            return nestedFrozenBlock1(run, stepSeed, lr);
        }
        int pairs = p1 * p2;
        double[] g = new double[pairs];
        double[] sum2 = new double[p2];
        for (int j = 0; j < p1; j++) {
            long s1 = Seeds.direction(stepSeed, Scope.BLOCK1, j);
            float c1 = 0;
            run.perturb(Scope.BLOCK1, s1);
            try (SplitObjective.BlockState hPlus = run.forwardBlock1()) {
                run.flip(Scope.BLOCK1, s1);
                try (SplitObjective.BlockState hMinus = run.forwardBlock1()) {
                    // Block 2 reads only h and θ2: block 1 may stay perturbed until its update is known.
                    double sum1 = 0;
                    for (int k = 0; k < p2; k++) {
                        long s2 = Seeds.direction(stepSeed, Scope.BLOCK2, k);
                        run.perturb(Scope.BLOCK2, s2);
                        double plus = run.lossFromBlock1(hPlus);
                        run.flip(Scope.BLOCK2, s2);
                        double minus = run.lossFromBlock1(hMinus);
                        double gjk = run.projected(plus, minus);
                        g[j * p2 + k] = gjk;
                        sum1 += gjk;
                        if (j == p1 - 1) {
                            // Block 2's sums are complete on the last j; merging is allowed only
                            // on the last k, since later k still evaluate θ2.
                            sum2Add(sum2, g, j, k);
                            if (k == p2 - 1) {
                                run.restoreAndUpdate(Scope.BLOCK2, s2, coefficient2(lr, sum2[k], pairs));
                            } else {
                                run.restore(Scope.BLOCK2, s2);
                            }
                        } else {
                            run.restore(Scope.BLOCK2, s2);
                        }
                    }
                    c1 = coefficient1(lr, sum1, pairs);
                }
            }
            if (j == p1 - 1) {
                run.restoreAndUpdate(Scope.BLOCK1, s1, c1);
            } else {
                run.restore(Scope.BLOCK1, s1);
            }
        }
        return run.finish(g, updates(stepSeed, g, lr));
    }

    /**
     * Nested with no trainable parameter in block 1 (e.g. only the top layers are trained and the
     * split falls below them): every block-1 "perturbation" is the identity, so h⁺ = h⁻ = B1(θ1) bit
     * for bit and one clean forward serves every (j, k). Same scalars and updates as the general
     * path, at {@code F1 + 2·P1·P2·F2} instead of {@code 2·P1·(F1 + P2·F2)}.
     */
    private <B> StepResult nestedFrozenBlock1(StepRunner<B> run, long stepSeed, double lr) {
        int pairs = p1 * p2;
        double[] g = new double[pairs];
        try (SplitObjective.BlockState h = run.forwardBlock1()) {
            for (int j = 0; j < p1; j++) {
                for (int k = 0; k < p2; k++) {
                    long s2 = Seeds.direction(stepSeed, Scope.BLOCK2, k);
                    run.perturb(Scope.BLOCK2, s2);
                    double plus = run.lossFromBlock1(h);
                    run.flip(Scope.BLOCK2, s2);
                    double minus = run.lossFromBlock1(h);
                    g[j * p2 + k] = run.projected(plus, minus);
                    if (j == p1 - 1 && k == p2 - 1) {
                        double[] sum2 = new double[p2];
                        sum2Add(sum2, g, j, k);
                        run.restoreAndUpdate(Scope.BLOCK2, s2, coefficient2(lr, sum2[k], pairs));
                    } else {
                        run.restore(Scope.BLOCK2, s2);
                    }
                }
            }
        }
        return run.finish(g, updates(stepSeed, g, lr));
    }

    /** Adds column k of g (j = 0..last) into sum2[k], in j order. */
    private void sum2Add(double[] sum2, double[] g, int last, int k) {
        double s = 0;
        for (int j = 0; j <= last; j++) {
            s += g[j * p2 + k];
        }
        sum2[k] = s;
    }

    private <B> StepResult decoupled(StepRunner<B> run, long stepSeed, double lr) {
        double[] g = new double[p1 + p2];
        // The clean block-1 output first: block 1's last restore can then merge with its update.
        // With no trainable parameter in block 1 its directions are the identity: L⁺ = L⁻ bit for
        // bit and g1 = 0 exactly, so the 2·P1 full forwards are skipped (the scalars stay the same).
        boolean frozenBlock1 = run.view(Scope.BLOCK1).size() == 0;
        try (SplitObjective.BlockState h = run.forwardBlock1()) {
            for (int j = 0; j < p1 && !frozenBlock1; j++) {
                long s1 = Seeds.direction(stepSeed, Scope.BLOCK1, j);
                run.perturb(Scope.BLOCK1, s1);
                double plus = run.fullLoss();
                run.flip(Scope.BLOCK1, s1);
                double minus = run.fullLoss();
                g[j] = run.projected(plus, minus, Scope.BLOCK1);
                if (j == p1 - 1) {
                    run.restoreAndUpdate(Scope.BLOCK1, s1, coefficient1(lr, g[j], p1));
                } else {
                    run.restore(Scope.BLOCK1, s1);
                }
            }
            for (int k = 0; k < p2; k++) {
                long s2 = Seeds.direction(stepSeed, Scope.BLOCK2, k);
                run.perturb(Scope.BLOCK2, s2);
                double plus = run.lossFromBlock1(h);
                run.flip(Scope.BLOCK2, s2);
                double minus = run.lossFromBlock1(h);
                g[p1 + k] = run.projected(plus, minus, Scope.BLOCK2);
                if (k == p2 - 1) {
                    run.restoreAndUpdate(Scope.BLOCK2, s2, coefficient2(lr, g[p1 + k], p2));
                } else {
                    run.restore(Scope.BLOCK2, s2);
                }
            }
        }
        return run.finish(g, updates(stepSeed, g, lr));
    }

    @Override
    public List<Update> updates(long stepSeed, double[] g, double lr) {
        Checks.scalars(g, scalarsPerStep(), "FedSPZO " + variant);
        List<Update> out = new ArrayList<>(p1 + p2);
        if (variant == Variant.NESTED) {
            int pairs = p1 * p2;
            for (int j = 0; j < p1; j++) {
                double s = 0;
                for (int k = 0; k < p2; k++) {
                    s += g[j * p2 + k];
                }
                out.add(new Update(Scope.BLOCK1, Seeds.direction(stepSeed, Scope.BLOCK1, j), coefficient1(lr, s, pairs)));
            }
            for (int k = 0; k < p2; k++) {
                double s = 0;
                for (int j = 0; j < p1; j++) {
                    s += g[j * p2 + k];
                }
                out.add(new Update(Scope.BLOCK2, Seeds.direction(stepSeed, Scope.BLOCK2, k), coefficient2(lr, s, pairs)));
            }
        } else {
            for (int j = 0; j < p1; j++) {
                out.add(new Update(Scope.BLOCK1, Seeds.direction(stepSeed, Scope.BLOCK1, j), coefficient1(lr, g[j], p1)));
            }
            for (int k = 0; k < p2; k++) {
                out.add(new Update(Scope.BLOCK2, Seeds.direction(stepSeed, Scope.BLOCK2, k), coefficient2(lr, g[p1 + k], p2)));
            }
        }
        return out;
    }

    @Override
    public int scalarsPerStep() {
        return variant == Variant.NESTED ? p1 * p2 : p1 + p2;
    }

    @Override
    public ZoSettings settings() {
        return settings;
    }

    @Override
    public long flopsPerStep(long f1, long f2) {
        if (variant == Variant.NESTED) {
            return Math.multiplyExact(2L * p1, Math.addExact(f1, Math.multiplyExact((long) p2, f2)));
        }
        return Math.addExact(Math.addExact(f1, Math.multiplyExact(2L * p1, Math.addExact(f1, f2))),
                Math.multiplyExact(2L * p2, f2));
    }

    @Override
    public String toString() {
        return "FedSPZO(" + variant + ", P1=" + p1 + ", P2=" + p2 + ", " + settings
                + (scales.isUniform(settings.epsilon()) ? "" : ", " + scales) + ")";
    }
}
