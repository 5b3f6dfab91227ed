package dev.zoft.zo.data;

import java.io.IOException;

/**
 * A dataset file is malformed. The message names the file, the 1-based line (when the problem
 * belongs to one) and the problem, as {@code file:line: problem}.
 */
public final class DatasetFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final long line;
    private final Problem problem;
    private final String detail;

    /**
     * @param line 1-based line number, or 0 when the problem is the whole file
     */
    public DatasetFormatException(String source, long line, Problem problem, String detail) {
        super(line > 0 ? source + ":" + line + ": " + detail : source + ": " + detail);
        this.source = source;
        this.line = line;
        this.problem = problem;
        this.detail = detail;
    }

    /** The file (or other source) the problem is in. */
    public String source() {
        return source;
    }

    /** The 1-based line number (the first line of a multi-line CSV record), or 0 for the whole file. */
    public long line() {
        return line;
    }

    public Problem problem() {
        return problem;
    }

    /** The problem without the file and line prefix. */
    public String detail() {
        return detail;
    }
}
