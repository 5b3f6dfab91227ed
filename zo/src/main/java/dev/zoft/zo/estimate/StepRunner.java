package dev.zoft.zo.estimate;

import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.zo.SplitObjective;
import dev.zoft.tensor.random.Distribution;
import dev.zoft.zo.params.FusedDirection;
import dev.zoft.zo.params.ParameterView;
import dev.zoft.zo.params.Perturbation;
import dev.zoft.zo.params.Scope;
import dev.zoft.zo.params.ScopedViews;
import dev.zoft.zo.params.Snapshot;
import dev.zoft.zo.params.Update;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The mechanics of one step shared by the estimators: perturbation passes, restores (by snapshot
 * copy or by {@code +ε}), deferred and merged updates, loss evaluations with exact pass counting.
 *
 * <p>A direction's life: {@link #perturb} (+ε), evaluate, {@link #flip} (−2ε), evaluate, then either
 * {@link #restore}, or {@link #restoreAndUpdate} when no later evaluation of the step reads the
 * direction's parameters. {@link #finish} applies the step's pure updates in their canonical order,
 * skipping those already merged into a restore.
 */
final class StepRunner<B> {

    private final SplitObjective<B> objective;
    private final B batch;
    private final ScopedViews views;
    private final Perturbation perturbation;
    /** ε of scope ALL, and the reference ε of {@link #projected(double, double)}. */
    private final float epsilon;
    /** ε of BLOCK1 and BLOCK2 perturbations (FedSPZO's per-block scales; both ε by default). */
    private final float epsilon1;
    private final float epsilon2;
    private final ZoSettings settings;
    private final Distribution distribution;
    private final RestoreMode mode;
    private final Snapshot snapshot;
    private final long f1;
    private final long f2;
    private final List<Double> losses = new ArrayList<>();
    private final List<Update> applied = new ArrayList<>();
    /** Updates merged into a restore pass, by seed. */
    private final Map<Long, Update> merged = new LinkedHashMap<>();
    /** Perturbations applied and not yet undone, as net coefficients, to undo them on failure. */
    private final Map<Long, Update> outstanding = new LinkedHashMap<>();
    /** FUSED mode: the directions the objective currently evaluates, by seed. */
    private final Map<Long, FusedDirection> fused = new LinkedHashMap<>();
    private long block1Passes;
    private long block2Passes;

    StepRunner(SplitObjective<B> objective, B batch, ZoSettings settings, WorkerPool pool, SnapshotCache cache) {
        this(objective, batch, settings, BlockScales.uniform(settings.epsilon()), pool, cache);
    }

    /** A runner perturbing block 1 by {@code scales.eps1()} and block 2 by {@code scales.eps2()}. */
    StepRunner(SplitObjective<B> objective, B batch, ZoSettings settings, BlockScales scales, WorkerPool pool,
               SnapshotCache cache) {
        this.objective = objective;
        this.batch = batch;
        this.views = ScopedViews.of(objective);
        this.perturbation = new Perturbation(settings.distribution(), pool);
        this.settings = settings;
        this.epsilon = settings.epsilon();
        this.epsilon1 = scales.eps1();
        this.epsilon2 = scales.eps2();
        this.mode = settings.restore();
        if (mode == RestoreMode.FUSED && !objective.supportsFusedPerturbation()) {
            throw new IllegalArgumentException(objective.getClass().getSimpleName()
                    + " cannot evaluate fused perturbations: use the SNAPSHOT or IN_PLACE restore mode");
        }
        this.distribution = settings.distribution();
        this.snapshot = mode == RestoreMode.SNAPSHOT ? cache.capture(views.all(), pool) : null;
        this.f1 = objective.block1Flops(batch);
        this.f2 = objective.block2Flops(batch);
        if (f1 < 0 || f2 < 0) {
            throw new IllegalStateException("objective reports negative FLOPs: F1 = " + f1 + ", F2 = " + f2);
        }
    }

    /** The perturbation scale of {@code scope}'s directions. */
    private float epsilon(Scope scope) {
        return switch (scope) {
            case ALL -> epsilon;
            case BLOCK1 -> epsilon1;
            case BLOCK2 -> epsilon2;
        };
    }

    void perturb(Scope scope, long seed) {
        float e = epsilon(scope);
        if (mode == RestoreMode.FUSED) {
            setFused(scope, seed, e);
            return;
        }
        pass(scope, seed, e);
        outstanding.put(seed, new Update(scope, seed, e));
    }

    void flip(Scope scope, long seed) {
        float e = epsilon(scope);
        if (mode == RestoreMode.FUSED) {
            setFused(scope, seed, -e);
            return;
        }
        pass(scope, seed, -2 * e);
        outstanding.put(seed, new Update(scope, seed, -e));
    }

    /** Undoes the direction's perturbation (it must be flipped). */
    void restore(Scope scope, long seed) {
        outstanding.remove(seed);
        if (mode == RestoreMode.FUSED) {
            fused.remove(seed);
            objective.perturbFused(List.copyOf(fused.values()));
        } else if (mode == RestoreMode.SNAPSHOT) {
            snapshot.restore(views.view(scope));
        } else {
            pass(scope, seed, epsilon(scope));
        }
    }

    /**
     * Undoes the direction's perturbation and, in place, applies its update {@code c·z(seed)} in the
     * same pass {@code +(ε + c)}. With a snapshot it only restores: the exact mode applies the pure
     * updates in canonical order in {@link #finish}.
     */
    void restoreAndUpdate(Scope scope, long seed, float c) {
        if (mode != RestoreMode.IN_PLACE) {
            restore(scope, seed);
        } else {
            outstanding.remove(seed);
            pass(scope, seed, (float) ((double) epsilon(scope) + c));
            merged.put(seed, new Update(scope, seed, c));
        }
    }

    /** FUSED mode: from now on the objective sees the scope's parameters as {@code θ + c·z(seed)}. */
    private void setFused(Scope scope, long seed, float c) {
        fused.put(seed, new FusedDirection(views.view(scope), distribution, seed, c));
        objective.perturbFused(List.copyOf(fused.values()));
    }

    private void pass(Scope scope, long seed, float c) {
        perturbation.axpy(views.view(scope), seed, c);
        if (mode == RestoreMode.IN_PLACE) {
            applied.add(new Update(scope, seed, c));
        }
    }

    /**
     * Applies the step's pure updates {@code pure} in order, except those merged into a restore
     * (which must carry the same coefficient), and returns the step's result.
     */
    StepResult finish(double[] projectedGradients, List<Update> pure) {
        int mergedSeen = 0;
        for (Update u : pure) {
            Update m = merged.get(u.seed());
            if (m != null) {
                if (!m.equals(u)) {
                    throw new IllegalStateException("merged update " + m + " differs from the step's update " + u);
                }
                mergedSeen++;
                continue;
            }
            perturbation.apply(u, views);
            applied.add(u);
        }
        if (mergedSeen != merged.size()) {
            throw new IllegalStateException("a merged update is not among the step's updates: " + merged.values());
        }
        double[] l = new double[losses.size()];
        for (int i = 0; i < l.length; i++) {
            l[i] = losses.get(i);
        }
        long flops = Math.addExact(Math.multiplyExact(block1Passes, f1), Math.multiplyExact(block2Passes, f2));
        return new StepResult(l, projectedGradients, block1Passes, block2Passes, flops, applied);
    }

    /** Block 1 at the current parameters. */
    SplitObjective.BlockState forwardBlock1() {
        block1Passes++;
        return objective.forwardBlock1(batch);
    }

    /** Block 2's loss on {@code h} at the current parameters. */
    double lossFromBlock1(SplitObjective.BlockState h) {
        block2Passes++;
        return check(objective.lossFromBlock1(h, batch));
    }

    /** The full loss (block 1 then block 2) at the current parameters. */
    double fullLoss() {
        try (SplitObjective.BlockState h = forwardBlock1()) {
            return lossFromBlock1(h);
        }
    }

    /** {@code (plus − minus) / 2ε} in double (ε the settings' ε), clipped by the settings. */
    double projected(double plus, double minus) {
        return settings.clip((plus - minus) / (2.0 * epsilon));
    }

    /** {@code (plus − minus) / 2ε_scope} in double, clipped by the settings. */
    double projected(double plus, double minus, Scope scope) {
        return settings.clip((plus - minus) / (2.0 * epsilon(scope)));
    }

    private double check(double loss) {
        if (!Double.isFinite(loss)) {
            undoOutstanding();
            throw new IllegalStateException("the loss is not finite (" + loss + ") after " + losses.size()
                    + " evaluations of this step; perturbations undone, no update applied (lower ε or the learning rate)");
        }
        losses.add(loss);
        return loss;
    }

    private void undoOutstanding() {
        if (mode == RestoreMode.FUSED) {
            fused.clear();
            objective.perturbFused(List.of());
        } else if (mode == RestoreMode.SNAPSHOT) {
            snapshot.restore();
        } else {
            for (Update u : outstanding.values()) {
                perturbation.apply(new Update(u.scope(), u.seed(), -u.coefficient()), views);
            }
        }
        outstanding.clear();
    }

    /** The parameters a scope names (for estimators that need their sizes). */
    ParameterView view(Scope scope) {
        return views.view(scope);
    }
}
