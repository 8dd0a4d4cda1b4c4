package org.ring4j.protocol;

/**
 * Who is next to whom, and in which order a rank sets up its connections.
 *
 * <p>Rank {@code r} of {@code n} connects to its right neighbour {@code (r+1) % n} and accepts its
 * left one {@code (r-1+n) % n}. Every rank except the last accepts first and then connects; the last
 * connects first and then accepts, so that the set-up cannot deadlock (MLX's order).
 */
public final class RingTopology {
    private final int rank;
    private final int size;

    /**
     * @param rank this rank
     * @param size ranks in the ring, at least 1
     * @throws IllegalArgumentException if {@code rank} is not in {@code [0, size)}
     */
    public RingTopology(int rank, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("a ring needs at least one rank, not " + size);
        }
        if (rank < 0 || rank >= size) {
            throw new IllegalArgumentException("rank " + rank + " is out of range for a ring of " + size
                    + " ranks (valid: 0 to " + (size - 1) + ")");
        }
        this.rank = rank;
        this.size = size;
    }

    /** @return this rank */
    public int rank() {
        return rank;
    }

    /** @return the number of ranks */
    public int size() {
        return size;
    }

    /** @return the rank this one connects to */
    public int right() {
        return (rank + 1) % size;
    }

    /** @return the rank that connects to this one */
    public int left() {
        return (rank - 1 + size) % size;
    }

    /** @return true if this rank accepts its left connections before connecting to the right (all but the last rank) */
    public boolean acceptsFirst() {
        return rank < right();
    }

    /** @return true if {@code other} is the left or right neighbour */
    public boolean isNeighbour(int other) {
        return size > 1 && (other == right() || other == left());
    }
}
