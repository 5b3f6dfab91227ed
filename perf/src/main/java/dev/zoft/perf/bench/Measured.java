package dev.zoft.perf.bench;

/** One JMH score and its unit as JMH reports it (e.g. {@code ms/op}, {@code ops/s}, {@code ns/op}). */
public record Measured(double score, String unit) {
    public Measured {
        if (!Double.isFinite(score)) {
            throw new IllegalArgumentException("a JMH score must be finite, got " + score + " " + unit);
        }
        if (unit == null || unit.isBlank()) {
            throw new IllegalArgumentException("a JMH score needs its unit");
        }
    }
}
