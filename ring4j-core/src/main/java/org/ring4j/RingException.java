package org.ring4j;

/**
 * A collective or the group set-up failed. The message names what failed and, where one is
 * involved, the rank and address of the peer. Once a group has thrown this from a collective it is
 * failed: every later operation throws a {@code RingException} whose cause is the original one.
 */
public class RingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed, with rank, peer and operation where known */
    public RingException(String message) {
        super(message);
    }

    /**
     * @param message what failed, with rank, peer and operation where known
     * @param cause the underlying failure
     */
    public RingException(String message, Throwable cause) {
        super(message, cause);
    }
}
