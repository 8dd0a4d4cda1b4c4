package org.ring4j.cli;

/**
 * A failure the user can act on; its message is printed as one line, without a stack trace.
 * The message says what went wrong and what to do.
 */
public final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    /** A run-time failure (exit code 1). */
    public CliException(String message) {
        this(message, Main.FAILED);
    }

    /** A failure with its own exit code. */
    public CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    /** @return the process exit code to use */
    public int exitCode() {
        return exitCode;
    }
}
