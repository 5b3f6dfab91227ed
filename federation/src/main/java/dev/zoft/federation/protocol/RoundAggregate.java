package dev.zoft.federation.protocol;

import dev.zoft.zo.estimate.Estimator;
import dev.zoft.zo.estimate.Seeds;
import dev.zoft.zo.params.Update;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a round did to the global model, in its compact seed + scalar form: the round seed, the
 * learning rate and the aggregated scalars of each local step. Anyone holding the estimator's
 * settings turns it into the round's weight updates with {@link #updates}, bit for bit as the
 * server did; it is what a client downloads for every round it missed.
 *
 * @param round        1-based round number
 * @param roundSeed    the round's seed (step s's seed is {@code Seeds.step(roundSeed, s)})
 * @param learningRate η of the round (finite, ≥ 0)
 * @param scalars      the aggregated scalars, one row per local step
 */
public record RoundAggregate(int round, long roundSeed, double learningRate, StepScalars scalars) {

    public RoundAggregate {
        if (round < 1) {
            throw new IllegalArgumentException("round numbers start at 1, got " + round);
        }
        if (!(learningRate >= 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be finite and non-negative, got " + learningRate);
        }
        Objects.requireNonNull(scalars, "scalars");
    }

    /**
     * The round's updates in application order: for each step s in order,
     * {@code estimator.updates(Seeds.step(roundSeed, s), scalars of step s, η)}.
     *
     * @throws IllegalArgumentException if the estimator takes a different number of scalars per step
     */
    public List<Update> updates(Estimator estimator) {
        if (estimator.scalarsPerStep() != scalars.perStep()) {
            throw new IllegalArgumentException("round " + round + " has " + scalars.perStep() + " scalars per step, "
                    + estimator + " takes " + estimator.scalarsPerStep());
        }
        List<Update> out = new ArrayList<>();
        for (int s = 0; s < scalars.steps(); s++) {
            out.addAll(estimator.updates(Seeds.step(roundSeed, s), scalars.step(s), learningRate));
        }
        return out;
    }
}
