package dev.zoft.zo.estimate;

import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.zo.SplitObjective;
import dev.zoft.zo.params.Scope;
import dev.zoft.zo.params.Update;
import java.util.ArrayList;
import java.util.List;

/**
 * MeZO / n-SPSA with P directions over all trainable parameters, central differences:
 * for p = 0..P−1, {@code z_p = z(Seeds.direction(step, ALL, p))},
 * {@code g_p = (L(θ + εz_p) − L(θ − εz_p)) / 2ε}, then {@code θ ← θ − η/P · Σ g_p z_p} (one pass per
 * direction, coefficient {@link Estimator#coefficient}{@code (η, g_p, P)}). Cost: {@code 2·P·(F1 + F2)}
 * forward FLOPs. Scalars: the P values g_p.
 */
public final class MeZo implements Estimator {

    private final int directions;
    private final ZoSettings settings;
    private final SnapshotCache cache = new SnapshotCache();

    public MeZo(int directions, ZoSettings settings) {
        if (directions < 1) {
            throw new IllegalArgumentException("MeZO needs at least one direction, got " + directions);
        }
        this.directions = directions;
        this.settings = java.util.Objects.requireNonNull(settings, "settings");
    }

    public int directions() {
        return directions;
    }

    @Override
    public <B> StepResult step(SplitObjective<B> objective, B batch, long stepSeed, double learningRate, WorkerPool pool) {
        StepRunner<B> run = new StepRunner<>(objective, batch, settings, pool, cache);
        double[] g = new double[directions];
        for (int p = 0; p < directions; p++) {
            long seed = Seeds.direction(stepSeed, Scope.ALL, p);
            run.perturb(Scope.ALL, seed);
            double plus = run.fullLoss();
            run.flip(Scope.ALL, seed);
            double minus = run.fullLoss();
            g[p] = run.projected(plus, minus);
            if (p == directions - 1) {
                // The last direction: no later evaluation reads θ, so its restore may carry its update.
                run.restoreAndUpdate(Scope.ALL, seed, Estimator.coefficient(learningRate, g[p], directions));
            } else {
                run.restore(Scope.ALL, seed);
            }
        }
        return run.finish(g, updates(stepSeed, g, learningRate));
    }

    @Override
    public List<Update> updates(long stepSeed, double[] projectedGradients, double learningRate) {
        Checks.scalars(projectedGradients, directions, "MeZO");
        List<Update> out = new ArrayList<>(directions);
        for (int p = 0; p < directions; p++) {
            out.add(new Update(Scope.ALL, Seeds.direction(stepSeed, Scope.ALL, p),
                    Estimator.coefficient(learningRate, projectedGradients[p], directions)));
        }
        return out;
    }

    @Override
    public int scalarsPerStep() {
        return directions;
    }

    @Override
    public ZoSettings settings() {
        return settings;
    }

    @Override
    public long flopsPerStep(long f1, long f2) {
        return Math.multiplyExact(2L * directions, Math.addExact(f1, f2));
    }

    @Override
    public String toString() {
        return "MeZO(P=" + directions + ", " + settings + ")";
    }
}
