package dev.zoft.zo.data;

/**
 * What is wrong with a dataset file. Row-level problems can be skipped with
 * {@link ReadOptions#skipMalformed()}; file-level problems always fail the load.
 */
public enum Problem {
    /** The label field is empty, null or absent. */
    MISSING_LABEL(true),
    /** The label is neither a class name nor a class index in range. */
    UNKNOWN_LABEL(true),
    /** The text field is absent or null (JSONL). */
    MISSING_TEXT(true),
    /** The text is empty or only white space. */
    EMPTY_TEXT(true),
    /** The line is not valid UTF-8. */
    INVALID_UTF8(true),
    /** A TSV or CSV row has a different number of columns than the header. */
    WRONG_COLUMN_COUNT(true),
    /** A CSV row breaks RFC 4180 quoting (stray or unterminated quote). */
    BAD_CSV(true),
    /** A JSONL line is not one well-formed JSON object. */
    BAD_JSON(true),
    /** A line (or CSV record) is longer than {@link ReadOptions#maxLineBytes()}. */
    LINE_TOO_LONG(true),
    /** The file has no header line (TSV, CSV) or no lines at all. */
    EMPTY_FILE(false),
    /** The header lacks the text or label column, or names a column twice. */
    BAD_HEADER(false),
    /** The file has no valid examples (header only, or every row skipped). */
    NO_EXAMPLES(false);

    private final boolean rowLevel;

    Problem(boolean rowLevel) {
        this.rowLevel = rowLevel;
    }

    /** Whether this problem concerns a single row (and so may be skipped). */
    public boolean rowLevel() {
        return rowLevel;
    }
}
