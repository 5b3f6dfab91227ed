package dev.zoft.perf.bench;

/** Whether a larger figure is better (throughput) or a smaller one (time, bytes, fractions of overhead). */
public enum Direction {
    HIGHER_IS_BETTER,
    LOWER_IS_BETTER;

    /**
     * zoft's advantage over a reference: {@code zoft / reference} when higher is better,
     * {@code reference / zoft} when lower is better, so a value above 1 always means zoft is ahead
     * ("2.0×" reads the same for tokens/s and for ms). Both figures must be positive and finite.
     */
    public double advantage(double zoft, double reference) {
        if (!(zoft > 0) || !(reference > 0) || Double.isInfinite(zoft) || Double.isInfinite(reference)) {
            throw new IllegalArgumentException("an advantage needs positive finite figures, got zoft " + zoft + " and reference " + reference);
        }
        return this == HIGHER_IS_BETTER ? zoft / reference : reference / zoft;
    }
}
