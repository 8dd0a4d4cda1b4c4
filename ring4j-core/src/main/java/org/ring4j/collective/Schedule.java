package org.ring4j.collective;

/**
 * The operations of one {@link ExchangeTask}: operation {@code i} sends bytes
 * {@code [sendFrom(i), sendTo(i))} of the working buffer and receives bytes
 * {@code [recvFrom(i), recvTo(i))}, either straight into the buffer or, if {@link #reduces(long)},
 * through scratch memory and a reduction into those bytes.
 *
 * <p>When may an operation send? If it forwards what an earlier operation received
 * ({@link #source(long)}), it sends those bytes as they become final, while they still arrive: a
 * ring step does not wait for the whole packet of the step before it, so the link stays busy
 * across steps. Otherwise it may start when operations up to {@code i - window()} have received.
 * Receives run at most {@code window()} operations ahead of sends.
 */
interface Schedule {
    /** @return the number of operations */
    long operations();

    /** @return how many operations may be in flight */
    int window();

    /** @return first byte sent by operation {@code i} */
    int sendFrom(long i);

    /** @return one past the last byte sent by operation {@code i} */
    int sendTo(long i);

    /** @return first byte received by operation {@code i} */
    int recvFrom(long i);

    /** @return one past the last byte received by operation {@code i} */
    int recvTo(long i);

    /** @return true if operation {@code i} reduces what it receives into the buffer */
    boolean reduces(long i);

    /**
     * @return the operation whose received bytes operation {@code i} sends, byte for byte (its
     *     {@code [recvFrom, recvTo)} equals this one's {@code [sendFrom, sendTo)}), or -1 if
     *     operation {@code i} sends bytes that no operation of this schedule receives
     */
    default long source(long i) {
        return -1;
    }
}
