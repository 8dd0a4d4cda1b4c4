package org.ring4j.testing;

import java.util.SplittableRandom;
import org.ring4j.DType;

/**
 * Deterministic test inputs per dtype and rank: mostly ordinary values, with the edge values of
 * the type mixed in (zeros of both signs, infinities, canonical NaN, subnormals, integer extremes)
 * so that every rank's reduction meets them.
 */
public final class Inputs {
    private Inputs() {
    }

    /** @return {@code count} little-endian elements for {@code rank} */
    public static byte[] of(DType dtype, int count, int rank, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + rank * 7919L + dtype.ordinal());
        int es = dtype.size();
        byte[] b = new byte[count * es];
        for (int j = 0; j < count; j++) {
            RingReference.put(b, j, es, value(dtype, rnd, j));
        }
        return b;
    }

    private static long value(DType t, SplittableRandom rnd, int j) {
        boolean edge = rnd.nextInt(16) == 0;
        switch (t) {
            case BOOL:
                return rnd.nextInt(3) == 0 ? 1 : 0;
            case INT8: case UINT8:
                return edge ? pick(rnd, 0x7F, 0x80, 0xFF, 0x00, 0x01) : rnd.nextInt(256);
            case INT16: case UINT16:
                return edge ? pick(rnd, 0x7FFF, 0x8000, 0xFFFF, 0, 1) : rnd.nextInt(65536);
            case INT32: case UINT32:
                return edge ? pick(rnd, 0x7FFFFFFFL, 0x80000000L, 0xFFFFFFFFL, 0, 1) : rnd.nextInt() & 0xFFFFFFFFL;
            case INT64: case UINT64:
                return edge ? pick(rnd, Long.MAX_VALUE, Long.MIN_VALUE, -1L, 0, 1) : rnd.nextLong();
            case FLOAT32:
                return Float.floatToRawIntBits(edge ? floatEdge(rnd) : (float) (rnd.nextGaussian() * 100))
                        & 0xFFFFFFFFL;
            case FLOAT64:
                return Double.doubleToRawLongBits(edge ? floatEdge(rnd) : rnd.nextGaussian() * 1e6);
            case FLOAT16:
                // Ordinary finite halves, plus +-0, +-inf, canonical NaN, subnormals.
                return edge ? pick(rnd, 0x0000, 0x8000, 0x7C00, 0xFC00, 0x7E00, 0x0001, 0x83FF, 0x7BFF)
                        : (rnd.nextInt(0x7800) | (rnd.nextBoolean() ? 0x8000 : 0));
            case BFLOAT16:
                return edge ? pick(rnd, 0x0000, 0x8000, 0x7F80, 0xFF80, 0x7FC0, 0x0001, 0x7F7F)
                        : (Float.floatToRawIntBits((float) (rnd.nextGaussian() * 1000)) >>> 16);
            case COMPLEX64: {
                float re = edge ? floatEdge(rnd) : (float) rnd.nextGaussian();
                // Equal real parts now and then, so that ordering by the imaginary part is exercised.
                if (rnd.nextInt(4) == 0) {
                    re = 1.5f;
                }
                float im = (float) rnd.nextGaussian();
                return (Float.floatToRawIntBits(re) & 0xFFFFFFFFL) | ((long) Float.floatToRawIntBits(im) << 32);
            }
            default:
                throw new AssertionError(t);
        }
    }

    private static float floatEdge(SplittableRandom rnd) {
        float[] edges = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.MIN_VALUE,
            -Float.MIN_NORMAL, Float.MAX_VALUE};
        return edges[rnd.nextInt(edges.length)];
    }

    private static long pick(SplittableRandom rnd, long... v) {
        return v[rnd.nextInt(v.length)];
    }
}
