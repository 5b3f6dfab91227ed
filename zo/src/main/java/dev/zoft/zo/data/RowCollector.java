package dev.zoft.zo.data;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the rows of one load: validates text and label, and either fails on the first
 * malformed row (strict) or counts and skips it.
 */
final class RowCollector {

    private final String source;
    private final DatasetFormat format;
    private final ReadOptions options;
    private final List<String> texts = new ArrayList<>();
    private final IntArrayList labels = new IntArrayList();
    private final Map<Problem, Long> skipped = new EnumMap<>(Problem.class);
    private final List<LoadReport.Issue> issues = new ArrayList<>();
    private long blankLines;

    RowCollector(String source, DatasetFormat format, ReadOptions options) {
        this.source = source;
        this.format = format;
        this.options = options;
    }

    /** A row whose label is a token to resolve through the label names. */
    void add(long line, String text, String labelToken) throws DatasetFormatException {
        if (labelToken == null || labelToken.isBlank()) {
            malformed(line, Problem.MISSING_LABEL, "missing label");
            return;
        }
        String token = labelToken.strip();
        int label = options.labels().parse(token);
        if (label < 0) {
            malformed(line, Problem.UNKNOWN_LABEL, "unknown label '" + abbreviate(token) + "' (expected one of "
                    + options.labels().names() + " or an index 0.." + (options.labels().size() - 1) + ")");
            return;
        }
        addResolved(line, text, label);
    }

    /** A row whose label is already a class index. */
    void addResolved(long line, String text, int label) throws DatasetFormatException {
        if (text == null) {
            malformed(line, Problem.MISSING_TEXT, "missing text");
            return;
        }
        if (text.isBlank()) {
            malformed(line, Problem.EMPTY_TEXT, "empty text");
            return;
        }
        texts.add(text);
        labels.add(label);
    }

    void blankLine() {
        blankLines++;
    }

    /** Handles the line status of {@code lines}; true if the line decoded and should be parsed. */
    boolean usable(LineSource lines) throws DatasetFormatException {
        switch (lines.status()) {
            case OK -> {
                return true;
            }
            case INVALID_UTF8 -> malformed(lines.lineNumber(), Problem.INVALID_UTF8,
                    "invalid UTF-8 at byte " + lines.errorOffset() + " of the line");
            case TOO_LONG -> malformed(lines.lineNumber(), Problem.LINE_TOO_LONG,
                    "line longer than " + options.maxLineBytes() + " bytes");
        }
        return false;
    }

    /** A malformed row: an exception when strict, else counted and skipped. */
    void malformed(long line, Problem problem, String detail) throws DatasetFormatException {
        if (!options.skipMalformed() || !problem.rowLevel()) {
            throw new DatasetFormatException(source, line, problem, detail);
        }
        skipped.merge(problem, 1L, Long::sum);
        if (issues.size() < options.maxIssueExamples()) {
            issues.add(new LoadReport.Issue(line, problem, detail));
        }
    }

    DatasetFormatException fileError(long line, Problem problem, String detail) {
        return new DatasetFormatException(source, line, problem, detail);
    }

    LoadResult finish() throws DatasetFormatException {
        LoadReport report = new LoadReport(source, format, texts.size(), blankLines, skipped, issues);
        if (texts.isEmpty()) {
            long s = report.skippedTotal();
            throw new DatasetFormatException(source, 0, Problem.NO_EXAMPLES,
                    s == 0 ? "no examples (header only?)" : "no valid examples: all " + s + " rows were malformed "
                            + skipped + ", first: " + issues);
        }
        Dataset d = Dataset.wrap(texts.toArray(String[]::new), labels.toIntArray(), options.labels(), source);
        return new LoadResult(d, report);
    }

    static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
