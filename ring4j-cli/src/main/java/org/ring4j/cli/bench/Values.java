package org.ring4j.cli.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.ring4j.DType;
import org.ring4j.ReduceOp;
import org.ring4j.kernel.BFloat16;
import org.ring4j.kernel.Float16;

/**
 * The values of the benchmark's all-reduce pattern and their expected reductions. Rank {@code r}
 * puts value {@code v((i + r + iteration) mod 7)} at element {@code i}: small integers
 * (-3..3, 0..6 unsigned, 0/1 bool) whose sums over any ring up to 42 ranks are exact in every
 * dtype, so the expected result is known without running a reference reduction.
 */
final class Values {
    private Values() {
    }

    /** The value of code {@code k} (0..6) in {@code dtype}. */
    static long value(DType dtype, int k) {
        if (dtype == DType.BOOL) {
            return k % 2;
        }
        return dtype.isUnsigned() ? k : k - 3;
    }

    /** The reduction over {@code n} ranks at an element whose code on rank 0 is {@code k0}. */
    static long expected(DType dtype, ReduceOp op, int n, int k0) {
        long acc = value(dtype, k0 % Pattern.PERIOD);
        for (int r = 1; r < n; r++) {
            long v = value(dtype, (k0 + r) % Pattern.PERIOD);
            switch (op) {
                case SUM: acc = dtype == DType.BOOL ? (acc | v) : acc + v; break;
                case MAX: acc = Math.max(acc, v); break;
                default: acc = Math.min(acc, v); break;
            }
        }
        return acc;
    }

    /** Encodes an exact small integer as {@code dtype}'s little-endian bytes. */
    static byte[] encode(DType dtype, long v) {
        ByteBuffer b = ByteBuffer.allocate(dtype.size()).order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case BOOL: case INT8: case UINT8: b.put((byte) v); break;
            case INT16: case UINT16: b.putShort((short) v); break;
            case INT32: case UINT32: b.putInt((int) v); break;
            case INT64: case UINT64: b.putLong(v); break;
            case FLOAT16: b.putShort(Float16.fromFloat(v)); break;
            case BFLOAT16: b.putShort(BFloat16.fromFloat(v)); break;
            case FLOAT32: b.putFloat(v); break;
            case FLOAT64: b.putDouble(v); break;
            case COMPLEX64: b.putFloat(v).putFloat(0f); break;
            default: throw new IllegalArgumentException(dtype.toString());
        }
        return b.array();
    }

    /** The byte of code {@code k} in rank {@code r}'s raw-bytes pattern (all-gather, send-recv). */
    static byte rawByte(int rank, int k) {
        return (byte) (1 + k * 31 + rank * 7);
    }
}
