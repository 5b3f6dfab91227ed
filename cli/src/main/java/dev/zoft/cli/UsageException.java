package dev.zoft.cli;

/** A command line the user got wrong: reported with the usage text, exit status 2, no stack trace. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
