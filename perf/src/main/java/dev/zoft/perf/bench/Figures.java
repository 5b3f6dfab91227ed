package dev.zoft.perf.bench;

import java.util.Locale;

/** How the table prints numbers: three significant figures, thousands separated, so columns compare at a glance. */
final class Figures {
    private Figures() {
    }

    /** {@code 1234.5 → "1,235"}, {@code 12.345 → "12.3"}, {@code 0.01234 → "0.0123"}. */
    static String value(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return String.valueOf(v);
        }
        double a = Math.abs(v);
        if (a >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        if (a == 0) {
            return "0";
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }

    /** {@code 1.834 → "1.83×"}. */
    static String ratio(double r) {
        return String.format(Locale.ROOT, "%.2f×", r);
    }
}
