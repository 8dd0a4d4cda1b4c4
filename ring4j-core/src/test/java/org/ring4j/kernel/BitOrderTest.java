package org.ring4j.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link BitOrder}'s masks against Java's own comparisons: the signed {@code less} on the extremes,
 * on neighbours (where the sign of the difference decides) and on random pairs, and
 * the float orders on every class of float (zeros of both signs, subnormals, infinities, NaNs).
 */
class BitOrderTest {
    private static final int[] INT_EDGES = {Integer.MIN_VALUE, Integer.MIN_VALUE + 1, -2, -1, 0, 1, 2,
        Integer.MAX_VALUE - 1, Integer.MAX_VALUE, 0x40000000, -0x40000000, 0x3FFFFFFF, -0x3FFFFFFF};
    private static final long[] LONG_EDGES = {Long.MIN_VALUE, Long.MIN_VALUE + 1, -2, -1, 0, 1, 2,
        Long.MAX_VALUE - 1, Long.MAX_VALUE, 1L << 62, -(1L << 62), (1L << 62) - 1, -(1L << 62) + 1};

    @Test
    void signedLessOnExtremesNeighboursAndRandomPairs() {
        for (int a : INT_EDGES) {
            for (int b : INT_EDGES) {
                assertThat(BitOrder.less(a, b)).as("%d < %d", a, b).isEqualTo(a < b ? -1 : 0);
            }
        }
        for (long a : LONG_EDGES) {
            for (long b : LONG_EDGES) {
                assertThat(BitOrder.less(a, b)).as("%d < %d", a, b).isEqualTo(a < b ? -1L : 0L);
            }
        }
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            int a = rnd.nextInt();
            int b = i % 4 == 0 ? a + rnd.nextInt(-2, 3) : rnd.nextInt();
            assertThat(BitOrder.less(a, b)).isEqualTo(a < b ? -1 : 0);
            long x = rnd.nextLong();
            long y = i % 4 == 0 ? x + rnd.nextInt(-2, 3) : rnd.nextLong();
            assertThat(BitOrder.less(x, y)).isEqualTo(x < y ? -1L : 0L);
        }
    }

    @Test
    void floatOrdersMatchJavaComparisons() {
        float[] floats = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 1f, -1f, 1.5f,
            Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.NaN, Float.intBitsToFloat(0xFFC00001), Float.intBitsToFloat(0x7F800001)};
        for (float a : floats) {
            for (float b : floats) {
                int ia = Float.floatToRawIntBits(a);
                int ib = Float.floatToRawIntBits(b);
                assertThat(BitOrder.floatLess(ia, ib)).as("%s < %s", a, b).isEqualTo(a < b ? -1 : 0);
                double da = a;
                double db = b;
                long la = Double.doubleToRawLongBits(da);
                long lb = Double.doubleToRawLongBits(db);
                assertThat(BitOrder.doubleLess(la, lb)).as("%s < %s", da, db).isEqualTo(da < db ? -1L : 0L);
            }
        }
        SplittableRandom rnd = new SplittableRandom(11);
        for (int i = 0; i < 200_000; i++) {
            int ia = rnd.nextInt();
            int ib = i % 4 == 0 ? ia + rnd.nextInt(-2, 3) : rnd.nextInt();
            float a = Float.intBitsToFloat(ia);
            float b = Float.intBitsToFloat(ib);
            assertThat(BitOrder.floatLess(ia, ib)).isEqualTo(a < b ? -1 : 0);
            long la = rnd.nextLong();
            long lb = i % 4 == 0 ? la + rnd.nextInt(-2, 3) : rnd.nextLong();
            assertThat(BitOrder.doubleLess(la, lb))
                .isEqualTo(Double.longBitsToDouble(la) < Double.longBitsToDouble(lb) ? -1L : 0L);
        }
    }
}
