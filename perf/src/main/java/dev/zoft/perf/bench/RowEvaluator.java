package dev.zoft.perf.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Turns rows into outcomes: checks each row's benchmark is on the classpath and matches the row,
 * runs each distinct configuration once through a {@link ScoreSource} (rows reading different
 * results of one run, and overhead rows sharing a baseline, share it), and converts the score.
 */
public final class RowEvaluator {
    private final ScoreSource source;
    private final ClassLoader loader;
    private final int bits;
    private final String widthName;
    private final Map<BenchmarkSpec, Object> cache = new HashMap<>(); // Scores or the failure message

    /**
     * @param bits      the vector width every fork is pinned to, filled into {@value BenchmarkSpec#BITS}
     * @param widthName its {@code VectorWidth} name, filled into {@value BenchmarkSpec#WIDTH}
     */
    public RowEvaluator(ScoreSource source, ClassLoader loader, int bits, String widthName) {
        this.source = source;
        this.loader = loader;
        this.bits = bits;
        this.widthName = widthName;
    }

    public List<Outcome> evaluate(List<Row> rows) {
        List<Outcome> out = new ArrayList<>();
        for (Row row : rows) {
            out.add(evaluate(row));
        }
        return out;
    }

    Outcome evaluate(Row row) {
        BenchmarkSpec spec = row.spec().resolve(bits, widthName);
        Optional<String> missing = spec.unavailable(loader);
        if (missing.isPresent()) {
            return Outcome.skipped(row, missing.get());
        }
        if (!spec.isJmh()) {
            return Outcome.skipped(row, spec.simpleName() + " is a main, not a JMH benchmark: the table does not run it");
        }
        BenchmarkSpec baseline = row.baseline() == null ? null : row.baseline().resolve(bits, widthName);
        if (baseline != null) {
            Optional<String> b = baseline.unavailable(loader);
            if (b.isPresent()) {
                return Outcome.skipped(row, "baseline: " + b.get());
            }
        }
        try {
            Measured score = pick(spec, scores(spec));
            Measured base = baseline == null ? null : pick(baseline, scores(baseline));
            return Outcome.measured(row, row.conversion().figure(score, base));
        } catch (RunFailed | IllegalStateException e) {
            return Outcome.failed(row, e.getMessage());
        }
    }

    private ScoreSource.Scores scores(BenchmarkSpec spec) {
        BenchmarkSpec key = spec.runKey();
        Object cached = cache.get(key);
        if (cached == null) {
            try {
                cached = source.run(key);
            } catch (Exception e) {
                cached = key + ": " + rootMessage(e);
            }
            cache.put(key, cached);
        }
        if (cached instanceof String failure) {
            throw new RunFailed(failure);
        }
        return (ScoreSource.Scores) cached;
    }

    private static Measured pick(BenchmarkSpec spec, ScoreSource.Scores scores) {
        if (spec.resultLabel() == null) {
            return scores.primary();
        }
        Measured m = scores.secondary().get(spec.resultLabel());
        if (m == null) {
            throw new IllegalStateException(spec.simpleName() + " reported no secondary result '" + spec.resultLabel()
                    + "' (it has " + new TreeSet<>(scores.secondary().keySet()) + "): the row definition needs updating");
        }
        return m;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return t == e ? m : e.getMessage() + " (cause: " + m + ")";
    }

    /** A run that failed earlier (cached), surfaced as the row's failure. */
    private static final class RunFailed extends RuntimeException {
        RunFailed(String message) {
            super(message, null, false, false);
        }
    }
}
