package org.ring4j.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ring4j.DType;
import org.ring4j.ReduceOp;
import org.ring4j.testing.Inputs;
import org.ring4j.testing.RingReference;

/** Every kernel against {@link ScalarReference}, element by element, and the conversions exhaustively. */
class KernelsTest {

    @Test
    void float16RoundTripsAndRoundsLikeTheReference() {
        for (int h = 0; h < 65536; h++) {
            float f = Float16.toFloat((short) h);
            assertThat(Float.floatToRawIntBits(f)).isEqualTo(Float.floatToRawIntBits(ScalarReference.halfToFloat(h)));
            if (!Float.isNaN(f)) {
                assertThat(Float16.fromFloat(f) & 0xFFFF).as("half %04x", h).isEqualTo(h);
            } else {
                assertThat(Float16.fromFloat(f) & 0xFFFF).isEqualTo((h & 0x8000) | 0x7D00);
            }
        }
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < 2_000_000; i++) {
            float f = Float.intBitsToFloat(rnd.nextInt());
            assertThat(Float16.fromFloat(f) & 0xFFFFL).as("float %08x", Float.floatToRawIntBits(f))
                    .isEqualTo(ScalarReference.floatToHalf(f));
        }
        // Ties to even: 1 + 2^-11 is halfway between 1 and 1 + 2^-10 -> 1 (even); 1 + 3*2^-11 -> 1 + 2^-9.
        assertThat(Float16.fromFloat(1f + 0x1p-11f)).isEqualTo((short) 0x3C00);
        assertThat(Float16.fromFloat(1f + 3 * 0x1p-11f)).isEqualTo((short) 0x3C02);
        assertThat(Float16.fromFloat(65519f)).isEqualTo((short) 0x7BFF);
        assertThat(Float16.fromFloat(65520f)).isEqualTo((short) 0x7C00);
        assertThat(Float16.fromFloat(0x1p-25f)).as("half of the smallest subnormal ties to 0").isEqualTo((short) 0);
        assertThat(Float16.fromFloat(0x1.8p-25f)).isEqualTo((short) 1);
        assertThat(Float16.fromFloat(-0f)).isEqualTo((short) 0x8000);
        assertThat(Float16.fromFloat(Float.intBitsToFloat(0xFFC00000))).as("the NaN keeps its sign").isEqualTo((short) 0xFD00);
    }

    @Test
    void bfloat16RoundsToNearestEven() {
        SplittableRandom rnd = new SplittableRandom(2);
        for (int i = 0; i < 2_000_000; i++) {
            float f = Float.intBitsToFloat(rnd.nextInt());
            assertThat(BFloat16.fromFloat(f) & 0xFFFFL).isEqualTo(ScalarReference.floatToBfloat(f));
        }
        for (int h = 0; h < 65536; h++) {
            float f = BFloat16.toFloat((short) h);
            if (!Float.isNaN(f)) {
                assertThat(BFloat16.fromFloat(f) & 0xFFFF).isEqualTo(h);
            }
        }
        assertThat(BFloat16.fromFloat(Float.intBitsToFloat(0x3F808000))).isEqualTo((short) 0x3F80); // tie, even
        assertThat(BFloat16.fromFloat(Float.intBitsToFloat(0x3F818000))).isEqualTo((short) 0x3F82); // tie, odd up
        assertThat(BFloat16.fromFloat(Float.NaN)).isEqualTo((short) 0x7FC0);
        assertThat(BFloat16.fromFloat(Float.intBitsToFloat(0xFFC00001))).isEqualTo((short) 0x7FC0);
    }

    @Test
    void everyKernelMatchesTheReferenceAtEveryOffsetAndSize() {
        int seed = 0;
        for (DType t : DType.values()) {
            for (ReduceOp op : ReduceOp.values()) {
                for (int count : new int[] {0, 1, 7, 1000, 4099, 9000}) {
                    for (int misalign : new int[] {0, 1}) {
                        for (boolean direct : new boolean[] {true, false}) {
                            check(t, op, count, misalign, direct, ++seed);
                        }
                    }
                }
            }
        }
    }

    private static void check(DType t, ReduceOp op, int count, int misalign, boolean direct, int seed) {
        int es = t.size();
        byte[] in = Inputs.of(t, count, 0, seed);
        byte[] out = Inputs.of(t, count, 1, seed);
        int pad = 16;
        ByteBuffer src = alloc(count * es + 2 * pad, direct);
        ByteBuffer dst = alloc(count * es + 2 * pad, direct);
        for (int i = 0; i < src.capacity(); i++) {
            src.put(i, (byte) 0x5A);
            dst.put(i, (byte) 0xA5);
        }
        int so = pad + misalign;
        int dOff = pad + 3 * misalign;
        src.put(so, in);
        dst.put(dOff, out);
        src.position(3).limit(src.capacity() - 1);
        dst.position(5).limit(dst.capacity() - 2);
        // Kernels need the whole limit for absolute access: the transport gives them cleared buffers.
        src.clear();
        dst.clear();
        Kernels.of(t, op).reduce(src, so, dst, dOff, count);
        for (int j = 0; j < count; j++) {
            long want = ScalarReference.apply(t, op, RingReference.get(out, j, es), RingReference.get(in, j, es));
            long got = 0;
            for (int b = es - 1; b >= 0; b--) {
                got = (got << 8) | (dst.get(dOff + j * es + b) & 0xFF);
            }
            if (got != want) {
                throw new AssertionError(String.format("%s %s element %d of %d (misalign %d, direct %s): "
                        + "out=%x in=%x want %x got %x", t, op, j, count, misalign, direct,
                        RingReference.get(out, j, es), RingReference.get(in, j, es), want, got));
            }
        }
        for (int i = 0; i < dOff; i++) {
            assertThat(dst.get(i)).as("byte before the range is untouched").isEqualTo((byte) 0xA5);
        }
        for (int i = dOff + count * es; i < dst.capacity(); i++) {
            assertThat(dst.get(i)).as("byte after the range is untouched").isEqualTo((byte) 0xA5);
        }
        assertThat(src.get(so - 1)).isEqualTo((byte) 0x5A);
    }

    @Test
    void documentedNanAndZeroBehaviourOfMaxAndMin() {
        long nan = Float.floatToRawIntBits(Float.NaN) & 0xFFFFFFFFL;
        long one = Float.floatToRawIntBits(1f) & 0xFFFFFFFFL;
        long negZero = Float.floatToRawIntBits(-0f) & 0xFFFFFFFFL;
        assertThat(run(DType.FLOAT32, ReduceOp.MAX, nan, one)).as("max(NaN, 1) keeps NaN").isEqualTo(nan);
        assertThat(run(DType.FLOAT32, ReduceOp.MAX, one, nan)).as("max(1, NaN) drops NaN").isEqualTo(one);
        assertThat(run(DType.FLOAT32, ReduceOp.MIN, one, nan)).isEqualTo(one);
        assertThat(run(DType.FLOAT32, ReduceOp.MAX, negZero, 0)).as("max(-0, +0) keeps -0").isEqualTo(negZero);
        assertThat(run(DType.FLOAT32, ReduceOp.MIN, 0, negZero)).as("min(+0, -0) keeps +0").isEqualTo(0);
        // complex64: (1, 5) < (2, 0) and (1, 1) < (1, 2).
        long c15 = complex(1, 5);
        long c20 = complex(2, 0);
        long c11 = complex(1, 1);
        long c12 = complex(1, 2);
        assertThat(run(DType.COMPLEX64, ReduceOp.MAX, c15, c20)).isEqualTo(c20);
        assertThat(run(DType.COMPLEX64, ReduceOp.MIN, c15, c20)).isEqualTo(c15);
        assertThat(run(DType.COMPLEX64, ReduceOp.MAX, c12, c11)).isEqualTo(c12);
        assertThat(run(DType.COMPLEX64, ReduceOp.MIN, c12, c11)).isEqualTo(c11);
        // Unsigned compare: 0xFF > 0x01 as uint8, < as int8.
        assertThat(run(DType.UINT8, ReduceOp.MAX, 0x01, 0xFF)).isEqualTo(0xFF);
        assertThat(run(DType.INT8, ReduceOp.MAX, 0x01, 0xFF)).isEqualTo(0x01);
        assertThat(run(DType.UINT64, ReduceOp.MIN, -1L, 1L)).isEqualTo(1L);
        // Wrap-around and bool.
        assertThat(run(DType.INT8, ReduceOp.SUM, 0x7F, 0x01)).isEqualTo(0x80);
        assertThat(run(DType.INT32, ReduceOp.SUM, 0x7FFFFFFFL, 1)).isEqualTo(0x80000000L);
        assertThat(run(DType.BOOL, ReduceOp.SUM, 0, 1)).isEqualTo(1);
        assertThat(run(DType.BOOL, ReduceOp.MIN, 1, 0)).isEqualTo(0);
        // float16: 65504 + 8 rounds back to 65504; 65504 + 16 = 65520 is a tie that rounds to even, infinity.
        assertThat(run(DType.FLOAT16, ReduceOp.SUM, 0x7BFF, 0x4800)).isEqualTo(0x7BFF);
        assertThat(run(DType.FLOAT16, ReduceOp.SUM, 0x7BFF, 0x4C00)).isEqualTo(0x7C00);
        assertThat(run(DType.FLOAT16, ReduceOp.SUM, 0x7C00, 0xFC00)).as("inf - inf is the canonical NaN").isEqualTo(0xFD00);
        assertThat(run(DType.BFLOAT16, ReduceOp.SUM, 0x7F80, 0xFF80)).isEqualTo(0x7FC0);
    }

    private static long complex(float re, float im) {
        return (Float.floatToRawIntBits(re) & 0xFFFFFFFFL) | ((long) Float.floatToRawIntBits(im) << 32);
    }

    private static long run(DType t, ReduceOp op, long out, long in) {
        int es = t.size();
        ByteBuffer src = alloc(es, true);
        ByteBuffer dst = alloc(es, true);
        for (int b = 0; b < es; b++) {
            src.put(b, (byte) (in >>> (8 * b)));
            dst.put(b, (byte) (out >>> (8 * b)));
        }
        Kernels.of(t, op).reduce(src, 0, dst, 0, 1);
        long got = 0;
        for (int b = es - 1; b >= 0; b--) {
            got = (got << 8) | (dst.get(b) & 0xFF);
        }
        assertThat(got).isEqualTo(ScalarReference.apply(t, op, out, in));
        return got;
    }

    private static ByteBuffer alloc(int n, boolean direct) {
        return (direct ? ByteBuffer.allocateDirect(n) : ByteBuffer.allocate(n)).order(ByteOrder.LITTLE_ENDIAN);
    }
}
