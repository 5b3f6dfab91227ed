package dev.zoft.zo.estimate;

import dev.zoft.tensor.random.Distribution;
import java.util.Objects;

/**
 * Settings every estimator shares.
 *
 * @param epsilon      the perturbation scale ε (positive, finite float: the perturbation pass uses it as is)
 * @param distribution the law of z
 * @param restore      how perturbations are undone
 * @param clip         loss-difference clipping: every projected-gradient scalar {@code g = (L⁺ − L⁻)/2ε}
 *                     is clamped to {@code [−clip, clip]} before it is used or reported (so what a
 *                     federated client uploads and what is replayed is the clamped value);
 *                     {@link #NO_CLIP} (the default) turns it off. A float, so that a scalar rounded to
 *                     float for upload stays within the bound (rounding is monotone)
 */
public record ZoSettings(float epsilon, Distribution distribution, RestoreMode restore, float clip) {

    /** The value of {@link #clip()} that turns clipping off. */
    public static final float NO_CLIP = Float.POSITIVE_INFINITY;

    public ZoSettings {
        if (!(epsilon > 0) || !Float.isFinite(epsilon) || !Float.isFinite(2 * epsilon)) {
            throw new IllegalArgumentException("epsilon must be positive and finite, got " + epsilon);
        }
        Objects.requireNonNull(distribution, "distribution");
        Objects.requireNonNull(restore, "restore");
        if (!(clip > 0)) {
            throw new IllegalArgumentException("the clipping bound must be positive (or infinite: off), got " + clip);
        }
    }

    /** Settings without clipping. */
    public ZoSettings(float epsilon, Distribution distribution, RestoreMode restore) {
        this(epsilon, distribution, restore, NO_CLIP);
    }

    /** Whether {@link #clip()} bounds the scalars. */
    public boolean clips() {
        return clip != NO_CLIP;
    }

    /**
     * {@code g} clamped to {@code [−clip, clip]}; {@code g} itself (same bits) when it is within the
     * bound or clipping is off. A NaN stays NaN (the estimators reject non-finite losses before).
     */
    public double clip(double g) {
        if (g > clip) {
            return clip;
        }
        if (g < -clip) {
            return -clip;
        }
        return g;
    }

    /** These settings with clipping bound {@code bound} ({@link #NO_CLIP} for none). */
    public ZoSettings withClip(float bound) {
        return new ZoSettings(epsilon, distribution, restore, bound);
    }

    /** Gaussian directions, exact (snapshot) restore. */
    public static ZoSettings gaussian(float epsilon) {
        return new ZoSettings(epsilon, Distribution.GAUSSIAN, RestoreMode.SNAPSHOT);
    }
}
