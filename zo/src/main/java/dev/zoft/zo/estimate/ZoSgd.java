package dev.zoft.zo.estimate;

import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.zo.SplitObjective;
import dev.zoft.zo.params.Update;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Zeroth-order SGD on one device: each {@link #step} runs the estimator at the schedule's learning
 * rate with the next step seed ({@link Seeds#step}{@code (runSeed, t)}), and hands the step's
 * updates to a sink (e.g. a seed log's append), so that the base model plus the sink's records
 * reproduce the weights.
 *
 * @param <B> the batch type
 */
public final class ZoSgd<B> {

    private final SplitObjective<B> objective;
    private final Estimator estimator;
    private final LearningRate schedule;
    private final WorkerPool pool;
    private final long runSeed;
    private final Consumer<List<Update>> sink;
    private long steps;

    /**
     * @param sink receives each step's updates in order (use {@code u -> {}} to discard them)
     */
    public ZoSgd(SplitObjective<B> objective, Estimator estimator, LearningRate schedule, WorkerPool pool,
                 long runSeed, Consumer<List<Update>> sink) {
        this.objective = Objects.requireNonNull(objective, "objective");
        this.estimator = Objects.requireNonNull(estimator, "estimator");
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.pool = Objects.requireNonNull(pool, "pool");
        this.runSeed = runSeed;
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /** One step on {@code batch} with the run's next step seed. */
    public StepResult step(B batch) {
        return step(batch, Seeds.step(runSeed, steps));
    }

    /** One step on {@code batch} with an explicit step seed (e.g. derived from a federation round). */
    public StepResult step(B batch, long stepSeed) {
        StepResult r = estimator.step(objective, batch, stepSeed, schedule.at(steps), pool);
        steps++;
        sink.accept(r.updates());
        return r;
    }

    /** Steps taken so far. */
    public long steps() {
        return steps;
    }

    public Estimator estimator() {
        return estimator;
    }
}
