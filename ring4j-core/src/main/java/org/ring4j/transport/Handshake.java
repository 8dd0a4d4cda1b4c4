package org.ring4j.transport;

import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * What a rank says and checks on a fresh connection before it joins the ring. The MLX protocol
 * has none ({@link #NONE}); the native protocol checks the group, ranks and an optional secret.
 * Both methods run on blocking channels during the set-up, under the set-up deadline.
 */
public interface Handshake {
    /** MLX's ring: no bytes are exchanged, the first bytes on a connection are payload. */
    Handshake NONE = new Handshake() {
        @Override
        public void greet(SocketChannel channel, int index, long deadlineNanos) {
        }

        @Override
        public int admit(SocketChannel channel, int listenerIndex, long deadlineNanos) {
            return listenerIndex;
        }
    };

    /**
     * Runs on the connecting side, after connection {@code index} to the right neighbour opened.
     *
     * @throws IOException if the connection fails
     * @throws org.ring4j.RingException if the peer refuses this rank (wrong group, wrong secret)
     */
    void greet(SocketChannel channel, int index, long deadlineNanos) throws IOException;

    /**
     * Runs on the accepting side for each accepted connection.
     *
     * @param listenerIndex which of this rank's addresses accepted it
     * @return the connection index the peer is admitted as, or -1 to reject it (the caller closes
     *     it, logs why, and keeps waiting for the real peer)
     * @throws IOException if reading fails (treated as a rejection)
     */
    int admit(SocketChannel channel, int listenerIndex, long deadlineNanos) throws IOException;
}
