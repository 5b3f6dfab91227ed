package dev.zoft.perf.bench;

/**
 * Where a row's reference figure is in {@code reference.py}'s JSON: {@code figures[threads][key]},
 * measured by the script's {@code group}, times {@code scale} to put it in the row's unit (e.g. 100
 * for a fraction shown in percent).
 */
public record ReferenceKey(String group, int threads, String key, double scale) {
    public ReferenceKey {
        if (group == null || group.isBlank() || key == null || key.isBlank()) {
            throw new IllegalArgumentException("a reference key needs the script's group and the figure's key");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be positive and finite, got " + scale);
        }
    }

    public static ReferenceKey of(String group, int threads, String key) {
        return new ReferenceKey(group, threads, key, 1);
    }
}
