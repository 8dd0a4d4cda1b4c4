package org.ring4j;

import java.nio.file.Path;

/**
 * Entry point: forms a ring group from a hostfile. Implementation arrives with the transport.
 */
public final class Ring {
    private Ring() {
    }

    /**
     * Connects rank {@code rank} of the ring described by {@code hostfile}, with default options.
     *
     * @throws RingConfigException if the hostfile or rank is wrong
     * @throws RingException if the connections cannot be made
     */
    public static Group connect(Path hostfile, int rank) {
        return connect(hostfile, rank, RingOptions.defaults());
    }

    /**
     * Connects rank {@code rank} of the ring described by {@code hostfile}.
     *
     * @throws RingConfigException if the hostfile, rank or options are wrong
     * @throws RingException if the connections cannot be made
     */
    public static Group connect(Path hostfile, int rank, RingOptions options) {
        throw new UnsupportedOperationException("not yet");
    }
}
