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
 * 16-bit float kernels on the incubating Vector API ({@code jdk.incubator.vector}): bfloat16 and
 * float16 sum, max and min. Used only when asked for (see {@link VectorSupport}): an
 * incubator module must be added to the JVM by hand, which a library cannot require of its users.
 *
 * <p>Why: C2 on JDK 17 vectorises neither the 16-to-32-bit widening nor the float reinterpretation
 * the portable kernels need ({@link HalfLanes}), which stay at 0.10-0.20x of a memory copy.
 * <ul>
 * <li>bfloat16 sum: the halves are widened to int lanes, shifted into exact float32 values, added,
 *     rounded back with integer lane arithmetic and narrowed, all in vector registers.
 * <li>float16 sum (JDK 16-18 only): two halves per int lane, each moved into a float32 whose value
 *     is the half's times 2^-112 by a shift and a mask ({@link HalfLanes#scaled}), added as float32,
 *     and rounded with integer lane arithmetic; chunks holding a half of 2^15 or more, an infinity
 *     or a NaN take the portable kernel ({@link BufferFloat16Sum}).
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
 * <p>C2 on JDK 17 turns these loops into vector instructions only while each loop body stays small:
 * past some size, or with other Vector API kernels compiled in the same JVM, it called the
 * operations on boxed vectors instead, 3-10x slower than the portable kernels (see
 * {@link BufferFloat16Sum} and docs/performance-kernels.md). {@code KernelAllocationTest} catches
 * that: a boxed vector is an allocation.
 *
 * <p>This class is loaded only through {@link VectorSupport#kernel}, so a JVM without the module
 * never links it.
 */
final class VectorHalfKernels {
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    /** Halves with as many lanes as {@link #INTS}: half the bits. */
    private static final VectorSpecies<Short> SHORTS = VectorSpecies.of(short.class,
            VectorShape.forBitSize(INTS.vectorBitSize() / 2));
    /** Floats with as many lanes as {@link #INTS}: the scaled float16 sums. */
    private static final VectorSpecies<Float> FLOATS = VectorSpecies.of(float.class, INTS.vectorShape());
    /**
     * Bytes per chunk of {@link BufferFloat16Sum}: 1024 pairs, whose scaled sums take a quarter of
     * {@link Scratch#f1} and {@link Scratch#f2}; the chunk of both operands stays in L1 between its
     * loops. (Measured with JMH on JDK 17: 4096 gave 7.4-8.3 GB/s in four of five runs, 8192
     * 6.5-7.3, 2048 4.8-8.4.)
     */
    private static final int SUM_CHUNK = 4096;
    /** Halves in a full vector, for max and min (which need no widening). */
    private static final VectorSpecies<Short> LANES = ShortVector.SPECIES_PREFERRED;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final short MAGNITUDE = 0x7FFF;
    private static final short BFLOAT16_INFINITY = 0x7F80;
    private static final short FLOAT16_INFINITY = 0x7C00;
    /** The exponent fields of both float16s of a pair. */
    private static final int FLOAT16_EXPONENTS = 0x7C007C00;
    /**
     * Two in both exponent fields of a pair: added to the exponents, it carries into a half's sign bit
     * when the half is 2^15 or more, infinite or NaN.
     */
    private static final int FLOAT16_EXPONENT_TWO = 0x08000800;
    /** The sign bits of both halves of a pair. */
    private static final int HALF_SIGNS = 0x80008000;
    /** Where {@link HalfLanes#scaled} keeps a float16's bits. */
    private static final int SCALED_FLOAT16 = 0x8FFFE000;

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
        if (op == ReduceOp.SUM && t == DType.FLOAT16) {
            // Only from the buffers: through the chunk arrays (JDK 19+) the copies left it at 0.17-0.24x
            // of a memory copy, and C2 boxed its vectors in some runs there too.
            return buffers ? new BufferFloat16Sum(portable) : portable;
        }
        if (op == ReduceOp.SUM) {
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

    /**
     * float16 sum straight from the buffers (JDK 16-18), in chunks of {@link #SUM_CHUNK} bytes, each
     * in three loops ({@link #PASSES}): look for halves of 2^15 or more, infinities and NaNs (a chunk
     * holding one goes to the portable kernel: those are the only inputs whose sum may overflow or
     * not be a number); the float32 sums of the low and of the high halves of the pairs, scaled by
     * 2^-112 ({@link HalfLanes#scaled}), into {@link Scratch#f1} and {@link Scratch#f2}; and those
     * rounded to float16 ({@link HalfLanes#roundFloat16}) into the destination. The elements after the
     * last whole vector go to the portable kernel too.
     *
     * <p>Why three loops, each a class called through one megamorphic call site: C2 on JDK 17 compiled
     * any larger loop body on these vectors, or these loops inlined into one compilation unit, into
     * calls on boxed vectors (25-40 KB allocated per 8 KiB, 10x slower) in some runs: after the
     * float32 and float64 vector kernels had run in the same JVM, or when it compiled the chunk loop
     * on stack replacement. Called through a site that has seen three classes, C2 compiles each loop
     * on its own, which stayed vectorised in all of those runs. Helper methods are written out for
     * the same reason: compiled on their own first, they were not inlined later.
     */
    private static final class BufferFloat16Sum implements ReduceKernel {
        private final ReduceKernel tail;

        BufferFloat16Sum(ReduceKernel tail) {
            this.tail = tail;
        }

        @Override
        public void reduce(ByteBuffer src, int srcOffset, ByteBuffer dst, int dstOffset, int count) {
            Scratch s = Scratch.get();
            int bytes = 2 * count;
            int bound = bytes - bytes % INTS.vectorByteSize();
            for (int chunk = 0; chunk < bound; chunk += SUM_CHUNK) {
                int end = Math.min(chunk + SUM_CHUNK, bound);
                for (Float16SumPass pass : PASSES) {
                    if (!pass.run(src, srcOffset, dst, dstOffset, chunk, end, s.f1, s.f2)) {
                        tail.reduce(src, srcOffset + chunk, dst, dstOffset + chunk, (end - chunk) / 2);
                        break;
                    }
                }
            }
            if (bound < bytes) {
                tail.reduce(src, srcOffset + bound, dst, dstOffset + bound, (bytes - bound) / 2);
            }
        }
    }

    /** The loops of {@link BufferFloat16Sum}, in order. */
    private static final Float16SumPass[] PASSES = {new BelowHalfRange(), new ScaledSums(), new RoundedSums()};

    /** One loop of {@link BufferFloat16Sum} over the bytes {@code [from, to)} of both operands. */
    private abstract static class Float16SumPass {
        /**
         * @param low the scaled sums of the low halves, pair {@code j} of the chunk at {@code low[j]}
         * @param high the same for the high halves
         * @return false to leave the chunk to the portable kernel (nothing in {@code dst} changed)
         */
        abstract boolean run(ByteBuffer src, int srcOffset, ByteBuffer dst, int dstOffset, int from, int to,
                float[] low, float[] high);
    }

    /**
     * Whether every half is below 2^15 in magnitude (so finite, and no sum of two rounds to infinity):
     * its exponent plus two does not carry into its sign bit.
     */
    private static final class BelowHalfRange extends Float16SumPass {
        @Override
        boolean run(ByteBuffer src, int srcOffset, ByteBuffer dst, int dstOffset, int from, int to, float[] low,
                float[] high) {
            IntVector carries = IntVector.zero(INTS);
            for (int i = from; i < to; i += INTS.vectorByteSize()) {
                carries = carries.or(IntVector.fromByteBuffer(INTS, dst, dstOffset + i, LE).and(FLOAT16_EXPONENTS)
                        .add(FLOAT16_EXPONENT_TWO))
                        .or(IntVector.fromByteBuffer(INTS, src, srcOffset + i, LE).and(FLOAT16_EXPONENTS)
                                .add(FLOAT16_EXPONENT_TWO));
            }
            return carries.and(HALF_SIGNS).reduceLanes(VectorOperators.OR) == 0;
        }
    }

    /** The float32 sums, scaled by 2^-112, of the low and of the high halves ({@link HalfLanes#scaled}, on lanes). */
    private static final class ScaledSums extends Float16SumPass {
        @Override
        boolean run(ByteBuffer src, int srcOffset, ByteBuffer dst, int dstOffset, int from, int to, float[] low,
                float[] high) {
            for (int i = from, j = 0; i < to; i += INTS.vectorByteSize(), j += INTS.length()) {
                IntVector o = IntVector.fromByteBuffer(INTS, dst, dstOffset + i, LE);
                IntVector x = IntVector.fromByteBuffer(INTS, src, srcOffset + i, LE);
                o.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 3).and(SCALED_FLOAT16)
                        .reinterpretAsFloats()
                        .add(x.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 3).and(SCALED_FLOAT16)
                                .reinterpretAsFloats())
                        .intoArray(low, j);
                o.lanewise(VectorOperators.ASHR, 3).and(SCALED_FLOAT16).reinterpretAsFloats()
                        .add(x.lanewise(VectorOperators.ASHR, 3).and(SCALED_FLOAT16).reinterpretAsFloats())
                        .intoArray(high, j);
            }
            return true;
        }
    }

    /**
     * The scaled sums rounded to float16 pairs ({@link HalfLanes#roundFloat16}, on lanes: nearest even
     * on the 13 bits below the half; no sum reaches infinity here), written to the destination.
     */
    private static final class RoundedSums extends Float16SumPass {
        @Override
        boolean run(ByteBuffer src, int srcOffset, ByteBuffer dst, int dstOffset, int from, int to, float[] low,
                float[] high) {
            for (int i = from, j = 0; i < to; i += INTS.vectorByteSize(), j += INTS.length()) {
                IntVector l = FloatVector.fromArray(FLOATS, low, j).reinterpretAsInts();
                IntVector h = FloatVector.fromArray(FLOATS, high, j).reinterpretAsInts();
                // |sum| <= 65504 (BelowHalfRange), so adding the rounding bias never carries into the sign bit,
                // and the sign lands in bit 18 after the shift, out of the half's 15 bits.
                l.add(0x0FFF).add(l.lanewise(VectorOperators.LSHR, 13).and(1)).lanewise(VectorOperators.LSHR, 13)
                        .and(0x7FFF).or(l.lanewise(VectorOperators.LSHR, 16).and(0x8000))
                        .or(h.add(0x0FFF).add(h.lanewise(VectorOperators.LSHR, 13).and(1))
                                .lanewise(VectorOperators.LSHR, 13).lanewise(VectorOperators.LSHL, 16))
                        .or(h.and(0x80000000))
                        .intoByteBuffer(dst, dstOffset + i, LE);
            }
            return true;
        }
    }
}
