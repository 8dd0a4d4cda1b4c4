package org.ring4j.transport;

import java.util.ArrayList;
import java.util.List;

/**
 * A rank's connections: {@code k} to the left neighbour and {@code k} to the right one. With two
 * ranks both lead to the same peer but are distinct sockets.
 *
 * @param left connections accepted from the left neighbour, by index
 * @param right connections made to the right neighbour, by index
 */
public record RingConnections(List<Connection> left, List<Connection> right) {
    /** Copies the lists. */
    public RingConnections {
        left = List.copyOf(left);
        right = List.copyOf(right);
    }

    /** @return no connections (a group of one) */
    public static RingConnections none() {
        return new RingConnections(List.of(), List.of());
    }

    /** @return every connection, left ones first */
    public List<Connection> all() {
        List<Connection> all = new ArrayList<>(left);
        all.addAll(right);
        return all;
    }

    /** Closes every connection; idempotent. */
    public void closeAll() {
        left.forEach(Connection::close);
        right.forEach(Connection::close);
    }
}
