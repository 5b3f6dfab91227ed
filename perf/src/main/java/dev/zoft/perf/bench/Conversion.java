package dev.zoft.perf.bench;

import java.util.Locale;

/**
 * How a JMH score becomes a row's figure. The score's unit is checked against {@link #expectedUnit}
 * so that a benchmark whose mode or time unit changes fails loudly instead of printing a wrong
 * figure.
 *
 * @param expectedUnit the unit JMH must report, e.g. {@code ms/op}
 * @param kind         the formula
 * @param factor       the formula's constant (see {@link Kind})
 */
public record Conversion(String expectedUnit, Kind kind, double factor) {

    /** The formulas. */
    public enum Kind {
        /** {@code figure = score · factor} (e.g. ns/op with {@code @OperationsPerInvocation} is already ns per parameter). */
        SCALE,
        /** {@code figure = factor / score}: a rate from a time per operation (e.g. GFLOP/s from ms/op). */
        RATE_FROM_TIME,
        /** {@code figure = (score / baseline − 1) · 100}: a time's overhead over a baseline benchmark's time, in percent. */
        OVERHEAD_PERCENT,
        /**
         * {@code figure = 100 · score / (score + baseline)}: one part's share of a whole split in two
         * (e.g. time outside the forwards over outside + inside). A ratio of two results of one run,
         * so it is right even for {@code @AuxCounters(EVENTS)} results, which JMH sums over the
         * measurement iterations.
         */
        SHARE_PERCENT
    }

    public Conversion {
        if (expectedUnit == null || expectedUnit.isBlank()) {
            throw new IllegalArgumentException("a conversion needs the JMH unit it expects");
        }
        if (kind == null) {
            throw new IllegalArgumentException("a conversion needs a kind");
        }
        if (!(factor > 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("a conversion factor must be positive and finite, got " + factor);
        }
    }

    /** The score as it is, in {@code unit}. */
    public static Conversion identity(String unit) {
        return new Conversion(unit, Kind.SCALE, 1);
    }

    /** The score times {@code factor}, e.g. a fraction as a percentage. */
    public static Conversion scaled(String unit, double factor) {
        return new Conversion(unit, Kind.SCALE, factor);
    }

    /**
     * GFLOP/s of {@code flops} per operation from a score in ms/op:
     * {@code flops / (ms · 1e-3) / 1e9 = flops / (ms · 1e6)}.
     */
    public static Conversion gflopsFromMillis(double flops) {
        return new Conversion("ms/op", Kind.RATE_FROM_TIME, flops / 1e6);
    }

    /** {@code factor / score}, e.g. GB/s from ns per parameter with {@code factor} = bytes a parameter. */
    public static Conversion rateFromTime(String unit, double factor) {
        return new Conversion(unit, Kind.RATE_FROM_TIME, factor);
    }

    /** Percent overhead of a time per operation over a baseline's, both in {@code unit}. */
    public static Conversion overheadPercent(String unit) {
        return new Conversion(unit, Kind.OVERHEAD_PERCENT, 1);
    }

    /** {@code 100 · part / (part + rest)}, the part being the row's result and the rest its baseline's, both in {@code unit}. */
    public static Conversion sharePercent(String unit) {
        return new Conversion(unit, Kind.SHARE_PERCENT, 1);
    }

    /** Whether the figure needs a baseline benchmark's score too. */
    public boolean needsBaseline() {
        return kind == Kind.OVERHEAD_PERCENT || kind == Kind.SHARE_PERCENT;
    }

    /**
     * The figure of {@code score} ({@code baseline} only for {@link Kind#OVERHEAD_PERCENT} and
     * {@link Kind#SHARE_PERCENT}, else ignored and may be null).
     *
     * @throws IllegalStateException if a unit is not the expected one or a score is not positive
     *                               where the formula divides by it
     */
    public double figure(Measured score, Measured baseline) {
        requireUnit(score, "score");
        return switch (kind) {
            case SCALE -> score.score() * factor;
            case RATE_FROM_TIME -> factor / positive(score, "score");
            case OVERHEAD_PERCENT -> (score.score() / positive(requireBaseline(baseline), "baseline") - 1) * 100;
            case SHARE_PERCENT -> {
                double rest = requireBaseline(baseline).score();
                if (score.score() < 0 || rest < 0 || !(score.score() + rest > 0)) {
                    throw new IllegalStateException("a share needs non-negative parts with a positive sum, got "
                            + score.score() + " and " + rest + " " + score.unit());
                }
                yield 100 * score.score() / (score.score() + rest);
            }
        };
    }

    private Measured requireBaseline(Measured baseline) {
        if (baseline == null) {
            throw new IllegalStateException("a " + kind + " figure needs the baseline result");
        }
        requireUnit(baseline, "baseline");
        return baseline;
    }

    private void requireUnit(Measured m, String what) {
        if (!expectedUnit.equals(m.unit())) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "the %s is in %s but the row expects %s (did the benchmark's mode or time unit change?)", what, m.unit(), expectedUnit));
        }
    }

    private static double positive(Measured m, String what) {
        if (!(m.score() > 0)) {
            throw new IllegalStateException("the " + what + " is " + m.score() + " " + m.unit() + ": cannot divide by it");
        }
        return m.score();
    }
}
