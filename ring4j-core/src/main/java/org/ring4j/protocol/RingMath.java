package org.ring4j.protocol;

/** Integer helpers shared by the plans. */
public final class RingMath {
    private RingMath() {
    }

    /** @return {@code ceil(a / b)} for {@code a >= 0, b > 0} */
    public static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** @return {@code x mod n} in {@code [0, n)}, also for negative {@code x} */
    public static int mod(long x, int n) {
        return (int) Math.floorMod(x, (long) n);
    }
}
