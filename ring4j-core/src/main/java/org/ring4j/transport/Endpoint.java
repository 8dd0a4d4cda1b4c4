package org.ring4j.transport;

import java.net.InetSocketAddress;

/**
 * A resolved address and the way the user wrote it (for messages).
 *
 * @param address the resolved socket address
 * @param label the address as written in the hostfile, e.g. {@code node3:5000}
 */
public record Endpoint(InetSocketAddress address, String label) {
}
