package dev.zoft.zo;

import dev.zoft.zo.params.ParameterView;

/**
 * A loss over trainable parameters, computed in two consecutive blocks so that FedSPZO can reuse
 * block 1's output across several block-2 perturbations (DESIGN.md §1). Block 1 is the embeddings
 * and the first layers; block 2 the remaining layers, the head and the loss. MeZO uses it as one
 * function: {@code lossFromBlock1(forwardBlock1(x), x)}.
 *
 * <p>Everything is evaluated at the parameters' current values (in-place perturbation writes
 * them). Implementations must be deterministic: the same parameters and batch give the same bits,
 * whatever the thread count.
 *
 * @param <B> the batch type
 */
public interface SplitObjective<B> {

    /** All trainable parameters, in one global index space. */
    ParameterView parameters();

    /** The trainable parameters of block 1 (a subset of {@link #parameters()}, global offsets kept). */
    ParameterView block1();

    /** The trainable parameters of block 2; block1 and block2 partition {@link #parameters()}. */
    ParameterView block2();

    /** Runs block 1 on {@code batch}; the returned state owns its memory until closed. */
    BlockState forwardBlock1(B batch);

    /** The loss of block 2 on a block-1 state (mean over the batch); does not modify the state. */
    double lossFromBlock1(BlockState state, B batch);

    /** Forward FLOPs of {@link #forwardBlock1} on {@code batch}, counted exactly. */
    long block1Flops(B batch);

    /** Forward FLOPs of {@link #lossFromBlock1} on {@code batch}, counted exactly. */
    long block2Flops(B batch);

    /**
     * Whether this objective can evaluate at perturbed parameters without writing them
     * ({@link #perturbFused}, {@link dev.zoft.zo.estimate.RestoreMode#FUSED}): true when every
     * trainable parameter is read through kernels that perturb on the fly.
     */
    default boolean supportsFusedPerturbation() {
        return false;
    }

    /**
     * Evaluates every later forward at {@code θ + c·z(seed)} over each given direction's view,
     * without writing θ; an empty list evaluates at θ again. Directions' views are disjoint. The
     * values seen are exactly those an in-place pass with the same (distribution, seed, c) writes.
     *
     * @throws UnsupportedOperationException if {@link #supportsFusedPerturbation()} is false
     */
    default void perturbFused(java.util.List<dev.zoft.zo.params.FusedDirection> directions) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot evaluate fused perturbations");
    }

    /** The full loss: block 1 then block 2. */
    default double loss(B batch) {
        try (BlockState h = forwardBlock1(batch)) {
            return lossFromBlock1(h, batch);
        }
    }

    /** Block 1's output, owned by the caller. */
    interface BlockState extends AutoCloseable {
        @Override
        void close();
    }
}
