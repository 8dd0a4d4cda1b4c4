package org.ring4j.kernel;

/**
 * Comparisons as masks, computed with integer operations only, for the max/min kernels.
 *
 * <p>Why: C2 on JDK 17 does not vectorise a loop whose body is {@code a < b ? b : a} on floats or
 * doubles (nor on ints reliably); it becomes a branch that random data mispredicts half the time.
 * A select written as {@code (a & ~mask) | (b & mask)} with the mask from the functions below uses
 * only adds, xors, ands and shifts, which C2 vectorises, and gives bit for bit the element MLX's
 * {@code out < in ? in : out} picks: IEEE order with {@code -0 == +0} and every comparison with a
 * NaN false (so the element kept is then {@code out}). Keep that form: written as
 * {@code a ^ ((a ^ b) & mask)}, C2 stopped vectorising the float32 loops once they were inlined
 * into {@code reduce} (8x slower).
 */
final class BitOrder {
    private BitOrder() {
    }

    /** @return -1 if {@code a < b} as signed ints, else 0 (Hacker's Delight 2-12, no overflow) */
    static int less(int a, int b) {
        int d = a - b;
        return (d ^ ((a ^ b) & (d ^ a))) >> 31;
    }

    /** @return -1 if {@code a < b} as signed longs, else 0 */
    static long less(long a, long b) {
        long d = a - b;
        return (d ^ ((a ^ b) & (d ^ a))) >> 63;
    }

    /**
     * @return -1 if the float32 with bits {@code a} is less than the one with bits {@code b} (false
     *     when either is NaN; the zeros are equal), else 0
     */
    static int floatLess(int a, int b) {
        int ma = a & 0x7FFFFFFF;
        int mb = b & 0x7FFFFFFF;
        int sa = a >> 31;
        int sb = b >> 31;
        // Sign-magnitude to two's complement: monotonic in the float order, both zeros -> 0.
        int ka = (ma ^ sa) - sa;
        int kb = (mb ^ sb) - sb;
        int nan = ((0x7F800000 - ma) | (0x7F800000 - mb)) >> 31;
        return less(ka, kb) & ~nan;
    }

    /** @return -1 if the float64 with bits {@code a} is less than the one with bits {@code b}, else 0 */
    static long doubleLess(long a, long b) {
        long ma = a & 0x7FFFFFFFFFFFFFFFL;
        long mb = b & 0x7FFFFFFFFFFFFFFFL;
        long sa = a >> 63;
        long sb = b >> 63;
        long ka = (ma ^ sa) - sa;
        long kb = (mb ^ sb) - sb;
        long nan = ((0x7FF0000000000000L - ma) | (0x7FF0000000000000L - mb)) >> 63;
        return less(ka, kb) & ~nan;
    }

    /**
     * The order of two 16-bit floats held in the top half of an int (low 16 bits zero), so that
     * their sign is the int's sign. NaNs are not handled here: a caller masks their lanes out
     * afterwards ({@code HalfLanes.clearWhereNan}), in a loop of its own (see there why).
     *
     * @return -1 if {@code a < b} as floats (the zeros are equal), else 0
     */
    static int topLessOrdered(int a, int b) {
        int ma = a & 0x7FFFFFFF;
        int mb = b & 0x7FFFFFFF;
        int sa = a >> 31;
        int sb = b >> 31;
        // Halving is exact (the low 16 bits are zero) and keeps ka - kb within an int.
        int ka = ((ma >>> 1) ^ sa) - sa;
        int kb = ((mb >>> 1) ^ sb) - sb;
        return (ka - kb) >> 31;
    }
}
