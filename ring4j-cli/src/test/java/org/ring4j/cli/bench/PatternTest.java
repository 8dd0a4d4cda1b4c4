package org.ring4j.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.ring4j.DType;
import org.ring4j.ReduceOp;

/** The benchmark's check must count exactly the wrong elements, or #wrong means nothing. */
class PatternTest {
    @Test
    void countsExactlyTheCorruptedElements() {
        Pattern p = new Pattern(4, k -> Values.encode(DType.FLOAT32, Values.value(DType.FLOAT32, k)));
        int elements = 100_003; // several blocks and a partial one
        ByteBuffer b = ByteBuffer.allocateDirect(elements * 4);
        p.fill(b, 0, b.capacity(), 5);
        assertThat(p.countWrong(b, 0, b.capacity(), 5)).isZero();
        assertThat(p.countWrong(b, 0, b.capacity(), 6)).isEqualTo(elements); // every element shifted
        b.put(0, (byte) 1);
        b.put(4 * 7168 + 3, (byte) 0x55); // first element of the second block, high byte
        b.put(4 * (elements - 1) + 1, (byte) 0x77);
        b.put(4 * (elements - 1) + 2, (byte) 0x77); // two bytes of one element count once
        assertThat(p.countWrong(b, 0, b.capacity(), 5)).isEqualTo(3);
    }

    @Test
    void expectedReductionsAreTheHandWorkedOnes() {
        // Rank r holds v((k0 + r) mod 7); signed and float values are k - 3, unsigned k, bool k mod 2.
        assertThat(Values.expected(DType.FLOAT32, ReduceOp.SUM, 3, 0)).isEqualTo(-3 + -2 + -1);
        assertThat(Values.expected(DType.FLOAT32, ReduceOp.SUM, 3, 6)).isEqualTo(3 + -3 + -2);
        assertThat(Values.expected(DType.INT8, ReduceOp.MAX, 4, 5)).isEqualTo(3); // codes 5,6,0,1
        assertThat(Values.expected(DType.INT8, ReduceOp.MIN, 4, 5)).isEqualTo(-3);
        assertThat(Values.expected(DType.UINT16, ReduceOp.SUM, 8, 0)).isEqualTo(0 + 1 + 2 + 3 + 4 + 5 + 6 + 0);
        assertThat(Values.expected(DType.BOOL, ReduceOp.SUM, 2, 1)).isEqualTo(1); // 1 | 0
        assertThat(Values.expected(DType.BOOL, ReduceOp.MIN, 2, 1)).isEqualTo(0); // 1 & 0
        assertThat(Values.expected(DType.BOOL, ReduceOp.MAX, 1, 2)).isEqualTo(0);
        assertThat(Values.encode(DType.BFLOAT16, -3)).containsExactly(0x40, 0xC0);
        assertThat(Values.encode(DType.FLOAT16, 6)).containsExactly(0x00, 0x46);
    }
}
