package dev.zoft.perf.bench;

/**
 * What happened to one row: measured (with zoft's figure), skipped (the benchmark is not there)
 * or failed (it ran but produced no usable score).
 *
 * @param row    the row
 * @param status what happened
 * @param figure zoft's figure in the row's unit (NaN unless measured)
 * @param reason why a row was skipped or failed (null when measured)
 */
public record Outcome(Row row, Status status, double figure, String reason) {

    public enum Status { MEASURED, SKIPPED, FAILED }

    public Outcome {
        if (status == Status.MEASURED && !Double.isFinite(figure)) {
            throw new IllegalArgumentException("row " + row.id() + ": a measured figure must be finite, got " + figure);
        }
        if (status != Status.MEASURED && (reason == null || reason.isBlank())) {
            throw new IllegalArgumentException("row " + row.id() + ": a " + status + " row needs a reason");
        }
    }

    public static Outcome measured(Row row, double figure) {
        return new Outcome(row, Status.MEASURED, figure, null);
    }

    public static Outcome skipped(Row row, String reason) {
        return new Outcome(row, Status.SKIPPED, Double.NaN, reason);
    }

    public static Outcome failed(Row row, String reason) {
        return new Outcome(row, Status.FAILED, Double.NaN, reason);
    }
}
