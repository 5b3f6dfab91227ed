package dev.zoft.zo.estimate;

/** Argument checks shared by the estimators. */
final class Checks {

    private Checks() {
    }

    static void scalars(double[] scalars, int expected, String estimator) {
        if (scalars.length != expected) {
            throw new IllegalArgumentException(estimator + " expects " + expected + " projected gradients per step, got "
                    + scalars.length);
        }
        for (int i = 0; i < scalars.length; i++) {
            if (!Double.isFinite(scalars[i])) {
                throw new IllegalArgumentException("projected gradient " + i + " is not finite: " + scalars[i]);
            }
        }
    }
}
