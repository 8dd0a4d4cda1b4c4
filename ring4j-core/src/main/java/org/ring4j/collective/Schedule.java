package org.ring4j.collective;

/**
 * The operations of one {@link ExchangeTask}: operation {@code i} sends bytes
 * {@code [sendFrom(i), sendTo(i))} of the working buffer and receives bytes
 * {@code [recvFrom(i), recvTo(i))}, either straight into the buffer or, if {@link #reduces(long)},
 * through scratch memory and a reduction into those bytes. Operation {@code i} may start only when
 * operations up to {@code i - window()} are complete, which is what makes the data it sends final.
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
}
