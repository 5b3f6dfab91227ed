package dev.zoft.zo.params;

import dev.zoft.tensor.random.Distribution;
import java.util.Objects;

/**
 * One direction of a fused evaluation: the parameters of {@code view} seen as
 * {@code θ + c·z(seed)} (see {@link dev.zoft.zo.SplitObjective#perturbFused}).
 */
public record FusedDirection(ParameterView view, Distribution distribution, long seed, float c) {

    public FusedDirection {
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(distribution, "distribution");
        if (!Float.isFinite(c)) {
            throw new IllegalArgumentException("the coefficient c must be finite, got " + c);
        }
    }
}
