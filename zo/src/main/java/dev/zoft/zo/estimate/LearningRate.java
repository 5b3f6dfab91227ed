package dev.zoft.zo.estimate;

/** A learning-rate schedule: η as a function of the step index (from 0). */
@FunctionalInterface
public interface LearningRate {

    /** η at step {@code step}. */
    double at(long step);

    /** The same η at every step. */
    static LearningRate constant(double eta) {
        check(eta, "learning rate");
        return step -> eta;
    }

    /**
     * η falling linearly from {@code start} at step 0 to {@code end} at step {@code steps} and
     * staying at {@code end} afterwards.
     */
    static LearningRate linearDecay(double start, double end, long steps) {
        check(start, "start learning rate");
        check(end, "end learning rate");
        if (steps < 1) {
            throw new IllegalArgumentException("a linear decay needs at least one step, got " + steps);
        }
        return step -> step >= steps ? end : start + (end - start) * ((double) step / steps);
    }

    private static void check(double eta, String what) {
        if (!(eta >= 0) || !Double.isFinite(eta)) {
            throw new IllegalArgumentException(what + " must be finite and non-negative, got " + eta);
        }
    }
}
