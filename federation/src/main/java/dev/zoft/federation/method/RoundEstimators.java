package dev.zoft.federation.method;

import dev.zoft.zo.estimate.Estimator;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * The estimator of each round of a run whose direction count may follow a schedule. An estimator
 * keeps a model-sized snapshot once it has stepped, so only the estimator of the <i>pinned</i> round
 * (the open round, whose clients step) is kept; a round with another setting (a replay of a missed
 * round needs only its updates, which allocate nothing) gets a fresh instance. Memory stays one
 * snapshot however many counts the schedule reaches, and it is reallocated only when the open
 * round's setting changes. Without a schedule every round gets the one estimator.
 */
public final class RoundEstimators implements IntFunction<Estimator> {

    private final IntFunction<?> setting;
    private final IntFunction<Estimator> factory;
    private Object pinnedSetting;
    private Estimator pinned;

    /**
     * Estimators pinned to round 1.
     *
     * @param setting what makes two rounds' estimators differ (e.g. the round's direction count);
     *                rounds with equal settings share an estimator
     * @param factory a new estimator for a round
     */
    public RoundEstimators(IntFunction<?> setting, IntFunction<Estimator> factory) {
        this.setting = Objects.requireNonNull(setting, "setting");
        this.factory = Objects.requireNonNull(factory, "factory");
        pin(1);
    }

    /** Estimators of {@code spec}'s rounds, pinned to round 1. */
    RoundEstimators(MethodSpec spec) {
        this(spec::directionsAt, spec::createEstimator);
    }

    /** Keeps round {@code round}'s estimator (the one its clients step with) from now on. */
    public void pin(int round) {
        Object s = setting.apply(round);
        if (pinned == null || !s.equals(pinnedSetting)) {
            pinned = factory.apply(round);
            pinnedSetting = s;
        }
    }

    /** Round {@code round}'s estimator: the pinned one if the settings agree, else a fresh one. */
    @Override
    public Estimator apply(int round) {
        return setting.apply(round).equals(pinnedSetting) ? pinned : factory.apply(round);
    }
}
