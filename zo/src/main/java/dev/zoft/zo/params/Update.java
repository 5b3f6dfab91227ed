package dev.zoft.zo.params;

import java.util.Objects;

/**
 * One in-place pass over the weights: {@code θ_i ← θ_i + coefficient·z(seed, i)} for every index i
 * of the scope's view, computed as the float product then the float sum (the tensor module's
 * {@code axpy}). A finetuning run is its base model plus the list of its updates; replaying the list
 * in order reproduces the weights bit for bit.
 *
 * @param scope       the parameters the direction covers
 * @param seed        the direction's seed
 * @param coefficient the finite float multiplier of z
 */
public record Update(Scope scope, long seed, float coefficient) {
    public Update {
        Objects.requireNonNull(scope, "scope");
        if (!Float.isFinite(coefficient)) {
            throw new IllegalArgumentException("update coefficient must be finite, got " + coefficient);
        }
    }
}
