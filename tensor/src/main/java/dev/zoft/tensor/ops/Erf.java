package dev.zoft.tensor.ops;

/**
 * The error function, which Java's {@code Math} lacks. Both GELU twins use the same approximation:
 * the Chebyshev fit of erfc from Numerical Recipes ("erfcc", Press, Teukolsky, Vetterling &amp;
 * Flannery, <i>Numerical Recipes in C</i>, 2nd ed., §6.2), whose fractional error is below 1.2e-7
 * for every argument: {@code erfc(z) ≈ t·exp(−z² + P(t))} with {@code t = 1/(1 + z/2)}, z ≥ 0, and P a
 * degree-9 polynomial. Working through erfc keeps GELU accurate in its negative tail, where
 * {@code 1 + erf(z)} would cancel catastrophically.
 */
public final class Erf {
    private Erf() {
    }

    /** P(t) coefficients, constant term first (Numerical Recipes erfcc). */
    static final double[] P = {
        -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806,
        0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277,
    };

    /** erfc(z) for z ≥ 0 (fractional error &lt; 1.2e-7); NaN stays NaN. */
    static double erfcNonNegative(double z) {
        double t = 1.0 / (1.0 + 0.5 * z);
        double p = P[9];
        for (int i = 8; i >= 0; i--) {
            p = P[i] + t * p;
        }
        return t * Math.exp(-z * z + p);
    }

    /** The complementary error function {@code 1 − erf(x)}. */
    public static double erfc(double x) {
        return x >= 0 ? erfcNonNegative(x) : 2.0 - erfcNonNegative(-x);
    }

    /** The error function; absolute error below 1.2e-7. */
    public static double erf(double x) {
        return x >= 0 ? 1.0 - erfcNonNegative(x) : erfcNonNegative(-x) - 1.0;
    }

    /**
     * The exact GELU {@code x · Φ(x) = x/2 · (1 + erf(x/√2))}, written as {@code x/2 · erfc(−x/√2)} so
     * that neither tail cancels.
     */
    public static double gelu(double x) {
        double z = x * 0.7071067811865476;
        return 0.5 * x * (z >= 0 ? 2.0 - erfcNonNegative(z) : erfcNonNegative(-z));
    }
}
