package org.ring4j;

/**
 * The configuration is wrong: a hostfile that is missing, not JSON, of the wrong shape, or with a bad
 * entry; an environment variable that is missing or malformed; an option out of range. The message
 * names the file, line or variable and says what to change.
 */
public class RingConfigException extends RingException {
    private static final long serialVersionUID = 1L;

    /** @param message the problem and where it is */
    public RingConfigException(String message) {
        super(message);
    }

    /**
     * @param message the problem and where it is
     * @param cause the underlying failure (a parse error, an I/O error)
     */
    public RingConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
