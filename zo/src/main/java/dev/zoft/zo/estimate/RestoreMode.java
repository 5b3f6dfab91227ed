package dev.zoft.zo.estimate;

/** How an estimator undoes its perturbations within a step. */
public enum RestoreMode {
    /**
     * Copy the trainable parameters once per step into a {@link dev.zoft.zo.params.Snapshot} and
     * restore by copying back: exact, costs 4 bytes per trainable parameter, and each step's
     * weights change only by its pure updates ({@link Estimator#updates}), so the seed log holds one
     * record per direction.
     */
    SNAPSHOT,
    /**
     * Restore by the pass {@code +ε} and merge the last restore of each block with its update
     * ({@code θ += (ε − η·g)·z}): no extra memory, one pass fewer per block, but float drift (see
     * {@link dev.zoft.zo.params.Perturbation#cycleDriftBound}); to stay bit-exactly replayable, the
     * step reports every pass it applied (perturbations included) as updates, so the log is about
     * three times longer and slower to replay.
     */
    IN_PLACE,
    /**
     * Never write a perturbation: the objective's kernels evaluate {@code θ ± ε·z} on the fly (the
     * GEMM generates z as it packs the weights), so a step's only parameter passes are its pure
     * updates, there is no snapshot, and the weights may be read-only while evaluating. The seed
     * log holds the pure updates, as with {@link #SNAPSHOT}. Losses equal the in-place ones to
     * rounding: {@code θ − ε·z} is computed directly instead of as {@code (θ + ε·z) − 2ε·z}. Needs an
     * objective that {@linkplain dev.zoft.zo.SplitObjective#supportsFusedPerturbation supports it}.
     */
    FUSED
}
