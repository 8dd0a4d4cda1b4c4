package org.ring4j;

/**
 * What ring4j puts on the wire.
 */
public enum Protocol {
    /**
     * The default: MLX's ring arithmetic plus a handshake on every connection (group identity,
     * ranks, optional shared-secret authentication) and a header per collective that lets every rank
     * check that all ranks run the same operation.
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
