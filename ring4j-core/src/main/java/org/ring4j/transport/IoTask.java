package org.ring4j.transport;

/**
 * A piece of a collective that the {@link ProgressLoop} drives: it moves bytes on its connections
 * without blocking, and says what it waits for when it cannot move.
 */
public interface IoTask {
    /**
     * Moves whatever can be moved now without blocking.
     *
     * @return true if any byte moved or the task advanced
     * @throws org.ring4j.RingException if a connection fails
     */
    boolean advance();

    /** @return true once all of the task's bytes have moved */
    boolean isDone();

    /** Marks, with {@link Connection#want(int)}, the connections and directions the task waits for. */
    void declareInterest();

    /** @return what the task waits for, for timeout messages, e.g. {@code data from rank 3 (...)} */
    String describeWait();
}
