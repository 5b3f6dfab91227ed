package dev.zoft.zo.train;

import dev.zoft.zo.estimate.LearningRate;

/**
 * A learning-rate schedule as data (for the run manifest): constant η = {@code start}, or a
 * linear decay from {@code start} at step 0 to {@code end} at step {@code steps}.
 *
 * @param linear whether η decays linearly (false: constant {@code start})
 * @param start  η at step 0
 * @param end    η from step {@code steps} on (equal to {@code start} when constant)
 * @param steps  length of the decay (ignored when constant, then 0)
 */
public record LearningRateSpec(boolean linear, double start, double end, long steps) {

    public LearningRateSpec {
        // LearningRate's factories hold the rules; building one validates.
        if (linear) {
            LearningRate.linearDecay(start, end, steps);
        } else {
            LearningRate.constant(start);
            if (end != start || steps != 0) {
                throw new IllegalArgumentException("a constant learning rate has end = start and no decay steps");
            }
        }
    }

    public static LearningRateSpec constant(double eta) {
        return new LearningRateSpec(false, eta, eta, 0);
    }

    public static LearningRateSpec linearDecay(double start, double end, long steps) {
        return new LearningRateSpec(true, start, end, steps);
    }

    public LearningRate schedule() {
        return linear ? LearningRate.linearDecay(start, end, steps) : LearningRate.constant(start);
    }

    public String describe() {
        return linear ? "lr " + start + " → " + end + " over " + steps + " steps" : "lr " + start;
    }
}
