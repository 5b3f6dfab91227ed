package dev.zoft.perf.bench;

/** Whether a row's target is met. */
public enum Verdict {
    MET("yes"),
    MISSED("**no**"),
    /** The target needs a figure the run did not produce (no reference, skipped row) or there is no target. */
    UNKNOWN("—");

    private final String cell;

    Verdict(String cell) {
        this.cell = cell;
    }

    /** The table cell: misses are bold so they stand out. */
    public String cell() {
        return cell;
    }

    static Verdict of(boolean met) {
        return met ? MET : MISSED;
    }

    /** MET only if both are met, MISSED if either is missed, else UNKNOWN. */
    Verdict and(Verdict other) {
        if (this == MISSED || other == MISSED) {
            return MISSED;
        }
        return this == MET && other == MET ? MET : UNKNOWN;
    }
}
