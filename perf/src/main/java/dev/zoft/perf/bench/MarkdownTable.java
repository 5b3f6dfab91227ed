package dev.zoft.perf.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Renders outcomes as the Markdown table of {@code ./zoft bench}:
 *
 * <pre>
 * | figure | zoft | reference measured now | issue 4's reference figure | ratio | target | met? |
 * </pre>
 *
 * <p>The ratio is zoft's advantage ({@link Direction#advantage}: above 1 means zoft is ahead) over
 * the reference measured now; when the run measured none, over issue 4's figure, marked
 * "(issue)". The verdict uses the same reference. Notes (row caveats, skip and failure reasons)
 * follow the table, each once.
 */
public final class MarkdownTable {
    static final String HEADER = "| figure | zoft | reference measured now | issue 4's reference figure | ratio | target | met? |";
    static final String RULE = "|---|---:|---:|---:|---:|---|---|";

    private MarkdownTable() {
    }

    /** One row's cells after the figure name: the comparison logic, kept separate from text layout for testing. */
    record Cells(String zoft, String referenceNow, String issue, String ratio, String target, Verdict verdict) {
    }

    static Cells cells(Outcome o, ReferenceFigures reference) {
        return cells(o, reference, Map.of());
    }

    /** {@code measured}: the figures of the rows measured in this run, by id (for {@link Row#peakFrom}). */
    static Cells cells(Outcome o, ReferenceFigures reference, Map<String, Double> measured) {
        Row row = o.row();
        OptionalDouble now = row.reference() == null ? OptionalDouble.empty() : reference.figure(row.reference());
        String nowCell = now.isPresent() ? Figures.value(now.getAsDouble()) : "—";
        String issueCell = row.issueFigure() == null ? "—" : Figures.value(row.issueFigure());
        String target = row.target().describe(row.unit());
        if (o.status() != Outcome.Status.MEASURED) {
            String zoft = o.status() == Outcome.Status.SKIPPED ? "skipped" : "**failed**";
            return new Cells(zoft, nowCell, issueCell, "—", target, Verdict.UNKNOWN);
        }
        OptionalDouble compareWith = now;
        String mark = "";
        if (compareWith.isEmpty() && row.issueFigure() != null) {
            compareWith = OptionalDouble.of(row.issueFigure());
            mark = " (issue)";
        }
        String ratio = "—";
        if (compareWith.isPresent() && o.figure() > 0 && compareWith.getAsDouble() > 0) {
            ratio = Figures.ratio(row.direction().advantage(o.figure(), compareWith.getAsDouble())) + mark;
        }
        Verdict verdict = row.target().check(o.figure(), row.direction(), compareWith);
        String zoft = Figures.value(o.figure());
        Double measuredPeak = row.peakFrom() == null ? null : measured.get(row.peakFrom());
        if (measuredPeak != null && measuredPeak > 0) {
            zoft += String.format(java.util.Locale.ROOT, " (%.0f %% of measured peak)", 100 * o.figure() / measuredPeak);
        } else if (row.peak() != null) {
            zoft += String.format(java.util.Locale.ROOT, " (%.0f %% of issue peak)", 100 * o.figure() / row.peak());
        }
        return new Cells(zoft, nowCell, issueCell, ratio, target, verdict);
    }

    /** The table, then the reference's summary and the notes. */
    public static String render(List<Outcome> outcomes, ReferenceFigures reference) {
        StringBuilder b = new StringBuilder();
        b.append(HEADER).append('\n').append(RULE).append('\n');
        Set<String> notes = new LinkedHashSet<>();
        Map<String, Integer> reasons = new LinkedHashMap<>();
        Map<String, Double> measured = new LinkedHashMap<>();
        for (Outcome o : outcomes) {
            if (o.status() == Outcome.Status.MEASURED) {
                measured.put(o.row().id(), o.figure());
            }
        }
        for (Outcome o : outcomes) {
            Cells c = cells(o, reference, measured);
            b.append("| ").append(escape(o.row().figure() + ", " + o.row().unit()))
                    .append(" | ").append(c.zoft())
                    .append(" | ").append(c.referenceNow())
                    .append(" | ").append(c.issue())
                    .append(" | ").append(c.ratio())
                    .append(" | ").append(escape(c.target()))
                    .append(" | ").append(c.verdict().cell())
                    .append(" |\n");
            if (o.row().note() != null) {
                notes.add(o.row().note());
            }
            if (o.reason() != null) {
                reasons.merge((o.status() == Outcome.Status.SKIPPED ? "Skipped" : "Failed") + "|" + o.reason(), 1, Integer::sum);
            }
        }
        // One note per distinct reason: a missing class skips all its rows for the same reason.
        reasons.forEach((key, count) -> {
            int bar = key.indexOf('|');
            notes.add(key.substring(0, bar) + " (" + count + (count == 1 ? " row" : " rows") + "): " + key.substring(bar + 1));
        });
        b.append('\n').append("Reference: ").append(reference.summary());
        if (!reference.source().equals("none")) {
            b.append(" (").append(reference.source()).append(')');
        }
        b.append(".\n");
        b.append("Ratio: zoft's advantage (zoft/ref for rates, ref/zoft for times and sizes; > 1 means zoft is ahead).\n");
        List<String> list = new ArrayList<>(notes);
        if (!list.isEmpty()) {
            b.append('\n');
            for (String n : list) {
                b.append("- ").append(n.replace('\n', ' ')).append('\n');
            }
        }
        return b.toString();
    }

    /** A pipe inside a cell would split it. */
    private static String escape(String s) {
        return s.replace("|", "\\|");
    }
}
