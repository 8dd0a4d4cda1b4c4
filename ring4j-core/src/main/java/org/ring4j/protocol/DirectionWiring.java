package org.ring4j.protocol;

/**
 * On which of a rank's two connections of one index (left or right) the data of a ring direction
 * is sent and received.
 *
 * <p>The ring's rule, MLX's: data of direction +1 comes from the right neighbour and goes to the
 * left one, data of direction -1 the other way. With 3 or more ranks it is the only choice.
 *
 * <p>With 2 ranks both neighbours are the same rank, joined by two connections per index: the one
 * rank 0 opened (its right, rank 1's left) and the one rank 1 opened. Under MLX's rule each
 * direction then uses each connection one way. An operation that runs in one direction only (every
 * small all-reduce of the native protocol, and any all-reduce or all-gather too small to split)
 * sends data one way on each TCP connection, and every data segment costs a pure ACK segment back.
 * The native protocol instead carries direction +1 both ways on the connection rank 0 opened and
 * direction -1 both ways on the other, so the acknowledgements ride on the data coming back: half
 * the segments (on loopback, a 72-byte exchange between two JVMs took 8.8 us over one connection
 * against 9.9 us over two, and TCP sent 1 segment per message against 2). Operations that use both
 * directions keep both connections busy both ways, as before. Every native collective still has a
 * direction +1 task on connection 0 (see {@link AllReducePlan#gatherSteps}), so with 2 ranks the
 * operation headers of both ranks meet on the same connection, both ways, and a mismatch is seen
 * by both. The MLX protocol keeps MLX's rule: MLX ranks read each direction from those sockets.
 */
public final class DirectionWiring {
    private final int rank;
    private final boolean paired;

    /**
     * @param topology this rank and the ring size
     * @param nativeProtocol true for ring4j's native protocol, false for MLX's
     */
    public DirectionWiring(RingTopology topology, boolean nativeProtocol) {
        this.rank = topology.rank();
        this.paired = nativeProtocol && topology.size() == 2;
    }

    /** @return true if a task of {@code direction} (+1 or -1) sends on the right connection, false for the left */
    public boolean sendsRight(int direction) {
        return paired ? pairedRight(direction) : direction < 0;
    }

    /** @return true if a task of {@code direction} (+1 or -1) receives on the right connection, false for the left */
    public boolean receivesRight(int direction) {
        return paired ? pairedRight(direction) : direction > 0;
    }

    /** @return true if this direction's connection is this rank's right one: +1 on the one rank 0 opened */
    private boolean pairedRight(int direction) {
        return (direction > 0) == (rank == 0);
    }
}
