package dev.zoft.zo.estimate;

import dev.zoft.tensor.random.Distribution;
import java.util.Objects;

/**
 * Settings every estimator shares.
 *
 * @param epsilon      the perturbation scale ε (positive, finite float: the perturbation pass uses it as is)
 * @param distribution the law of z
 * @param restore      how perturbations are undone
 */
public record ZoSettings(float epsilon, Distribution distribution, RestoreMode restore) {
    public ZoSettings {
        if (!(epsilon > 0) || !Float.isFinite(epsilon) || !Float.isFinite(2 * epsilon)) {
            throw new IllegalArgumentException("epsilon must be positive and finite, got " + epsilon);
        }
        Objects.requireNonNull(distribution, "distribution");
        Objects.requireNonNull(restore, "restore");
    }

    /** Gaussian directions, exact (snapshot) restore. */
    public static ZoSettings gaussian(float epsilon) {
        return new ZoSettings(epsilon, Distribution.GAUSSIAN, RestoreMode.SNAPSHOT);
    }
}
