package org.ring4j.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.ring4j.DType;
import org.ring4j.ReduceOp;

/**
 * 16-bit float kernels on the incubating Vector API ({@code jdk.incubator.vector}): bfloat16 sum,
 * max and min, float16 max and min. Used only when asked for (see {@link VectorSupport}): an
 * incubator module must be added to the JVM by hand, which a library cannot require of its users.
 *
 * <p>Why: C2 on JDK 17 vectorises neither the 16-to-32-bit widening nor the float reinterpretation
 * the portable kernels need ({@link HalfLanes}), which stay at 0.10-0.20x of a memory copy.
 * <ul>
 * <li>bfloat16 sum: the halves are widened to int lanes, shifted into exact float32 values, added,
 *     rounded back with integer lane arithmetic and narrowed, all in vector registers.
 * <li>max and min need no conversion: a half's order as a float is the order of its sign-magnitude
 *     bits, so each 16-bit lane is compared as an integer key ({@link #key}), with NaNs (exponent
 *     all ones, mantissa not zero) never chosen and never replaced, as MLX's
 *     {@code out < in ? in : out} on floats.
 * </ul>
 * On JDK 16-18 the vectors are read from and written to the buffers themselves; later JDKs lack
 * that access (see {@link VectorBufferKernels}), so there each chunk is copied through arrays first.
 *
 * <p>Results are bit for bit those of the scalar definitions ({@link BFloat16}, {@link Float16},
 * MLX's arithmetic): the widening is exact, the sum is one float32 addition per element, and the
 * rounding is MLX's (nearest even; any NaN becomes {@code 0x7FC0}). max and min keep the chosen
 * operand's bits.
 *
 * <p>float16 sum is not here: its conversions need more lane operations, and JDK 17's C2 compiled
 * some of them (int-to-float reinterpretations and narrowing inside the longer loop bodies) as
 * calls on boxed vectors, 3-10x slower than the portable kernels; see docs/performance-kernels.md.
 *
 * <p>This class is loaded only through {@link VectorSupport#kernel}, so a JVM without the module
 * never links it.
 */
final class VectorHalfKernels {
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    /** Halves with as many lanes as {@link #INTS}: half the bits. */
    private static final VectorSpecies<Short> SHORTS = VectorSpecies.of(short.class,
            VectorShape.forBitSize(INTS.vectorBitSize() / 2));
    /** Halves in a full vector, for max and min (which need no widening). */
    private static final VectorSpecies<Short> LANES = ShortVector.SPECIES_PREFERRED;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final short MAGNITUDE = 0x7FFF;
    private static final short BFLOAT16_INFINITY = 0x7F80;
    private static final short FLOAT16_INFINITY = 0x7C00;

    private VectorHalfKernels() {
    }

    /**
     * @param portable the portable kernel, which reduces the elements after the last whole vector
     *     when the vectors are read from the buffers, and is returned for float16 sum
     * @return the kernel for {@code t} and {@code op}: reading vectors straight from the buffers where
     *     this JVM can (JDK 16-18, see {@link VectorBufferKernels}), else from the chunk arrays
     */
    static ReduceKernel create(DType t, ReduceOp op, ReduceKernel portable) {
        short nanAbove;
        if (t == DType.BFLOAT16) {
            nanAbove = BFLOAT16_INFINITY;
        } else if (t == DType.FLOAT16) {
            nanAbove = FLOAT16_INFINITY;
        } else {
            throw new IllegalArgumentException("the vector half kernels are for bfloat16 and float16, not " + t);
        }
        boolean buffers = VectorBufferKernels.available();
        if (op == ReduceOp.SUM) {
            if (t == DType.FLOAT16) {
                return portable;
            }
            return buffers ? new BufferSum(portable) : new ArraySum();
        }
        boolean max = op == ReduceOp.MAX;
        return buffers ? new BufferSelect(max, nanAbove, portable) : new ArraySelect(max, nanAbove);
    }

    /** @return lanes {@code [i, i + lanes)} of {@code a}, sign-extended to ints */
    private static IntVector widen(short[] a, int i) {
        return (IntVector) ShortVector.fromArray(SHORTS, a, i).convertShape(VectorOperators.S2I, INTS, 0);
    }

    /** @return the halves at byte {@code offset} of {@code b}, sign-extended to ints */
    private static IntVector widen(ByteBuffer b, int offset) {
        return (IntVector) ShortVector.fromByteBuffer(SHORTS, b, offset, LE).convertShape(VectorOperators.S2I, INTS, 0);
    }

    /** Stores the low 16 bits of each lane of {@code v} into {@code a[i..]}. */
    private static void narrow(IntVector v, short[] a, int i) {
        ((ShortVector) v.convertShape(VectorOperators.I2S, SHORTS, 0)).intoArray(a, i);
    }

    /** Stores the low 16 bits of each lane of {@code v} at byte {@code offset} of {@code b}. */
    private static void narrow(IntVector v, ByteBuffer b, int offset) {
        ((ShortVector) v.convertShape(VectorOperators.I2S, SHORTS, 0)).intoByteBuffer(b, offset, LE);
    }

    /** @return the exact float32 values of the halves in {@code h} (any upper bits are shifted out) */
    private static FloatVector toFloats(IntVector h) {
        return h.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /**
     * bfloat16 sum of the halves in the low 16 bits of the lanes: add as float32, round to nearest
     * even ({@link BFloat16#fromFloat}); any NaN becomes the canonical one.
     *
     * @return the sums in the low 16 bits of the lanes
     */
    private static IntVector sum(IntVector out, IntVector in) {
        IntVector x = toFloats(out).add(toFloats(in)).reinterpretAsInts();
        IntVector rounded = x.add(x.lanewise(VectorOperators.LSHR, 16).and(1)).add(0x7FFF)
                .lanewise(VectorOperators.LSHR, 16);
        VectorMask<Integer> nan = x.and(0x7FFFFFFF).compare(VectorOperators.GT, 0x7F800000);
        return rounded.blend(BFloat16.CANONICAL_NAN, nan);
    }

    /**
     * @return the halves' order as floats, as 16-bit integers: the magnitude, negated for a negative
     *     sign, so that -0 and +0 are equal (NaNs are excluded by the caller)
     */
    private static ShortVector key(ShortVector h) {
        ShortVector magnitude = h.and(MAGNITUDE);
        return magnitude.blend(magnitude.neg(), h.compare(VectorOperators.LT, (short) 0));
    }

    /**
     * max ({@code out < in ? in : out}) or min ({@code in < out ? in : out}) as MLX compares, as
     * floats: a NaN never replaces and is never replaced, -0 equals +0.
     *
     * @param nanAbove the bits of +infinity: a magnitude above it is a NaN
     * @return the chosen halves, bit for bit
     */
    private static ShortVector select(ShortVector out, ShortVector in, boolean max, short nanAbove) {
        VectorMask<Short> ordered = out.and(MAGNITUDE).compare(VectorOperators.LE, nanAbove)
                .and(in.and(MAGNITUDE).compare(VectorOperators.LE, nanAbove));
        ShortVector o = key(out);
        ShortVector x = key(in);
        VectorMask<Short> take = max ? o.compare(VectorOperators.LT, x) : x.compare(VectorOperators.LT, o);
        return out.blend(in, take.and(ordered));
    }

    /** Sum over the chunk arrays (JDK 19+). */
    private static final class ArraySum extends ArrayKernels.Shorts {
        @Override
        void combine(short[] out, short[] in, int n) {
            int i = 0;
            for (int bound = SHORTS.loopBound(n); i < bound; i += SHORTS.length()) {
                narrow(sum(widen(out, i), widen(in, i)), out, i);
            }
            for (; i < n; i++) {
                out[i] = BFloat16.fromFloat(BFloat16.toFloat(out[i]) + BFloat16.toFloat(in[i]));
            }
        }
    }

    /** max or min over the chunk arrays (JDK 19+), {@link #LANES} halves at a time. */
    private static final class ArraySelect extends ArrayKernels.Shorts {
        private final boolean max;
        private final short nanAbove;

        ArraySelect(boolean max, short nanAbove) {
            this.max = max;
            this.nanAbove = nanAbove;
        }

        @Override
        void combine(short[] out, short[] in, int n) {
            int i = 0;
            for (int bound = LANES.loopBound(n); i < bound; i += LANES.length()) {
                select(ShortVector.fromArray(LANES, out, i), ShortVector.fromArray(LANES, in, i), max, nanAbove)
                        .intoArray(out, i);
            }
            for (; i < n; i++) {
                short o = out[i];
                short x = in[i];
                boolean ordered = (o & MAGNITUDE) <= nanAbove && (x & MAGNITUDE) <= nanAbove;
                int ko = o < 0 ? -(o & MAGNITUDE) : o;
                int kx = x < 0 ? -(x & MAGNITUDE) : x;
                if (ordered && (max ? ko < kx : kx < ko)) {
                    out[i] = x;
                }
            }
        }
    }

    /** Sum straight from the buffers (JDK 16-18); the last partial vector goes to the portable kernel. */
    private static final class BufferSum implements ReduceKernel {
        private final ReduceKernel tail;

        BufferSum(ReduceKernel tail) {
            this.tail = tail;
        }

        @Override
        public void reduce(ByteBuffer src, int srcOffset, ByteBuffer dst, int dstOffset, int count) {
            int bytes = 2 * count;
            int bound = bytes - bytes % SHORTS.vectorByteSize();
            for (int i = 0; i < bound; i += SHORTS.vectorByteSize()) {
                narrow(sum(widen(dst, dstOffset + i), widen(src, srcOffset + i)), dst, dstOffset + i);
            }
            if (bound < bytes) {
                tail.reduce(src, srcOffset + bound, dst, dstOffset + bound, (bytes - bound) / 2);
            }
        }
    }

    /** max or min straight from the buffers (JDK 16-18); the last partial vector goes to the portable kernel. */
    private static final class BufferSelect implements ReduceKernel {
        private final boolean max;
        private final short nanAbove;
        private final ReduceKernel tail;

        BufferSelect(boolean max, short nanAbove, ReduceKernel tail) {
            this.max = max;
            this.nanAbove = nanAbove;
            this.tail = tail;
        }

        @Override
        public void reduce(ByteBuffer src, int srcOffset, ByteBuffer dst, int dstOffset, int count) {
            int bytes = 2 * count;
            int step = LANES.vectorByteSize();
            int bound = bytes - bytes % step;
            for (int i = 0; i < bound; i += step) {
                select(ShortVector.fromByteBuffer(LANES, dst, dstOffset + i, LE),
                        ShortVector.fromByteBuffer(LANES, src, srcOffset + i, LE), max, nanAbove)
                        .intoByteBuffer(dst, dstOffset + i, LE);
            }
            if (bound < bytes) {
                tail.reduce(src, srcOffset + bound, dst, dstOffset + bound, (bytes - bound) / 2);
            }
        }
    }
}
