package dev.zoft.federation.privacy;

/**
 * Differential privacy on the uploaded scalars, by the Gaussian mechanism.
 *
 * @param clip  C: each client's scalars of a round are scaled down to an L2 norm of at most C
 * @param noise σ, the noise multiplier: N(0, σ²C²) noise per scalar, added by each client to its
 *              upload ({@link Mode#LOCAL}) or by the server to the clipped sum ({@link Mode#CENTRAL})
 * @param delta δ of the reported (ε, δ) guarantee, in (0, 1)
 * @param mode  where the noise is added (default {@link Mode#LOCAL})
 */
public record DpSettings(double clip, double noise, double delta, Mode mode) {

    /** Where the noise is added. */
    public enum Mode {
        /** On each device, before the upload ({@link LocalGaussianPrivacy}): no trust in the server. The default. */
        LOCAL,
        /** By the server, once, to the sum of the clipped uploads ({@link CentralGaussianMean}): √n times less noise in the aggregate, but the server sees raw uploads. */
        CENTRAL
    }

    /** Local DP (the default mode). */
    public DpSettings(double clip, double noise, double delta) {
        this(clip, noise, delta, Mode.LOCAL);
    }

    public DpSettings {
        java.util.Objects.requireNonNull(mode, "mode");
        if (!(clip > 0) || !Double.isFinite(clip)) {
            throw new IllegalArgumentException("DP clip bound C must be positive and finite, got " + clip);
        }
        if (!(noise > 0) || !Double.isFinite(noise)) {
            throw new IllegalArgumentException("DP noise multiplier σ must be positive and finite, got " + noise);
        }
        if (clip * noise > 1e30) {
            // Noise of that deviation would round to an infinite float (|z| reaches 8.6).
            throw new IllegalArgumentException("DP noise deviation σ·C = " + clip * noise + " exceeds 1e30");
        }
        if (!(delta > 0 && delta < 1)) {
            throw new IllegalArgumentException("DP δ must be in (0, 1), got " + delta);
        }
    }

    /**
     * The noise standard deviation over the L2 sensitivity of one client's clipped upload. Two
     * clipped vectors of norm ≤ C differ by up to 2C (any change of the client's data may move
     * its upload from one side of the ball to the other), so it is σC / 2C = σ/2. The same holds
     * centrally: replacing one client's data moves the clipped sum by at most 2C, and the sum gets
     * noise σC. (Add/remove adjacency would give σ; it is not used because who took part in a
     * round is public in the log.)
     */
    public double noiseToSensitivity() {
        return noise / 2;
    }

    /** For logs and manifests: {@code clip=C noise=σ delta=δ}. */
    public String describe() {
        return "clip=" + clip + " noise=" + noise + " delta=" + delta + (mode == Mode.CENTRAL ? " central" : "");
    }
}
