package dev.zoft.tensor.random;

/**
 * The law of the perturbation direction z. Each value is a pure function of a 64-bit seed and a
 * 64-bit parameter index; see {@link PerturbationGenerator} for the exact definition.
 */
public enum Distribution {

    /** Standard normal N(0, 1), by Box–Muller on Philox words; four parameters per Philox block. */
    GAUSSIAN(4, 0),

    /** ±1 with probability ½ each, one Philox bit per parameter; 128 parameters per Philox block. */
    RADEMACHER(128, 1);

    private final int indicesPerBlock;
    private final int counterTag;

    Distribution(int indicesPerBlock, int counterTag) {
        this.indicesPerBlock = indicesPerBlock;
        this.counterTag = counterTag;
    }

    /** Consecutive parameter indices that share one Philox block (a power of two). */
    public int indicesPerBlock() {
        return indicesPerBlock;
    }

    /**
     * The value of Philox counter word 2 for this distribution, so that the two laws draw from
     * disjoint counters of the same key and are independent of each other.
     */
    public int counterTag() {
        return counterTag;
    }

    /** {@code z(seed, index)}, computed alone by the scalar definition. */
    public float value(long seed, long index) {
        return PerturbationGenerator.value(this, seed, index);
    }
}
