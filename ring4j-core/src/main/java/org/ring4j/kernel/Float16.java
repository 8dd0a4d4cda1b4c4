package org.ring4j.kernel;

/**
 * IEEE 754 binary16 conversions as MLX computes them (Java 17 has no {@code Float.float16ToFloat}).
 */
public final class Float16 {
    /** The NaN MLX writes for a NaN result, without its sign bit. */
    public static final short CANONICAL_NAN = 0x7D00;

    private Float16() {
    }

    /** @return the exact float32 value of half {@code bits} (NaN payloads are kept) */
    public static float toFloat(short bits) {
        int h = bits & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0) {
            float v = mant * 0x1p-24f; // zero or subnormal, exact
            return sign != 0 ? -v : v;
        }
        if (exp == 31) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /**
     * @return {@code f} rounded to the nearest half, ties to even; overflow gives infinity; a NaN
     *     gives {@code sign | 0x7D00}
     */
    public static short fromFloat(float f) {
        int x = Float.floatToRawIntBits(f);
        int sign = (x >>> 16) & 0x8000;
        int abs = x & 0x7FFFFFFF;
        if (abs > 0x7F800000) {
            return (short) (sign | CANONICAL_NAN);
        }
        if (abs >= 0x477FF000) { // >= 65520: rounds to infinity (also infinity itself)
            return (short) (sign | 0x7C00);
        }
        if (abs >= 0x38800000) { // normal half: rebias the exponent, round 13 bits to nearest even
            int m = abs - 0x38000000;
            m += 0x0FFF + ((m >>> 13) & 1);
            return (short) (sign | (m >>> 13));
        }
        int e = abs >>> 23;
        if (e < 102) { // below half of the smallest subnormal (2^-25): zero
            return (short) sign;
        }
        // Subnormal half: value / 2^-24 = mantissa * 2^(e - 126), rounded to nearest even.
        int m = (abs & 0x7FFFFF) | 0x800000;
        int shift = 126 - e;
        int r = m >>> shift;
        int rest = m & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (rest > half || (rest == half && (r & 1) != 0)) {
            r++;
        }
        return (short) (sign | r);
    }
}
