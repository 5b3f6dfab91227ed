package dev.zoft.zo.estimate;

/**
 * FedSPZO's per-block knobs: block b's perturbation scale ε_b and a factor λ_b on the learning rate
 * (block b steps with {@code λ_b·η}). {@link #uniform} is the paper's setting (both blocks at the
 * estimator's ε, factors 1), under which a step is bit for bit the one without these knobs.
 *
 * @param eps1 block 1's ε (positive, finite float)
 * @param eps2 block 2's ε (positive, finite float)
 * @param lr1  block 1's learning-rate factor (finite, ≥ 0)
 * @param lr2  block 2's learning-rate factor (finite, ≥ 0)
 */
public record BlockScales(float eps1, float eps2, double lr1, double lr2) {

    public BlockScales {
        for (float e : new float[] {eps1, eps2}) {
            if (!(e > 0) || !Float.isFinite(e) || !Float.isFinite(2 * e)) {
                throw new IllegalArgumentException("a block's epsilon must be positive and finite, got " + e);
            }
        }
        for (double f : new double[] {lr1, lr2}) {
            if (!(f >= 0) || !Double.isFinite(f)) {
                throw new IllegalArgumentException("a block's learning-rate factor must be finite and ≥ 0, got " + f);
            }
        }
    }

    /** Both blocks at {@code epsilon}, learning-rate factors 1. */
    public static BlockScales uniform(float epsilon) {
        return new BlockScales(epsilon, epsilon, 1, 1);
    }

    /** Whether this is {@link #uniform}{@code (epsilon)}. */
    public boolean isUniform(float epsilon) {
        return equals(uniform(epsilon));
    }
}
