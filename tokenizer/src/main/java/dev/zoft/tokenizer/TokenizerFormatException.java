package dev.zoft.tokenizer;

/**
 * Thrown when a tokenizer description (a {@code tokenizer.json}) cannot be used: it is not valid
 * UTF-8 or JSON, a required section is missing or malformed, or it names a component this module
 * does not implement. The message always names the source (usually a file path) and the problem.
 */
public final class TokenizerFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param source where the description came from (a file path or another name), for the message
     * @param problem what is wrong, in words
     */
    public TokenizerFormatException(String source, String problem) {
        super(source + ": " + problem);
    }

    /**
     * @param source where the description came from (a file path or another name), for the message
     * @param problem what is wrong, in words
     * @param cause the underlying parser error
     */
    public TokenizerFormatException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
    }
}
