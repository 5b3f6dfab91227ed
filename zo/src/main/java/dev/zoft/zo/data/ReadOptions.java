package dev.zoft.zo.data;

import java.util.List;
import java.util.Locale;

/**
 * How to read a dataset file.
 *
 * @param textColumns      header names (TSV, CSV; case-insensitive) or JSON keys (exact) that may
 *                         hold the text, in order of preference; the first one present is used
 * @param labelColumn      header name or JSON key of the label
 * @param labels           the classes; labels in the file are resolved by {@link Labels#parse}
 * @param skipMalformed    skip malformed rows and count them in the {@link LoadReport} instead of
 *                         failing on the first one
 * @param maxLineBytes     longest line (or multi-line CSV record) accepted, in bytes; longer ones are
 *                         malformed ({@link Problem#LINE_TOO_LONG}), which bounds memory on bad input
 * @param maxIssueExamples how many skipped rows the report keeps as examples
 */
public record ReadOptions(List<String> textColumns, String labelColumn, Labels labels,
                          boolean skipMalformed, int maxLineBytes, int maxIssueExamples) {

    /** Text column names tried by default: SST-2 train uses "sentence", SST-2 dev "content". */
    public static final List<String> DEFAULT_TEXT_COLUMNS = List.of("sentence", "content", "text");

    public ReadOptions {
        textColumns = List.copyOf(textColumns);
        if (textColumns.isEmpty()) {
            throw new IllegalArgumentException("at least one text column name is needed");
        }
        if (labelColumn == null || labelColumn.isBlank()) {
            throw new IllegalArgumentException("label column name must not be blank");
        }
        if (labels == null) {
            throw new IllegalArgumentException("labels must not be null");
        }
        for (String t : textColumns) {
            if (t.toLowerCase(Locale.ROOT).equals(labelColumn.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("text column '" + t + "' is also the label column");
            }
        }
        if (maxLineBytes < 16) {
            throw new IllegalArgumentException("maxLineBytes must be >= 16, got " + maxLineBytes);
        }
        if (maxIssueExamples < 0) {
            throw new IllegalArgumentException("maxIssueExamples must be >= 0");
        }
    }

    /**
     * Text in {@code sentence}, {@code content} or {@code text}, label in {@code label}, binary
     * sentiment labels (negative/positive or 0/1), strict, lines up to 1 MiB, 5 issue examples.
     */
    public static ReadOptions defaults() {
        return new ReadOptions(DEFAULT_TEXT_COLUMNS, "label", Labels.sentiment(), false, 1 << 20, 5);
    }

    public ReadOptions withTextColumns(String... names) {
        return new ReadOptions(List.of(names), labelColumn, labels, skipMalformed, maxLineBytes, maxIssueExamples);
    }

    public ReadOptions withLabelColumn(String name) {
        return new ReadOptions(textColumns, name, labels, skipMalformed, maxLineBytes, maxIssueExamples);
    }

    public ReadOptions withLabels(Labels l) {
        return new ReadOptions(textColumns, labelColumn, l, skipMalformed, maxLineBytes, maxIssueExamples);
    }

    public ReadOptions withSkipMalformed(boolean skip) {
        return new ReadOptions(textColumns, labelColumn, labels, skip, maxLineBytes, maxIssueExamples);
    }

    public ReadOptions withMaxLineBytes(int max) {
        return new ReadOptions(textColumns, labelColumn, labels, skipMalformed, max, maxIssueExamples);
    }

    public ReadOptions withMaxIssueExamples(int max) {
        return new ReadOptions(textColumns, labelColumn, labels, skipMalformed, maxLineBytes, max);
    }
}
