package org.ring4j.kernel;

/** bfloat16 (the upper half of a float32) conversions as MLX computes them. */
public final class BFloat16 {
    /** The NaN MLX writes for any NaN result. */
    public static final short CANONICAL_NAN = 0x7FC0;

    private BFloat16() {
    }

    /** @return the exact float32 value of bfloat16 {@code bits} */
    public static float toFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** @return {@code f} rounded to the nearest bfloat16, ties to even; a NaN gives {@code 0x7FC0} */
    public static short fromFloat(float f) {
        int x = Float.floatToRawIntBits(f);
        if ((x & 0x7FFFFFFF) > 0x7F800000) {
            return CANONICAL_NAN;
        }
        return (short) ((x + 0x7FFF + ((x >>> 16) & 1)) >>> 16);
    }
}
