package org.ring4j.testing;


import org.ring4j.DType;
import org.ring4j.Protocol;
import org.ring4j.ReduceOp;
import org.ring4j.kernel.ScalarReference;
import org.ring4j.protocol.AllReducePlan;
import org.ring4j.protocol.RingMath;

/**
 * What a ring computes (small native all-reduces: see {@link AllReducePlan#gathersInputs}), element by element, written independently of ring4j's transport and
 * kernels: for an element in segment {@code s} of a sub-reduce in direction {@code d}, the value
 * travels from rank {@code s} through ranks {@code s-d, s-2d, ...}, each combining it as
 * {@code op(own, received)}; floating-point results therefore depend on that order, and this class
 * reproduces it with {@link ScalarReference}'s scalar arithmetic.
 */
public final class RingReference {
    private RingReference() {
    }

    /**
     * @param inputs each rank's little-endian input bytes, all of the same length
     * @param k connections per neighbour
     * @param protocol the ring's protocol: small native all-reduces gather the inputs instead
     * @return the all-reduce result every rank must hold
     */
    public static byte[] allReduce(DType dtype, ReduceOp op, byte[][] inputs, int k, Protocol protocol) {
        int n = inputs.length;
        int es = dtype.size();
        int count = inputs[0].length / es;
        byte[] out = new byte[inputs[0].length];
        if (n == 1) {
            System.arraycopy(inputs[0], 0, out, 0, out.length);
            return out;
        }
        if (protocol == Protocol.NATIVE && AllReducePlan.gathersInputs(inputs[0].length, n)) {
            // Every rank reduces the gathered inputs in rank order: op(op(op(in0, in1), in2), ...).
            for (int j = 0; j < count; j++) {
                long acc = get(inputs[0], j, es);
                for (int r = 1; r < n; r++) {
                    acc = ScalarReference.apply(dtype, op, acc, get(inputs[r], j, es));
                }
                put(out, j, es, acc);
            }
            return out;
        }
        if (AllReducePlan.padded(count, n)) {
            // n zero-padded elements, one sub-reduce in direction -1.
            for (int j = 0; j < count; j++) {
                long v = reduceElement(dtype, op, inputs, j, segmentOf(j, n, n), -1);
                put(out, j, es, v);
            }
            return out;
        }
        int subs = AllReducePlan.subReduces(count, es, n, k, protocol == Protocol.NATIVE);
        for (int i = 0; i < subs; i++) {
            long start = AllReducePlan.start(count, subs, i);
            long length = AllReducePlan.length(count, subs, i);
            int d = AllReducePlan.direction(i);
            for (long j = 0; j < length; j++) {
                int idx = (int) (start + j);
                long v = reduceElement(dtype, op, inputs, idx, segmentOf(j, length, n), d);
                put(out, idx, es, v);
            }
        }
        return out;
    }

    private static int segmentOf(long j, long m, int n) {
        return (int) (j / RingMath.ceilDiv(m, n));
    }

    private static long reduceElement(DType dtype, ReduceOp op, byte[][] inputs, int idx, int s, int d) {
        int n = inputs.length;
        int es = dtype.size();
        long acc = get(inputs[s], idx, es);
        for (int t = 1; t < n; t++) {
            int owner = RingMath.mod(s - (long) t * d, n);
            acc = ScalarReference.apply(dtype, op, get(inputs[owner], idx, es), acc);
        }
        return acc;
    }

    /** @return element {@code idx} of {@code b} as raw little-endian bits */
    public static long get(byte[] b, int idx, int es) {
        long v = 0;
        for (int i = es - 1; i >= 0; i--) {
            v = (v << 8) | (b[idx * es + i] & 0xFF);
        }
        return v;
    }

    /** Stores raw bits {@code v} as element {@code idx} of {@code b}, little-endian. */
    public static void put(byte[] b, int idx, int es, long v) {
        for (int i = 0; i < es; i++) {
            b[idx * es + i] = (byte) (v >>> (8 * i));
        }
    }
}
