package org.ring4j.protocol;

/**
 * How a send to a neighbour is split over {@code k} connections (MLX's ring): pieces of
 * {@code max(1024, ceil(nbytes / k))} bytes, piece {@code i} on connection {@code i}; connections
 * past the end carry nothing. The receiver splits its buffer the same way.
 */
public final class PointToPointPlan {
    /** The smallest piece MLX puts on a connection. */
    public static final long MIN_PIECE = 1024;

    private PointToPointPlan() {
    }

    /** @return bytes per piece */
    public static long piece(long nbytes, int k) {
        return Math.max(MIN_PIECE, RingMath.ceilDiv(nbytes, k));
    }

    /** @return the first byte of piece {@code i} */
    public static long start(long nbytes, int k, int i) {
        return Math.min(nbytes, i * piece(nbytes, k));
    }

    /** @return the length of piece {@code i} (0 for connections past the end) */
    public static long length(long nbytes, int k, int i) {
        long piece = piece(nbytes, k);
        return Math.max(0, Math.min(nbytes, (i + 1) * piece) - i * piece);
    }
}
