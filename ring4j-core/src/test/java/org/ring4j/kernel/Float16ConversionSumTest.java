package org.ring4j.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ring4j.DType;
import org.ring4j.ReduceOp;

/**
 * The float16 sum through the JDK's conversions ({@link Float16ConversionSum}): used exactly from
 * JDK 25 on, and bit for bit the portable result where a chunk is finite and where one is not. On
 * JDK 25 {@link KernelsTest} and {@link KernelsBitPatternTest} check it on every alignment and bit
 * pattern as well; the build runs them on JDK 17 and 25.
 */
class Float16ConversionSumTest {
    private static final int CHUNKS = 5;

    @Test
    void servesFloat16SumFromJdk25On() {
        boolean expected = Runtime.version().feature() >= Float16ConversionSum.MIN_FEATURE;
        assertThat(Kernels.of(DType.FLOAT16, ReduceOp.SUM) instanceof Float16ConversionSum)
                .as("float16 sum kernel on JDK %d", Runtime.version().feature()).isEqualTo(expected);
        assertThat(Float16ConversionSum.usable(24)).isFalse();
        for (ReduceOp op : new ReduceOp[] {ReduceOp.MAX, ReduceOp.MIN}) {
            assertThat(Kernels.of(DType.FLOAT16, op)).isNotInstanceOf(Float16ConversionSum.class);
        }
    }

    @Test
    void oneSpecialSumRecomputesItsChunkOnlyAndAllSumsMatchTheReference() {
        // Finite operands everywhere but one element per case: the chunks around it take the
        // conversion path, the one with it must give MLX's NaN (sign | 0x7D00) or the infinity.
        int count = CHUNKS * Float16ConversionSum.CHUNK + 3;
        int at = 2 * Float16ConversionSum.CHUNK + 17;
        short[][] cases = {
            {(short) 0x7E01, 0x3C00},          // NaN with a payload + 1
            {(short) 0xFC00, (short) 0x7C00},  // -inf + inf: NaN
            {0x7BFF, 0x7BFF},                  // 65504 + 65504: overflows to inf
            {(short) 0xFD55, (short) 0xFC00},  // -NaN + -inf
        };
        for (short[] c : cases) {
            for (int round = 0; round < 3; round++) { // later rounds run C2's vectorised loop
                check(count, at, c[0], c[1], new SplittableRandom(round));
            }
        }
    }

    @Test
    void oddElementCountsAndChunkEdges() {
        SplittableRandom rnd = new SplittableRandom(3);
        int chunk = Float16ConversionSum.CHUNK;
        for (int count : new int[] {1, 2, 3, chunk - 1, chunk, chunk + 1, 2 * chunk + 1}) {
            check(count, -1, (short) 0, (short) 0, rnd);
            check(count, count - 1, (short) 0x7C00, (short) 0x3C00, rnd); // infinity in the last element
        }
    }

    /** Random finite operands (with {@code special} placed at {@code at} unless -1), against Float16 per element. */
    private static void check(int count, int at, short outSpecial, short inSpecial, SplittableRandom rnd) {
        ByteBuffer src = ByteBuffer.allocateDirect(2 * count + 4).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer dst = ByteBuffer.allocateDirect(2 * count + 4).order(ByteOrder.LITTLE_ENDIAN);
        short[] out = new short[count];
        short[] in = new short[count];
        for (int i = 0; i < count; i++) {
            out[i] = finite(rnd);
            in[i] = finite(rnd);
        }
        if (at >= 0) {
            out[at] = outSpecial;
            in[at] = inSpecial;
        }
        for (int i = 0; i < count; i++) {
            src.putShort(2 + 2 * i, in[i]);
            dst.putShort(2 + 2 * i, out[i]);
        }
        Kernels.of(DType.FLOAT16, ReduceOp.SUM).reduce(src, 2, dst, 2, count);
        for (int i = 0; i < count; i++) {
            short want = Float16.fromFloat(Float16.toFloat(out[i]) + Float16.toFloat(in[i]));
            short got = dst.getShort(2 + 2 * i);
            if (got != want) {
                throw new AssertionError(String.format("element %d of %d: %04x + %04x, want %04x got %04x",
                        i, count, out[i], in[i], want, got));
            }
        }
        assertThat(dst.getShort(0)).isZero();
        assertThat(dst.getShort(2 + 2 * count)).isZero();
    }

    /** A finite half below 8192, subnormals included: no two of them overflow, so no other chunk falls back. */
    private static short finite(SplittableRandom rnd) {
        return (short) (rnd.nextInt(0x7000) | (rnd.nextBoolean() ? 0x8000 : 0));
    }
}
