package dev.zoft.perf.bench;

import java.util.Objects;

/**
 * One line of the table: which benchmark measures zoft's figure and how, which reference figure it
 * is compared with, and the issue's target.
 *
 * @param id          unique, for {@code --only} (e.g. {@code gemm-1024x384x1536-t1})
 * @param group       the family, for {@code --only} (e.g. {@code gemm})
 * @param figure      what the row measures, as the table shows it
 * @param unit        the figure's unit
 * @param direction   whether more is better
 * @param spec        zoft's benchmark
 * @param baseline    a second benchmark the conversion needs (overheads), or null
 * @param conversion  score → figure
 * @param reference   the figure measured now by {@code reference.py}, or null if the script has none
 * @param issueFigure issue 4's reference figure in {@code unit}, or null
 * @param target      the issue's target
 * @param note        a caveat printed under the table, or null
 * @param peak        a ceiling in {@code unit} (the issue's FMA peak for GFLOP/s) the zoft cell shows its share of, or null
 * @param peakFrom    the id of a row measuring that ceiling in the same run, preferred over {@code peak}, or null
 */
public record Row(String id, String group, String figure, String unit, Direction direction, BenchmarkSpec spec,
                  BenchmarkSpec baseline, Conversion conversion, ReferenceKey reference, Double issueFigure,
                  Target target, String note, Double peak, String peakFrom) {
    public Row {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(figure, "figure");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(conversion, "conversion");
        Objects.requireNonNull(target, "target");
        if (conversion.needsBaseline() != (baseline != null)) {
            throw new IllegalArgumentException("row " + id + ": a baseline result is needed exactly when the conversion is an overhead or a share");
        }
        if (peak != null && !(peak > 0 && Double.isFinite(peak))) {
            throw new IllegalArgumentException("row " + id + ": peak must be positive and finite, got " + peak);
        }
        if (issueFigure != null && !Double.isFinite(issueFigure)) {
            throw new IllegalArgumentException("row " + id + ": issue figure must be finite, got " + issueFigure);
        }
    }

    /** Starts a row; the rest is set by the builder's methods. */
    public static Builder builder(String id, String group, String figure, String unit) {
        return new Builder(id, group, figure, unit);
    }

    /** Fluent construction, so the row list reads as data. */
    public static final class Builder {
        private final String id;
        private final String group;
        private final String figure;
        private final String unit;
        private Direction direction = Direction.HIGHER_IS_BETTER;
        private BenchmarkSpec spec;
        private BenchmarkSpec baseline;
        private Conversion conversion;
        private ReferenceKey reference;
        private Double issueFigure;
        private Target target = Target.none();
        private String note;
        private Double peak;
        private String peakFrom;

        private Builder(String id, String group, String figure, String unit) {
            this.id = id;
            this.group = group;
            this.figure = figure;
            this.unit = unit;
        }

        public Builder lowerIsBetter() {
            this.direction = Direction.LOWER_IS_BETTER;
            return this;
        }

        public Builder bench(BenchmarkSpec spec, Conversion conversion) {
            this.spec = spec;
            this.conversion = conversion;
            return this;
        }

        public Builder baseline(BenchmarkSpec baseline) {
            this.baseline = baseline;
            return this;
        }

        public Builder reference(ReferenceKey reference) {
            this.reference = reference;
            return this;
        }

        public Builder issue(double figure) {
            this.issueFigure = figure;
            return this;
        }

        public Builder target(Target target) {
            this.target = target;
            return this;
        }

        public Builder note(String note) {
            this.note = note;
            return this;
        }

        /** The issue's ceiling, and the row that measures it now (used when it ran). */
        public Builder peak(double peak, String measuredBy) {
            this.peak = peak;
            this.peakFrom = measuredBy;
            return this;
        }

        public Row build() {
            return new Row(id, group, figure, unit, direction, spec, baseline, conversion, reference, issueFigure, target, note, peak, peakFrom);
        }
    }
}
