package org.ring4j.protocol;

/**
 * How an all-gather of {@code nbytes} per rank is split (MLX's ring): {@code max(1, min(2k,
 * nbytes / minSend))} concurrent gathers ({@code minSend} as for the all-reduce:
 * {@link AllReducePlan#minSendSize}) of {@code ceil(nbytes / gathers)} bytes of every rank's
 * block; gather {@code i} uses connection {@code i / 2}, direction +1 for even {@code i}, -1 for odd.
 * In step {@code t} (0 to n-2) a gather sends block {@code (r + t d) mod n} and receives block
 * {@code (r + (t+1) d) mod n}.
 */
public final class AllGatherPlan {
    private AllGatherPlan() {
    }

    /**
     * @return the number of gathers for {@code nbytes} per rank and {@code k} connections, in the
     *     native protocol or MLX's
     */
    public static int gathers(long nbytes, int k, boolean nativeProtocol) {
        return (int) Math.max(1, Math.min(2L * k, nbytes / AllReducePlan.minSendSize(nativeProtocol)));
    }

    /** @return bytes per gather (the last may have fewer) */
    public static long perGather(long nbytes, int gathers) {
        return RingMath.ceilDiv(nbytes, gathers);
    }

    /** @return the offset inside each block of gather {@code i} */
    public static long offset(long nbytes, int gathers, int i) {
        return Math.min(nbytes, i * perGather(nbytes, gathers));
    }

    /** @return the bytes of each block that gather {@code i} moves */
    public static long length(long nbytes, int gathers, int i) {
        long per = perGather(nbytes, gathers);
        return Math.max(0, Math.min(nbytes, (i + 1) * per) - i * per);
    }

    /** @return the block gather step {@code t} sends */
    public static int sendBlock(int rank, int n, int direction, int t) {
        return RingMath.mod(rank + (long) t * direction, n);
    }

    /** @return the block gather step {@code t} receives */
    public static int recvBlock(int rank, int n, int direction, int t) {
        return RingMath.mod(rank + (long) (t + 1) * direction, n);
    }
}
