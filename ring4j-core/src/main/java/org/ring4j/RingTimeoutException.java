package org.ring4j;

/** An operation or the set-up did not complete in time; the message names the peer that did not answer. */
public class RingTimeoutException extends RingException {
    private static final long serialVersionUID = 1L;

    /** @param message what timed out, after how long, and which peer was awaited */
    public RingTimeoutException(String message) {
        super(message);
    }
}
