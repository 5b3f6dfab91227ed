package dev.zoft.zo.data;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What a load read and skipped.
 *
 * @param source      the file that was read
 * @param format      its format
 * @param loaded      examples kept
 * @param blankLines  empty or white-space-only lines, ignored in every format
 * @param skipped     malformed rows skipped, per problem (only with {@link ReadOptions#skipMalformed()})
 * @param examples    the first few skipped rows, with line numbers and what was wrong
 */
public record LoadReport(String source, DatasetFormat format, int loaded, long blankLines,
                         Map<Problem, Long> skipped, List<Issue> examples) {

    /** One skipped row. */
    public record Issue(long line, Problem problem, String detail) {
        @Override
        public String toString() {
            return "line " + line + ": " + detail;
        }
    }

    public LoadReport {
        skipped = Map.copyOf(skipped);
        examples = List.copyOf(examples);
    }

    /** Total number of malformed rows skipped. */
    public long skippedTotal() {
        long n = 0;
        for (long v : skipped.values()) {
            n += v;
        }
        return n;
    }

    /** Skipped rows with {@code problem} (0 if none). */
    public long skipped(Problem problem) {
        return skipped.getOrDefault(problem, 0L);
    }

    /** One-paragraph human summary, e.g. for the CLI. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(source).append(": ").append(loaded).append(" examples");
        long s = skippedTotal();
        if (s > 0) {
            sb.append(", ").append(s).append(" malformed rows skipped ").append(new EnumMap<>(skipped));
            for (Issue i : examples) {
                sb.append("\n  ").append(i);
            }
        }
        return sb.toString();
    }
}
