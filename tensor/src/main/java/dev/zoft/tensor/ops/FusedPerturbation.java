package dev.zoft.tensor.ops;

import dev.zoft.tensor.random.Distribution;
import java.util.Objects;

/**
 * A perturbation {@code θ + c·z(seed, index)} applied by the GEMM as it reads the weights, instead
 * of by a pass that writes them ({@link Kernels#matmulTransposedPerturbed}). Element
 * {@code w[n, k]} of a {@code [N × K]} weight is parameter {@code weightIndex + n·K + k}; element
 * {@code bias[n]} is parameter {@code biasIndex + n}. Each perturbed value is the float product
 * {@code c·z} then the float sum, exactly as the in-place pass
 * ({@link dev.zoft.tensor.random.PerturbationGenerator#axpy}) computes it, so a fused forward sees
 * bit-identical weights and gives bit-identical outputs.
 *
 * @param distribution the direction's distribution
 * @param seed the direction's seed
 * @param c the coefficient (±ε while evaluating); must be finite
 * @param weightIndex the parameter index of {@code w[0, 0]}
 * @param biasIndex the parameter index of {@code bias[0]} (ignored without a bias)
 */
public record FusedPerturbation(Distribution distribution, long seed, float c, long weightIndex, long biasIndex) {

    public FusedPerturbation {
        Objects.requireNonNull(distribution, "distribution");
        if (!Float.isFinite(c)) {
            throw new IllegalArgumentException("the coefficient c must be finite, got " + c);
        }
        if (weightIndex < 0 || biasIndex < 0) {
            throw new IllegalArgumentException("parameter indices must be non-negative, got " + weightIndex
                    + " and " + biasIndex);
        }
    }
}
