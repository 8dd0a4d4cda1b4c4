package org.ring4j.protocol;

/**
 * How an all-reduce of {@code count} elements is split into concurrent sub-reduces (MLX's ring).
 *
 * <p>If {@code count < n} the input is padded with zeros to {@code n} elements and reduced as one
 * sub-reduce in direction -1 on connection 0, and the first {@code count} elements are kept.
 * Otherwise there are {@code max(1, min(2k, nbytes / (n * minSend)))} sub-reduces of
 * {@code ceil(count / subReduces)} elements each (the last one shorter); sub-reduce {@code i} uses
 * connection {@code i / 2} on both sides and runs in direction +1 if {@code i} is even, -1 if odd,
 * so that each TCP direction of each connection carries exactly one of them. {@code minSend} is
 * MLX's 262144 bytes in the MLX protocol and {@link #NATIVE_MIN_SEND_SIZE} in the native one.
 */
public final class AllReducePlan {
    /** Below this many bytes per rank and sub-reduce, MLX's ring does not split the data further. */
    public static final long MIN_SEND_SIZE = 262_144;

    /**
     * The native protocol's bound instead of {@link #MIN_SEND_SIZE}: an all-reduce of at least
     * {@code 2n x 128 KiB} bytes (an all-gather of at least 256 KiB per rank) runs in both ring
     * directions at once, where MLX waits until {@code 2n x 256 KiB} (1 MiB and 2 MiB at 4 ranks).
     * Why: with one sub-reduce each link carries data one way only, so half of a full-duplex link
     * idles, and over TCP every data segment is answered by a pure acknowledgement. Measured at 4
     * ranks, alternating runs of the builds: 1 MiB over loopback TCP in 0.92-1.88 ms against
     * 1.67-2.65 ms, over Unix sockets 0.92-0.99 ms against 1.03-1.53 ms, and over 1 Gbit/s links
     * (network namespaces) at 1.00 Gbit/s busbw against 0.80, for the all-gather too. Why not
     * lower: with 64 KiB, 2 ranks ran 256 KiB 25-30% slower (two half-size tasks cost more per step
     * than they gain on loopback), and 512 KiB over the links was no better.
     */
    public static final long NATIVE_MIN_SEND_SIZE = 131_072;

    /**
     * In the native protocol, an all-reduce whose {@code n} inputs together take at most this many
     * bytes is done by {@linkplain #gathersInputs gathering the inputs}.
     */
    public static final long GATHER_INPUTS_MAX_BYTES = 256 * 1024;

    private AllReducePlan() {
    }

    /**
     * Whether a native-protocol all-reduce of {@code bytes} per rank gathers every rank's input,
     * half the ring in each direction, and reduces them locally in rank order, instead of running
     * the ring. Why: a small all-reduce costs hops, not bytes. The ring needs {@code 2(n-1)} hops
     * one after another; the gather needs {@code ceil((n-1)/2)} (1 for 2 ranks, 2 for 4), and each
     * rank moves at most {@code n * bytes}, which this bound keeps small. Every rank reduces in the
     * same order, so the results are bitwise identical. MLX's ring never does this, so the MLX
     * protocol keeps the ring at every size.
     */
    public static boolean gathersInputs(long bytes, int n) {
        return n > 1 && bytes * n <= GATHER_INPUTS_MAX_BYTES;
    }

    /**
     * Direction +1 takes the larger half so that, like sub-reduce 0 of the ring and gather 0 of an
     * all-gather, every native collective has a task in direction +1 on connection 0: the operation
     * headers of two ranks that call different collectives then meet on the same connection, and
     * the mismatch is reported at once instead of as a timeout.
     *
     * @param n ranks
     * @param direction +1 (data from the right neighbour) or -1 (from the left)
     * @return gather steps in that direction: {@code ceil((n-1)/2)} for +1, {@code floor((n-1)/2)} for -1
     */
    public static int gatherSteps(int n, int direction) {
        return direction > 0 ? n / 2 : (n - 1) / 2;
    }

    /** @return true if {@code count} is too small to give each rank a segment, so it is padded to {@code n} elements */
    public static boolean padded(long count, int n) {
        return count < n;
    }

    /** @return the bytes per rank and sub-reduce below which the data is not split further */
    public static long minSendSize(boolean nativeProtocol) {
        return nativeProtocol ? NATIVE_MIN_SEND_SIZE : MIN_SEND_SIZE;
    }

    /**
     * @param count elements (not padded: {@code count >= n})
     * @param elementSize bytes per element
     * @param n ranks
     * @param k connections per neighbour
     * @param nativeProtocol true for the native protocol's bound, false for MLX's ({@link #minSendSize})
     * @return the number of sub-reduces
     */
    public static int subReduces(long count, int elementSize, int n, int k, boolean nativeProtocol) {
        long nbytes = count * elementSize;
        return (int) Math.max(1, Math.min(2L * k, nbytes / (n * minSendSize(nativeProtocol))));
    }

    /** @return elements per sub-reduce (the last may have fewer) */
    public static long step(long count, int subReduces) {
        return RingMath.ceilDiv(count, subReduces);
    }

    /** @return the first element of sub-reduce {@code i} */
    public static long start(long count, int subReduces, int i) {
        return Math.min(count, i * step(count, subReduces));
    }

    /** @return the number of elements of sub-reduce {@code i} */
    public static long length(long count, int subReduces, int i) {
        long step = step(count, subReduces);
        return Math.max(0, Math.min(count, (i + 1) * step) - i * step);
    }

    /** @return the connection index sub-reduce {@code i} uses on both sides */
    public static int connection(int i) {
        return i / 2;
    }

    /** @return the direction of sub-reduce {@code i}: +1 for even, -1 for odd */
    public static int direction(int i) {
        return (i % 2) == 0 ? 1 : -1;
    }
}
