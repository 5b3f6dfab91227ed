package dev.zoft.federation.privacy;

import dev.zoft.tensor.random.Philox4x32;

/**
 * Standard normal noise in double precision as a pure function of {@code (seed, index)}:
 * Philox4x32-10 keyed by the seed, counter = {@code index / 2}, its four 32-bit words make two
 * 53-bit uniforms u₁ ∈ (0, 1] and u₂ ∈ [0, 1), and Box–Muller gives
 * {@code √(−2 ln u₁)·cos(2π u₂)} (even index) and {@code …·sin(2π u₂)} (odd index).
 *
 * <p>Why not the float generator the directions use: privacy noise needs its tails. Uniforms of 53
 * bits cut the Gaussian at |z| ≈ 8.6 (a probability below 10⁻¹⁷ is lost, negligible against any
 * δ), where 32-bit uniforms cut it at 6.7. {@link StrictMath} makes the values the same on every
 * JVM, so a run is reproducible from its seeds.
 */
public final class GaussianNoise {

    private static final double TWO_POW_MINUS_53 = 0x1.0p-53;

    private GaussianNoise() {
    }

    /** The standard normal value number {@code index} (≥ 0) of the stream {@code seed}. */
    public static double standard(long seed, long index) {
        if (index < 0) {
            throw new IllegalArgumentException("negative noise index " + index);
        }
        long block = index >>> 1;
        int[] w = new int[4];
        Philox4x32.block((int) seed, (int) (seed >>> 32), (int) block, (int) (block >>> 32), 0, 0, w, 0);
        // 53-bit uniforms the way java.util.Random.nextDouble builds them: 26 + 27 bits.
        double u1 = ((((long) (w[0] >>> 6)) << 27) + (w[1] >>> 5) + 1) * TWO_POW_MINUS_53; // (0, 1]
        double u2 = ((((long) (w[2] >>> 6)) << 27) + (w[3] >>> 5)) * TWO_POW_MINUS_53;     // [0, 1)
        double r = StrictMath.sqrt(-2 * StrictMath.log(u1));
        double angle = 2 * Math.PI * u2;
        return (index & 1) == 0 ? r * StrictMath.cos(angle) : r * StrictMath.sin(angle);
    }
}
