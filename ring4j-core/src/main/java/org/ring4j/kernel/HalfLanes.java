package org.ring4j.kernel;

/**
 * The steps of the vectorised float16 and bfloat16 sums over pairs (see {@link ArrayKernels.HalfPairs}):
 * lanes to float32, and float32 results back to 16 bits with round-to-nearest-even, each a loop of
 * integer or float operations that C2 vectorises, joined by bulk copies through
 * {@link Scratch#bitsInts} / {@link Scratch#bitsFloats}. Every result is bit for bit the one of
 * {@link Float16} / {@link BFloat16}.
 *
 * <p>Layout of the float images: for {@code m} pairs, index {@code j} holds the low element of pair
 * {@code j} and index {@code m + j} its high element.
 */
final class HalfLanes {
    /** float16 bits moved to float32 position, times this, give the value: 2^(127 - 15). */
    private static final float HALF_SCALE = 0x1p112f;

    private HalfLanes() {
    }

    /**
     * out = max(out, in) on both halves of {@code m} pairs, as {@code out < in ? in : out}.
     *
     * @param infinity magnitude of infinity with the element in the top 16 bits (see {@link BitOrder#topLess})
     */
    static void selectMax(int[] out, int[] in, int m, int infinity, Scratch s) {
        int[] mask = s.p1;
        for (int j = 0; j < m; j++) {
            int a = out[j];
            int b = in[j];
            int lo = BitOrder.topLess(a << 16, b << 16, infinity);
            int hi = BitOrder.topLess(a & 0xFFFF0000, b & 0xFFFF0000, infinity);
            mask[j] = (lo & 0xFFFF) | (hi & 0xFFFF0000);
        }
        select(out, in, mask, m);
    }

    /** out = min(out, in) on both halves of {@code m} pairs, as {@code in < out ? in : out}. */
    static void selectMin(int[] out, int[] in, int m, int infinity, Scratch s) {
        int[] mask = s.p1;
        for (int j = 0; j < m; j++) {
            int a = out[j];
            int b = in[j];
            int lo = BitOrder.topLess(b << 16, a << 16, infinity);
            int hi = BitOrder.topLess(b & 0xFFFF0000, a & 0xFFFF0000, infinity);
            mask[j] = (lo & 0xFFFF) | (hi & 0xFFFF0000);
        }
        select(out, in, mask, m);
    }

    // A separate loop: with the select in the mask loop above, C2 (JDK 17) gives up vectorising it
    // and the scalar loop is ~25x slower.
    private static void select(int[] out, int[] in, int[] mask, int m) {
        for (int j = 0; j < m; j++) {
            int k = mask[j];
            out[j] = (out[j] & ~k) | (in[j] & k);
        }
    }

    /** bfloat16 pairs to the 2m float32 values (exact: a bfloat16 is the top half of a float32). */
    static void bfloat16ToFloats(int[] pairs, int m, float[] f, Scratch s) {
        int[] lo = s.p1;
        int[] hi = s.p2;
        for (int j = 0; j < m; j++) {
            int x = pairs[j];
            lo[j] = x << 16;
            hi[j] = x & 0xFFFF0000;
        }
        s.bitsInts.put(0, lo, 0, m);
        s.bitsInts.put(m, hi, 0, m);
        s.bitsFloats.get(0, f, 0, 2 * m);
    }

    /**
     * Rounds the 2m float32 sums in {@code f} to bfloat16 pairs in {@code out}, as
     * {@link BFloat16#fromFloat}: nearest even, any NaN to 0x7FC0.
     */
    static void floatsToBfloat16(float[] f, int m, int[] out, Scratch s) {
        int[] lo = s.p1;
        int[] hi = s.p2;
        s.bitsFloats.put(0, f, 0, 2 * m);
        s.bitsInts.get(0, lo, 0, m);
        s.bitsInts.get(m, hi, 0, m);
        for (int j = 0; j < m; j++) {
            out[j] = (roundBfloat16(lo[j]) >>> 16) | (roundBfloat16(hi[j]) & 0xFFFF0000);
        }
    }

    /** @return the bfloat16 of float32 bits {@code x} in the top 16 bits (low bits: garbage) */
    private static int roundBfloat16(int x) {
        int nan = (0x7F800000 - (x & 0x7FFFFFFF)) >> 31;
        int r = x + 0x7FFF + ((x >>> 16) & 1);
        return (r & ~nan) | (0x7FC00000 & nan);
    }

    /**
     * float16 pairs to the 2m float32 values: the half's sign, exponent and mantissa are placed where
     * a float32 with the half's exponent field would have them, and multiplying by 2^112 rebiases
     * the exponent exactly (subnormal halves become float32 subnormals, scaled exactly too). That is
     * wrong for infinities and NaNs (exponent 31), so they are reported instead.
     *
     * @return false, with {@code f} filled, or true if a lane is an infinity or NaN ({@code f} unusable)
     */
    static boolean float16ToFloats(int[] pairs, int m, float[] f, Scratch s) {
        int[] lo = s.p1;
        int[] hi = s.p2;
        int special = 0;
        for (int j = 0; j < m; j++) {
            int x = pairs[j];
            int l = x << 16;
            int h = x & 0xFFFF0000;
            lo[j] = (l & 0x80000000) | ((l & 0x7FFF0000) >>> 3);
            hi[j] = (h & 0x80000000) | ((h & 0x7FFF0000) >>> 3);
            // Exponent all ones: adding one to it carries into the sign bit.
            special |= ((l & 0x7C000000) + 0x04000000) | ((h & 0x7C000000) + 0x04000000);
        }
        if (special < 0) {
            return true;
        }
        s.bitsInts.put(0, lo, 0, m);
        s.bitsInts.put(m, hi, 0, m);
        s.bitsFloats.get(0, f, 0, 2 * m);
        return false;
    }

    /**
     * out = out + in over the 2m scaled lanes of {@link #float16ToFloats}, as float32; {@code in}
     * is overwritten with |sum| + 0.5, which rounds a sum below the smallest normal half to a multiple
     * of 2^-24, the float16 subnormal step (ties to even, as float addition rounds).
     */
    static void addFloat16(float[] out, float[] in, int n) {
        for (int i = 0; i < n; i++) {
            float sum = out[i] * HALF_SCALE + in[i] * HALF_SCALE;
            out[i] = sum;
            in[i] = Math.abs(sum) + 0.5f;
        }
    }

    /** Rounds the sums of {@link #addFloat16} ({@code sums}, {@code subnormals}) to float16 pairs. */
    static void floatsToFloat16(float[] sums, float[] subnormals, int m, int[] out, Scratch s) {
        int[] u = s.p1;
        int[] t = s.p2;
        s.bitsFloats.put(0, sums, 0, 2 * m);
        s.bitsInts.get(0, u, 0, 2 * m);
        s.bitsFloats.put(0, subnormals, 0, 2 * m);
        s.bitsInts.get(0, t, 0, 2 * m);
        // Two loops: rounding and joining in one is not vectorised by C2 (JDK 17), ~20x slower.
        for (int i = 0; i < 2 * m; i++) {
            u[i] = roundFloat16(u[i], t[i]);
        }
        for (int j = 0; j < m; j++) {
            out[j] = u[j] | (u[m + j] << 16);
        }
    }

    /**
     * {@link Float16#fromFloat} without branches.
     *
     * @param u float32 bits of the sum
     * @param t float32 bits of |sum| + 0.5
     * @return the half, in the low 16 bits
     */
    private static int roundFloat16(int u, int t) {
        int sign = u & 0x80000000;
        int abs = u ^ sign;
        // Normal half: rebias the exponent, round 13 bits to nearest even (overflow rounds to 0x7C00).
        int normal = (abs - 0x38000000 + 0x0FFF + ((abs >>> 13) & 1)) >>> 13;
        // Subnormal or zero: |sum| + 0.5 has the half's mantissa in units of 2^-24.
        int subnormal = t - 0x3F000000;
        int isSubnormal = (abs - 0x38800000) >> 31;
        int isBig = ~((abs - 0x47800000) >> 31); // >= 65536: infinity, or NaN
        int isNan = (0x7F800000 - abs) >> 31;
        int r = (normal & ~(isSubnormal | isBig)) | (subnormal & isSubnormal) | ((0x7C00 | (0x100 & isNan)) & isBig);
        return (r | (sign >>> 16)) & 0xFFFF;
    }
}
