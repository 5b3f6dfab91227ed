package dev.zoft.zo.estimate;

import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.zo.SplitObjective;
import dev.zoft.zo.params.Update;
import java.util.List;

/**
 * A zeroth-order gradient estimator that also takes the step: it perturbs the objective's
 * parameters in place, evaluates losses, computes the projected-gradient scalars and applies the
 * update. Implementations are deterministic (same seeds, parameters and batch give the same bits
 * on any thread count) and not thread-safe (one instance per thread).
 */
public interface Estimator {

    /**
     * Runs one step at the objective's current parameters: directions from {@code stepSeed}
     * ({@link Seeds#direction}), learning rate {@code learningRate}, passes on {@code pool}.
     */
    <B> StepResult step(SplitObjective<B> objective, B batch, long stepSeed, double learningRate, WorkerPool pool);

    /**
     * The pure updates {@code θ −= η·(…)·z} of a step seeded {@code stepSeed} whose scalars are
     * {@code projectedGradients} (e.g. a federation's aggregate), in application order. In
     * {@link RestoreMode#SNAPSHOT} mode a step applies exactly these updates.
     *
     * @throws IllegalArgumentException if the number of scalars is not {@link #scalarsPerStep()}
     */
    List<Update> updates(long stepSeed, double[] projectedGradients, double learningRate);

    /** Number of projected-gradient scalars per step. */
    int scalarsPerStep();

    /** The shared settings (ε, distribution, restore mode). */
    ZoSettings settings();

    /**
     * Forward FLOPs of one step for block costs F1 and F2, as the step counts them when every block
     * has trainable parameters (a step over a frozen block may skip evaluations and reports fewer in
     * {@link StepResult#forwardFlops()}).
     */
    long flopsPerStep(long f1, long f2);

    /**
     * The float coefficient of a pure update: {@code (float) (−η · sum / count)}, evaluated in
     * double. Shared by every estimator so that a step and a replay from scalars agree bit for bit.
     */
    static float coefficient(double learningRate, double sum, int count) {
        return (float) (-learningRate * sum / count);
    }
}
