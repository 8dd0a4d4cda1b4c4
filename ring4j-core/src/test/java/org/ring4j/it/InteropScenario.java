package org.ring4j.it;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.ring4j.DType;
import org.ring4j.ReduceOp;

/**
 * The "interop" scenario shared with the C++ MLX ring peer ({@code interop/mlx-ring-peer/main.cpp},
 * specified in {@code interop/mlx-ring-peer/README.md}): the list of cases, the inputs every rank
 * derives from (case name, rank, element index), and the hashes printed for each output. Both sides
 * must stay in step; {@code MlxInteropIT} checks the inputs against the peer's {@code inputs}
 * scenario before it runs any ring.
 *
 * <p>Pure functions only: no I/O, no ring4j classes beyond {@link DType} and {@link ReduceOp}.
 */
final class InteropScenario {
    static final long FNV_OFFSET = 0xcbf29ce484222325L;
    static final long FNV_PRIME = 0x100000001b3L;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    /** Element counts of the all-reduce cases, before dropping zeros and repeats. */
    static final long[] REDUCE_COUNTS = {1, -1 /* n - 1 */, -2 /* n */, -3 /* n + 1 */, 1000, 131075};
    static final int LARGE_SUM = 1_500_007;
    static final int[] GATHER_BYTES = {0, 1, 300_000, 1_048_579};
    static final int[] SEND_BYTES = {0, 1, 1025, 300_001};
    static final ReduceOp[] OPS = {ReduceOp.SUM, ReduceOp.MAX, ReduceOp.MIN};

    private InteropScenario() {
    }

    /** What a case does. */
    enum Kind { REDUCE, GATHER, SEND_RIGHT, SEND_LEFT }

    /**
     * One step of the scenario.
     *
     * @param count elements for {@link Kind#REDUCE}, bytes otherwise
     */
    record Case(String name, Kind kind, ReduceOp op, DType dtype, int count) {
        /** @return the input's size in bytes for rank-local inputs (all-reduce, all-gather, send) */
        int inputBytes() {
            return kind == Kind.REDUCE ? count * dtype.size() : count;
        }

        /** @return sums get "safe" float inputs (see {@link #floatBits}) */
        boolean safe() {
            return op == ReduceOp.SUM;
        }
    }

    /** @return the scenario's cases for a ring of {@code n} ranks, in the order they run */
    static List<Case> cases(int n) {
        List<Case> out = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        for (long c : REDUCE_COUNTS) {
            long v = c == -1 ? n - 1 : c == -2 ? n : c == -3 ? n + 1 : c;
            if (v > 0 && !counts.contains((int) v)) {
                counts.add((int) v);
            }
        }
        for (ReduceOp op : OPS) {
            for (DType t : DType.values()) {
                for (int c : counts) {
                    out.add(new Case("all_" + op.label() + "." + t.label() + "." + c, Kind.REDUCE, op, t, c));
                }
            }
        }
        out.add(new Case("all_sum.float32." + LARGE_SUM, Kind.REDUCE, ReduceOp.SUM, DType.FLOAT32, LARGE_SUM));
        for (int b : GATHER_BYTES) {
            out.add(new Case("all_gather." + b, Kind.GATHER, null, DType.UINT8, b));
        }
        for (int b : SEND_BYTES) {
            out.add(new Case("send_right." + b, Kind.SEND_RIGHT, null, DType.UINT8, b));
            out.add(new Case("send_left." + b, Kind.SEND_LEFT, null, DType.UINT8, b));
        }
        return out;
    }

    // ---------------------------------------------------------------- hashing

    /** @return FNV-1a 64 of bytes [0, length) of {@code b} (absolute reads), continuing from {@code h} */
    static long fnv1a(ByteBuffer b, int length, long h) {
        for (int i = 0; i < length; i++) {
            h ^= b.get(i) & 0xFF;
            h *= FNV_PRIME;
        }
        return h;
    }

    /** @return FNV-1a 64 of {@code bytes}, continuing from {@code h} */
    static long fnv1a(byte[] bytes, long h) {
        for (byte x : bytes) {
            h ^= x & 0xFF;
            h *= FNV_PRIME;
        }
        return h;
    }

    /** @return FNV-1a 64 of the ASCII text {@code s} */
    static long fnv1a(String s) {
        return fnv1a(s.getBytes(StandardCharsets.US_ASCII), FNV_OFFSET);
    }

    static long splitmix64(long x) {
        long z = x + GOLDEN;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** @return 16 lower-case hex digits */
    static String hex64(long v) {
        return String.format("%016x", v);
    }

    /** @return the text of one CASE line, with its newline */
    static String caseLine(String name, long hash) {
        return "CASE " + name + " " + hex64(hash) + "\n";
    }

    // ---------------------------------------------------------------- inputs

    /** @return the key of case {@code name} for rank {@code rank}; element i draws splitmix64(key + i) */
    static long inputKey(String name, int rank) {
        return splitmix64(fnv1a(name) ^ ((rank + 1L) * GOLDEN));
    }

    /**
     * A float of {@code e} exponent and {@code m} mantissa bits drawn from {@code h}; see the
     * peer's README for the table. {@code safe} (sums) keeps every NaN the same positive quiet NaN
     * and never yields -inf, so that no two different NaNs meet in an addition.
     */
    static long floatBits(long h, int e, int m, boolean safe) {
        int w = 1 + e + m;
        long signBit = 1L << (w - 1);
        long expAll = (1L << e) - 1;
        long bias = (1L << (e - 1)) - 1;
        long mantMask = (1L << m) - 1;
        int cls = (int) (h >>> 60);
        long sign = ((h >>> 59) & 1) != 0 ? signBit : 0;
        long mant = h & mantMask;
        switch (cls) {
            case 0:
                return safe ? (expAll << m) | (1L << (m - 1)) : sign | (expAll << m) | (mant | 1);
            case 1:
                return expAll << m;
            case 2:
                return safe ? ((expAll - 1) << m) | mantMask : signBit | (expAll << m);
            case 3:
                return signBit;
            case 4:
                return 0;
            case 5:
                return sign | mant;
            default:
                long exp = bias - 8 + ((h >>> 48) & 15);
                return sign | (exp << m) | mant;
        }
    }

    /** Writes the inputs of {@code c} for {@code rank} into bytes [0, c.inputBytes()) of {@code out}. */
    static void fillInput(ByteBuffer out, Case c, int rank) {
        if (c.kind() == Kind.REDUCE) {
            fillElements(out, c.dtype(), c.count(), c.name(), rank, c.safe());
        } else {
            // All-gather: each rank's own bytes; send relays: rank 0's bytes travel the ring.
            fillBytes(out, c.count(), c.name(), c.kind() == Kind.GATHER ? rank : 0);
        }
    }

    /** Writes {@code count} elements of {@code dtype}, little-endian, from index 0 of {@code out}. */
    static void fillElements(ByteBuffer out, DType dtype, int count, String name, int rank, boolean safe) {
        ByteBuffer b = out.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long key = inputKey(name, rank);
        int w = dtype.size();
        for (int i = 0; i < count; i++) {
            long h = splitmix64(key + i);
            int at = i * w;
            switch (dtype) {
                case BOOL:
                    b.put(at, (byte) (h & 1));
                    break;
                case INT8:
                case UINT8:
                    b.put(at, (byte) h);
                    break;
                case INT16:
                case UINT16:
                    b.putShort(at, (short) h);
                    break;
                case INT32:
                case UINT32:
                    b.putInt(at, (int) h);
                    break;
                case INT64:
                case UINT64:
                    b.putLong(at, h);
                    break;
                case FLOAT16:
                    b.putShort(at, (short) floatBits(h, 5, 10, safe));
                    break;
                case BFLOAT16:
                    b.putShort(at, (short) floatBits(h, 8, 7, safe));
                    break;
                case FLOAT32:
                    b.putInt(at, (int) floatBits(h, 8, 23, safe));
                    break;
                case FLOAT64:
                    b.putLong(at, floatBits(h, 11, 52, safe));
                    break;
                case COMPLEX64:
                    b.putInt(at, (int) floatBits(h, 8, 23, safe));
                    b.putInt(at + 4, (int) floatBits(splitmix64(h), 8, 23, safe));
                    break;
                default:
                    throw new IllegalArgumentException("no generator for " + dtype);
            }
        }
    }

    /** Writes {@code n} bytes (the low byte of each draw) from index 0 of {@code out}. */
    static void fillBytes(ByteBuffer out, int n, String name, int rank) {
        long key = inputKey(name, rank);
        for (int i = 0; i < n; i++) {
            out.put(i, (byte) splitmix64(key + i));
        }
    }
}
