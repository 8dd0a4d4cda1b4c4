package org.ring4j.kernel;

import org.ring4j.DType;
import org.ring4j.ReduceOp;

/**
 * One element of MLX's reduction, computed in the plainest scalar way and independently of the
 * kernels (its float16/bfloat16 rounding goes through double arithmetic and {@link Math#rint}, not
 * through bit tricks), to serve as the oracle of kernel and multi-rank tests.
 */
public final class ScalarReference {
    private ScalarReference() {
    }

    /**
     * @param outBits the local element's raw little-endian bits (complex64: real in the low 32 bits)
     * @param inBits the received element's raw bits
     * @return the raw bits of {@code op(out, in)}
     */
    public static long apply(DType dtype, ReduceOp op, long outBits, long inBits) {
        switch (dtype) {
            case BOOL: {
                boolean o = (outBits & 0xFF) != 0;
                boolean i = (inBits & 0xFF) != 0;
                if (op == ReduceOp.SUM) {
                    return o || i ? 1 : 0;
                }
                return pick(op, Boolean.compare(o, i), outBits, inBits) & 0xFF;
            }
            case INT8: return integer(op, (byte) outBits, (byte) inBits, 8, false);
            case UINT8: return integer(op, outBits & 0xFF, inBits & 0xFF, 8, true);
            case INT16: return integer(op, (short) outBits, (short) inBits, 16, false);
            case UINT16: return integer(op, outBits & 0xFFFF, inBits & 0xFFFF, 16, true);
            case INT32: return integer(op, (int) outBits, (int) inBits, 32, false);
            case UINT32: return integer(op, outBits & 0xFFFFFFFFL, inBits & 0xFFFFFFFFL, 32, true);
            case INT64: return integer(op, outBits, inBits, 64, false);
            case UINT64: return integer(op, outBits, inBits, 64, true);
            case FLOAT32: {
                float o = Float.intBitsToFloat((int) outBits);
                float i = Float.intBitsToFloat((int) inBits);
                if (op == ReduceOp.SUM) {
                    return Float.floatToRawIntBits(o + i) & 0xFFFFFFFFL;
                }
                return chooseFloat(op, o, i, outBits, inBits) & 0xFFFFFFFFL;
            }
            case FLOAT64: {
                double o = Double.longBitsToDouble(outBits);
                double i = Double.longBitsToDouble(inBits);
                if (op == ReduceOp.SUM) {
                    return Double.doubleToRawLongBits(o + i);
                }
                boolean less = op == ReduceOp.MAX ? o < i : i < o;
                return less ? inBits : outBits;
            }
            case FLOAT16: {
                float o = halfToFloat((int) (outBits & 0xFFFF));
                float i = halfToFloat((int) (inBits & 0xFFFF));
                if (op == ReduceOp.SUM) {
                    return floatToHalf(o + i);
                }
                return chooseFloat(op, o, i, outBits, inBits) & 0xFFFF;
            }
            case BFLOAT16: {
                float o = Float.intBitsToFloat((int) (outBits & 0xFFFF) << 16);
                float i = Float.intBitsToFloat((int) (inBits & 0xFFFF) << 16);
                if (op == ReduceOp.SUM) {
                    return floatToBfloat(o + i);
                }
                return chooseFloat(op, o, i, outBits, inBits) & 0xFFFF;
            }
            case COMPLEX64: {
                float oRe = Float.intBitsToFloat((int) outBits);
                float oIm = Float.intBitsToFloat((int) (outBits >>> 32));
                float iRe = Float.intBitsToFloat((int) inBits);
                float iIm = Float.intBitsToFloat((int) (inBits >>> 32));
                if (op == ReduceOp.SUM) {
                    return (Float.floatToRawIntBits(oRe + iRe) & 0xFFFFFFFFL)
                            | ((long) Float.floatToRawIntBits(oIm + iIm) << 32);
                }
                boolean outLess = oRe < iRe || (oRe == iRe && oIm < iIm);
                boolean inLess = iRe < oRe || (iRe == oRe && iIm < oIm);
                return (op == ReduceOp.MAX ? outLess : inLess) ? inBits : outBits;
            }
            default:
                throw new AssertionError(dtype);
        }
    }

    private static long integer(ReduceOp op, long o, long i, int bits, boolean unsigned) {
        long mask = bits == 64 ? -1L : (1L << bits) - 1;
        if (op == ReduceOp.SUM) {
            return (o + i) & mask;
        }
        int cmp = unsigned ? Long.compareUnsigned(o, i) : Long.compare(o, i);
        return pick(op, cmp, o, i) & mask;
    }

    /** MLX: max = out < in ? in : out; min = in < out ? in : out. {@code cmp} compares out with in. */
    private static long pick(ReduceOp op, int cmp, long out, long in) {
        return op == ReduceOp.MAX ? (cmp < 0 ? in : out) : (cmp > 0 ? in : out);
    }

    private static long chooseFloat(ReduceOp op, float o, float i, long outBits, long inBits) {
        boolean takeIn = op == ReduceOp.MAX ? o < i : i < o;
        return takeIn ? inBits : outBits;
    }

    /** Half to float through its definition: sign x 2^(e-15) x 1.m, or 2^-14 x 0.m. */
    static float halfToFloat(int h) {
        int sign = h >>> 15;
        int e = (h >>> 10) & 0x1F;
        int m = h & 0x3FF;
        double v;
        if (e == 0) {
            v = m * Math.pow(2, -24);
        } else if (e == 31) {
            return m == 0 ? (sign == 1 ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY)
                    : Float.intBitsToFloat((sign << 31) | 0x7F800000 | (m << 13));
        } else {
            v = (1 + m / 1024.0) * Math.pow(2, e - 15);
        }
        return (float) (sign == 1 ? -v : v);
    }

    /** Float to half by scaling and rounding with {@link Math#rint} (ties to even). */
    static long floatToHalf(float f) {
        int sign = Float.floatToRawIntBits(f) < 0 ? 0x8000 : 0;
        if (Float.isNaN(f)) {
            return sign | 0x7D00;
        }
        double v = Math.abs((double) f);
        if (v >= 65520) {
            return sign | 0x7C00;
        }
        if (v < Math.pow(2, -14)) {
            return sign | (long) Math.rint(v * Math.pow(2, 24)); // 1024 is the smallest normal: same bits
        }
        int e = Math.getExponent(v);
        double q = Math.rint(v / Math.pow(2, e) * 1024);
        if (q == 2048) {
            q = 1024;
            e++;
        }
        return sign | ((long) (e + 15) << 10) | ((long) q - 1024);
    }

    /** Float to bfloat16 by looking at the dropped half of the bits. */
    static long floatToBfloat(float f) {
        if (Float.isNaN(f)) {
            return 0x7FC0;
        }
        int x = Float.floatToRawIntBits(f);
        int upper = x >>> 16;
        int lower = x & 0xFFFF;
        if (lower > 0x8000 || (lower == 0x8000 && (upper & 1) == 1)) {
            upper++;
        }
        return upper & 0xFFFF;
    }
}
