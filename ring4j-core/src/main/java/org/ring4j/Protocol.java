package org.ring4j;

/**
 * What ring4j puts on the wire.
 */
public enum Protocol {
    /**
     * The default: MLX's ring arithmetic plus a handshake on every connection (group identity,
     * ranks, optional shared-secret authentication) and a header per collective that lets every rank
     * check that all ranks run the same operation. It also moves data faster than MLX's ring would:
     * small all-reduces gather every input instead of running the ring
     * ({@link org.ring4j.protocol.AllReducePlan#gathersInputs}), data goes both ways round the ring
     * from half MLX's size ({@link org.ring4j.protocol.AllReducePlan#NATIVE_MIN_SEND_SIZE}), and two
     * ranks send each direction both ways on one connection
     * ({@link org.ring4j.protocol.DirectionWiring}). Results stay bitwise identical on every rank;
     * floating-point sums of the sizes concerned can round differently from MLX's.
     */
    NATIVE,
    /**
     * Byte-for-byte MLX ring: no handshake, no headers, so unmodified MLX ranks can share the ring.
     * Everything that needs no extra bytes (timeouts, failure detection, argument checks) still
     * applies.
     */
    MLX;

    /**
     * Parses {@code native} or {@code mlx}, case-insensitively.
     *
     * @throws IllegalArgumentException naming the accepted values otherwise
     */
    public static Protocol parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(java.util.Locale.ROOT);
        switch (v) {
            case "native": return NATIVE;
            case "mlx": return MLX;
            default: throw new IllegalArgumentException("unknown protocol '" + value + "'; use native or mlx");
        }
    }
}
