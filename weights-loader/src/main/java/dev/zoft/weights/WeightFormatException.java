package dev.zoft.weights;

import java.nio.file.Path;

/**
 * A weights file (or a model cache entry) that cannot be used: truncated, malformed, inconsistent,
 * of an unsupported type, or missing a tensor. The message always names the file and the problem,
 * so that a bad download is diagnosed from the message alone.
 *
 * <p>Unchecked on purpose: callers cannot repair a broken file, and every parser in this package
 * promises that hostile input ends in this exception rather than in an arbitrary runtime error,
 * a JVM crash or an out-of-memory error.
 */
public class WeightFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final String problem;

    /** A problem with {@code source} (a file path, or a description of several files). */
    public WeightFormatException(String source, String problem) {
        super(source + ": " + problem);
        this.source = source;
        this.problem = problem;
    }

    public WeightFormatException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
        this.source = source;
        this.problem = problem;
    }

    public WeightFormatException(Path file, String problem) {
        this(String.valueOf(file), problem);
    }

    public WeightFormatException(Path file, String problem, Throwable cause) {
        this(String.valueOf(file), problem, cause);
    }

    /** The file (or files) the problem was found in. */
    public String source() {
        return source;
    }

    /** The problem, without the file name. */
    public String problem() {
        return problem;
    }
}
