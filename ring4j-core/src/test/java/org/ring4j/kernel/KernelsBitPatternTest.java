package org.ring4j.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ring4j.DType;
import org.ring4j.ReduceOp;
import org.ring4j.testing.RingReference;

/**
 * The kernels against {@link ScalarReference} on arbitrary bit patterns (NaNs of both signs and
 * any payload, zeros, infinities, subnormals, extremes) and at every byte offset modulo 8, so that
 * bit-twiddling and pairwise kernels meet every case and every alignment of their two operands.
 */
class KernelsBitPatternTest {
    private static final DType[] TYPES = {DType.FLOAT32, DType.FLOAT64, DType.FLOAT16, DType.BFLOAT16,
        DType.INT32, DType.UINT32, DType.INT64, DType.UINT64, DType.INT16, DType.UINT16, DType.INT8, DType.UINT8,
        DType.BOOL, DType.COMPLEX64};

    @Test
    void randomBitPatternsAtEveryAlignment() {
        SplittableRandom rnd = new SplittableRandom(42);
        // Three rounds: the later ones run the loops compiled by C2 (vectorised), not interpreted.
        for (int round = 0; round < 3; round++) {
        for (DType t : TYPES) {
            for (ReduceOp op : ReduceOp.values()) {
                for (int srcOffset = 0; srcOffset < 8; srcOffset += Math.min(2, t.size())) {
                    for (int dstOffset = 0; dstOffset < 8; dstOffset += Math.min(2, t.size())) {
                        int count = 1 + rnd.nextInt(20_000);
                        check(t, op, count, srcOffset, dstOffset, rnd);
                    }
                }
            }
        }
        }
    }

    @Test
    void everyPairOfHalfExponentClasses() {
        // All sign/exponent combinations against each other with random mantissas, for the 16-bit floats.
        SplittableRandom rnd = new SplittableRandom(7);
        for (DType t : new DType[] {DType.FLOAT16, DType.BFLOAT16}) {
            for (ReduceOp op : ReduceOp.values()) {
                check(t, op, 1 << 18, 0, 0, rnd);
                check(t, op, (1 << 16) + 3, 2, 6, rnd);
            }
        }
    }

    @Test
    void float16SumsOfFiniteHalves() {
        // Chunks with an infinity or NaN take the scalar path; here every value is finite, so the
        // lane path meets every finite half against random partners, near-cancelling ones
        // (subnormal and zero results, both signs) and ones that overflow.
        SplittableRandom rnd = new SplittableRandom(11);
        int per = 24;
        int count = 0x7C00 * 2 * per;
        byte[] out = new byte[2 * count];
        byte[] in = new byte[2 * count];
        int j = 0;
        for (int rep = 0; rep < per; rep++) {
            for (int h = 0; h < 0x10000; h++) {
                if ((h & 0x7C00) == 0x7C00) {
                    continue;
                }
                int partner;
                switch (rep % 4) {
                    case 0: partner = rnd.nextInt(0x7C00) | (rnd.nextBoolean() ? 0x8000 : 0); break;
                    case 1: partner = (h ^ 0x8000) + rnd.nextInt(9) - 4; break;           // -h, give or take
                    case 2: partner = (h & 0x8000) | (0x7800 + rnd.nextInt(0x400)); break; // large, same sign
                    default: partner = rnd.nextInt(0x800) | (rnd.nextBoolean() ? 0x8000 : 0); break; // tiny
                }
                if ((partner & 0x7C00) == 0x7C00 || partner < 0 || partner > 0xFFFF) {
                    partner = 0x3C00;
                }
                RingReference.put(out, j, 2, h);
                RingReference.put(in, j, 2, partner);
                j++;
            }
        }
        assertThat(j).isEqualTo(count);
        for (int round = 0; round < 3; round++) {
            check(DType.FLOAT16, ReduceOp.SUM, out, in, 2 * round, 0);
        }
    }

    private static void check(DType t, ReduceOp op, int count, int srcOffset, int dstOffset, SplittableRandom rnd) {
        int es = t.size();
        byte[] in = new byte[count * es];
        byte[] out = new byte[count * es];
        for (int j = 0; j < count; j++) {
            RingReference.put(in, j, es, value(t, rnd));
            RingReference.put(out, j, es, value(t, rnd));
        }
        check(t, op, out, in, srcOffset, dstOffset);
    }

    private static void check(DType t, ReduceOp op, byte[] out, byte[] in, int srcOffset, int dstOffset) {
        int es = t.size();
        int count = out.length / es;
        ByteBuffer src = ByteBuffer.allocateDirect(count * es + 16).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer dst = ByteBuffer.allocateDirect(count * es + 16).order(ByteOrder.LITTLE_ENDIAN);
        src.put(srcOffset, in);
        dst.put(dstOffset, out);
        Kernels.of(t, op).reduce(src, srcOffset, dst, dstOffset, count);
        for (int j = 0; j < count; j++) {
            long o = RingReference.get(out, j, es);
            long i = RingReference.get(in, j, es);
            long want = ScalarReference.apply(t, op, o, i);
            long got = 0;
            for (int b = es - 1; b >= 0; b--) {
                got = (got << 8) | (dst.get(dstOffset + j * es + b) & 0xFF);
            }
            if (got != want && !(op == ReduceOp.SUM && sameNanChoice(t, o, i, want, got))) {
                throw new AssertionError(String.format("%s %s element %d of %d (src at %d, dst at %d): "
                        + "out=%x in=%x want %x got %x", t, op, j, count, srcOffset, dstOffset, o, i, want, got));
            }
        }
    }

    /**
     * Adding two NaNs gives one of them, and which one depends on the order of the operands in the
     * machine instruction, which the JIT is free to swap (addition commutes): any result that is
     * NaN where both operands are NaN, and exact elsewhere, is accepted.
     */
    private static boolean sameNanChoice(DType t, long o, long i, long want, long got) {
        switch (t) {
            case FLOAT16:
                return nan16(o, 0x7C00) && nan16(i, 0x7C00) && nan16(got, 0x7C00);
            case BFLOAT16:
                return nan16(o, 0x7F80) && nan16(i, 0x7F80) && nan16(got, 0x7F80);
            case FLOAT32:
                return nan32(o) && nan32(i) && nan32(got);
            case FLOAT64:
                return Double.isNaN(Double.longBitsToDouble(o)) && Double.isNaN(Double.longBitsToDouble(i))
                        && Double.isNaN(Double.longBitsToDouble(got));
            case COMPLEX64:
                for (int lane = 0; lane < 64; lane += 32) {
                    long ol = o >>> lane;
                    long il = i >>> lane;
                    long gl = got >>> lane;
                    long wl = want >>> lane;
                    boolean exact = (int) gl == (int) wl;
                    if (!exact && !(nan32(ol) && nan32(il) && nan32(gl))) {
                        return false;
                    }
                }
                return true;
            default:
                return false;
        }
    }

    private static boolean nan16(long bits, int exponent) {
        return (bits & exponent) == exponent && (bits & 0x7FFF & ~exponent) != 0;
    }

    private static boolean nan32(long bits) {
        return Float.isNaN(Float.intBitsToFloat((int) bits));
    }

    /** Arbitrary bits, often with the exponent forced to all ones or zeros, or the whole value to +-0. */
    private static long value(DType t, SplittableRandom rnd) {
        long bits = rnd.nextLong();
        int kind = rnd.nextInt(8);
        switch (t) {
            case FLOAT16:
                return special(bits & 0xFFFF, kind, 0x7C00, 0x8000);
            case BFLOAT16:
                return special(bits & 0xFFFF, kind, 0x7F80, 0x8000);
            case FLOAT32:
                return special(bits & 0xFFFFFFFFL, kind, 0x7F800000L, 0x80000000L);
            case FLOAT64:
                return special(bits, kind, 0x7FF0000000000000L, Long.MIN_VALUE);
            case COMPLEX64:
                return special(bits & 0xFFFFFFFFL, kind, 0x7F800000L, 0x80000000L)
                        | (special(bits >>> 32, rnd.nextInt(8), 0x7F800000L, 0x80000000L) << 32);
            case BOOL:
                return rnd.nextInt(4) == 0 ? bits & 0xFF : rnd.nextInt(2);
            default:
                return bits & (t.size() == 8 ? -1L : (1L << (8 * t.size())) - 1);
        }
    }

    private static long special(long bits, int kind, long exponent, long sign) {
        switch (kind) {
            case 0: return bits | exponent;                  // infinity or NaN of either sign
            case 1: return bits & ~exponent;                 // zero or subnormal
            case 2: return bits & sign;                      // +-0
            case 3: return (bits & sign) | exponent;         // +-infinity
            default: return bits;
        }
    }
}
