package dev.zoft.federation.method;

import dev.zoft.zo.estimate.Estimator;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * The estimator of each round of a spec whose direction count may follow a schedule. An estimator
 * keeps a model-sized snapshot once it has stepped, so only the estimator of the <i>pinned</i> round
 * (the open round, whose clients step) is kept; a round with another count (a replay of a missed
 * round needs only its updates, which allocate nothing) gets a fresh instance. Memory stays one
 * snapshot however many counts the schedule reaches, and it is reallocated only when the open
 * round's count changes.
 */
final class RoundEstimators implements IntFunction<Estimator> {

    private final MethodSpec spec;
    private int pinnedCount;
    private Estimator pinned;

    /** Estimators of {@code spec}, pinned to round 1. */
    RoundEstimators(MethodSpec spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
        pin(1);
    }

    /** Keeps round {@code round}'s estimator (the one its clients step with) from now on. */
    void pin(int round) {
        int c = spec.directionsAt(round);
        if (pinned == null || c != pinnedCount) {
            pinned = spec.createEstimator(round);
            pinnedCount = c;
        }
    }

    /** Round {@code round}'s estimator: the pinned one if the counts agree, else a fresh one. */
    @Override
    public Estimator apply(int round) {
        return spec.directionsAt(round) == pinnedCount ? pinned : spec.createEstimator(round);
    }
}
