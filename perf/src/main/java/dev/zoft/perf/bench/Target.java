package dev.zoft.perf.bench;

import java.util.List;
import java.util.OptionalDouble;
import java.util.stream.Collectors;

/**
 * An issue-4 target for one figure: relative to the reference measured in the same run, or an
 * absolute bound in the figure's unit (for targets stated against something not measured here,
 * e.g. llama.cpp's prefill or the FMA peak, the bound is computed from the figure and the
 * description says so).
 */
public sealed interface Target {

    /** Checks zoft's figure, given the row's direction and the reference measured now (if any). */
    Verdict check(double zoft, Direction direction, OptionalDouble reference);

    /** The table cell, e.g. {@code ≥ 1.8× ref} or {@code ≤ 0.40 ns/param}. */
    String describe(String unit);

    static Target none() {
        return new None();
    }

    /** zoft's advantage over the measured reference ({@link Direction#advantage}) is at least {@code times}. */
    static Target timesReference(double times) {
        return new TimesReference(times);
    }

    /** The figure is at least {@code bound}; {@code why} says where the bound comes from (may be empty). */
    static Target atLeast(double bound, String why) {
        return new Bound(bound, true, why);
    }

    /** The figure is at most {@code bound}; {@code why} says where the bound comes from (may be empty). */
    static Target atMost(double bound, String why) {
        return new Bound(bound, false, why);
    }

    /** Every one of {@code targets}. */
    static Target allOf(Target... targets) {
        return new AllOf(List.of(targets));
    }

    /** No target for this figure (shown for context, e.g. a one-thread figure whose target is at two threads). */
    record None() implements Target {
        @Override
        public Verdict check(double zoft, Direction direction, OptionalDouble reference) {
            return Verdict.UNKNOWN;
        }

        @Override
        public String describe(String unit) {
            return "—";
        }
    }

    record TimesReference(double times) implements Target {
        public TimesReference {
            if (!(times > 0) || Double.isInfinite(times)) {
                throw new IllegalArgumentException("a target ratio must be positive and finite, got " + times);
            }
        }

        @Override
        public Verdict check(double zoft, Direction direction, OptionalDouble reference) {
            if (reference.isEmpty()) {
                return Verdict.UNKNOWN;
            }
            return Verdict.of(direction.advantage(zoft, reference.getAsDouble()) >= times);
        }

        @Override
        public String describe(String unit) {
            return "≥ " + Figures.ratio(times) + " ref";
        }
    }

    record Bound(double bound, boolean lower, String why) implements Target {
        public Bound {
            if (!Double.isFinite(bound)) {
                throw new IllegalArgumentException("a bound must be finite, got " + bound);
            }
            why = why == null ? "" : why;
        }

        @Override
        public Verdict check(double zoft, Direction direction, OptionalDouble reference) {
            return Verdict.of(lower ? zoft >= bound : zoft <= bound);
        }

        @Override
        public String describe(String unit) {
            String text = (lower ? "≥ " : "≤ ") + Figures.value(bound) + " " + unit;
            return why.isEmpty() ? text : text + " (" + why + ")";
        }
    }

    record AllOf(List<Target> targets) implements Target {
        public AllOf {
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("allOf needs at least one target");
            }
            targets = List.copyOf(targets);
        }

        @Override
        public Verdict check(double zoft, Direction direction, OptionalDouble reference) {
            Verdict v = Verdict.MET;
            for (Target t : targets) {
                v = v.and(t.check(zoft, direction, reference));
            }
            return v;
        }

        @Override
        public String describe(String unit) {
            return targets.stream().map(t -> t.describe(unit)).collect(Collectors.joining(" and "));
        }
    }
}
