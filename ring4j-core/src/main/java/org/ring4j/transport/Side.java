package org.ring4j.transport;

/** Which neighbour a connection leads to. */
public enum Side {
    /** The left neighbour, {@code (r-1+n) % n}, which connected to this rank. */
    LEFT,
    /** The right neighbour, {@code (r+1) % n}, to which this rank connected. */
    RIGHT;

    /** @return {@code left} or {@code right} */
    public String label() {
        return this == LEFT ? "left" : "right";
    }
}
