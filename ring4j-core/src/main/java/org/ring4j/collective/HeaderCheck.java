package org.ring4j.collective;

import java.nio.ByteBuffer;
import org.ring4j.transport.Connection;

/** Compares the operation header a peer sent with this rank's own (native protocol). */
interface HeaderCheck {
    /**
     * @param own the header this rank sends for the operation
     * @param received the header that arrived on {@code from}
     * @throws org.ring4j.RingException naming both operations if they differ
     */
    void check(ByteBuffer own, ByteBuffer received, Connection from);
}
