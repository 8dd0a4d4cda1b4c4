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
    private HalfLanes() {
    }

    /**
     * out = max(out, in) on both halves of {@code m} pairs, as {@code out < in ? in : out}.
     *
     * @param infinity magnitude of infinity with the element in the top 16 bits (0x7C000000 for
     *     float16, 0x7F800000 for bfloat16); a larger magnitude is a NaN
     */
    static void selectMax(int[] out, int[] in, int m, int infinity, Scratch s) {
        int[] mask = s.p1;
        for (int j = 0; j < m; j++) {
            int a = out[j];
            int b = in[j];
            int lo = BitOrder.topLessOrdered(a << 16, b << 16);
            int hi = BitOrder.topLessOrdered(a & 0xFFFF0000, b & 0xFFFF0000);
            mask[j] = (lo & 0xFFFF) | (hi & 0xFFFF0000);
        }
        clearWhereNan(mask, out, in, m, infinity);
        select(out, in, mask, m);
    }

    /** out = min(out, in) on both halves of {@code m} pairs, as {@code in < out ? in : out}. */
    static void selectMin(int[] out, int[] in, int m, int infinity, Scratch s) {
        int[] mask = s.p1;
        for (int j = 0; j < m; j++) {
            int a = out[j];
            int b = in[j];
            int lo = BitOrder.topLessOrdered(b << 16, a << 16);
            int hi = BitOrder.topLessOrdered(b & 0xFFFF0000, a & 0xFFFF0000);
            mask[j] = (lo & 0xFFFF) | (hi & 0xFFFF0000);
        }
        clearWhereNan(mask, out, in, m, infinity);
        select(out, in, mask, m);
    }

    /**
     * Clears the half of {@code mask[j]} where {@code out[j]} or {@code in[j]} holds a NaN, so that
     * {@code out} is kept there (every comparison with a NaN is false). Both halves at once: adding
     * {@code 0x7FFF - infinity} to a 15-bit magnitude carries into its bit 15 exactly when it is
     * above infinity, and never past it; that bit, moved to the bottom of its half and multiplied
     * by 0xFFFF, fills the half.
     *
     * <p>Why a loop of its own, not part of the comparison ({@link BitOrder#topLessOrdered}): with the
     * NaN test in the comparison loop, C2 on JDK 25 no longer vectorised it (max/min 0.05-0.06x of
     * a copy against 0.16-0.20x on JDK 17); split in three loops both JDKs vectorise all three.
     */
    private static void clearWhereNan(int[] mask, int[] out, int[] in, int m, int infinity) {
        int bias = 0x7FFF - (infinity >>> 16);
        int biases = bias | (bias << 16);
        for (int j = 0; j < m; j++) {
            int nan = (((out[j] & 0x7FFF7FFF) + biases) | ((in[j] & 0x7FFF7FFF) + biases)) & 0x80008000;
            mask[j] &= ~((nan >>> 15) * 0xFFFF);
        }
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
     * float16 pairs to 2m float32 values scaled by 2^-112 (see {@link #scaled}). Infinities and NaNs
     * (exponent 31) do not fit that scheme, so they are reported instead.
     *
     * @return false, with {@code f} filled, or true if a lane is an infinity or NaN ({@code f} unusable)
     */
    static boolean float16ToFloats(int[] pairs, int m, float[] f, Scratch s) {
        int[] lo = s.p1;
        int[] hi = s.p2;
        int special = 0;
        for (int j = 0; j < m; j++) {
            int x = pairs[j];
            lo[j] = scaled(x << 16);
            hi[j] = scaled(x);
            // Exponent all ones: adding one to it carries into the half's sign bit.
            special |= (x & 0x7C007C00) + 0x04000400;
        }
        if ((special & 0x80008000) != 0) {
            return true;
        }
        s.bitsInts.put(0, lo, 0, m);
        s.bitsInts.put(m, hi, 0, m);
        s.bitsFloats.get(0, f, 0, 2 * m);
        return false;
    }

    /**
     * The float32 bits of a finite float16's value times 2^-112: its sign, then its exponent and
     * mantissa in the low bits of the float32 exponent and the top of its mantissa. The exponent
     * field keeps its value but now counts from a bias of 127 instead of 15, hence the factor; a
     * subnormal half becomes a float32 subnormal with the same factor (m * 2^-24 becomes
     * (m << 13) * 2^-149).
     *
     * <p>Why scaled values: the float32 sum of two of them is the float32 sum of the true values
     * times 2^-112, rounded alike (above 2^-126 rounding is relative to the magnitude; below it, the
     * exact sum, a multiple of 2^-136 under 2^-126, is representable); and its bits are the float16
     * result followed by 13 bits to round away, for normal and subnormal halves alike
     * ({@link #roundFloat16}). No conversion, no special case for subnormals.
     *
     * @param top the half in the top 16 bits (the low 16 bits are masked off)
     */
    static int scaled(int top) {
        return (top >> 3) & 0x8FFFE000;
    }

    /** out = out + in over the 2m scaled lanes of {@link #float16ToFloats}, as float32. */
    static void addFloat16(float[] out, float[] in, int n) {
        for (int i = 0; i < n; i++) {
            out[i] += in[i];
        }
    }

    /** Rounds the scaled sums of {@link #addFloat16} to float16 pairs. */
    static void floatsToFloat16(float[] sums, int m, int[] out, Scratch s) {
        int[] u = s.p1;
        s.bitsFloats.put(0, sums, 0, 2 * m);
        s.bitsInts.get(0, u, 0, 2 * m);
        // Two loops: rounding and joining in one is not vectorised by C2 (JDK 17), ~20x slower.
        for (int i = 0; i < 2 * m; i++) {
            u[i] = roundFloat16(u[i]);
        }
        for (int j = 0; j < m; j++) {
            out[j] = u[j] | (u[m + j] << 16);
        }
    }

    /**
     * {@link Float16#fromFloat} of a finite sum of two halves, from the float32 bits {@code u} of the
     * sum scaled by 2^-112 ({@link #scaled}): the half's 15 magnitude bits are bits 13-27 of the
     * magnitude, rounded to nearest even on the 13 bits below (a carry out of the mantissa moves into the exponent, as it should);
     * 65520 and above round to 0x7C00 or past it, and are kept at infinity.
     *
     * @return the half, in the low 16 bits
     */
    static int roundFloat16(int u) {
        int abs = u & 0x7FFFFFFF;
        int rounded = (abs + 0x0FFF + ((abs >>> 13) & 1)) >>> 13;
        // All ones past infinity. Branch-free masks, not Math.min: with Math.min this kernel measured
        // 0.031x of a copy instead of 0.047x on JDK 17.
        int infinite = (0x7C00 - rounded) >> 31;
        return (rounded & ~infinite) | (0x7C00 & infinite) | ((u >>> 16) & 0x8000);
    }
}
