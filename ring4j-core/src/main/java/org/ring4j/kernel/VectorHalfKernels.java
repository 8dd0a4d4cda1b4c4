package org.ring4j.kernel;

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
 * bfloat16 kernels on the incubating Vector API ({@code jdk.incubator.vector}), used only when
 * asked for (see {@link VectorSupport}): an incubator module must be added to the JVM by hand,
 * which a library cannot require of its users.
 *
 * <p>Why: C2 on JDK 17 vectorises neither the 16-to-32-bit widening nor the float reinterpretation
 * these kernels need, so the portable kernels ({@link HalfLanes}) stay at 0.10-0.17x of a memory
 * copy. Here each chunk of halves is widened to int lanes, shifted into exact float32 values,
 * combined, rounded back with integer lane arithmetic and narrowed, all in vector registers.
 *
 * <p>Results are bit for bit those of the scalar definitions ({@link BFloat16}, MLX's
 * arithmetic): the widening is exact, the sum is one float32 addition per element, and the
 * rounding is MLX's (nearest even; any NaN becomes {@code 0x7FC0}). max and min keep the chosen
 * operand's bits.
 *
 * <p>float16 is not here: its conversions need more lane operations, and JDK 17's C2 compiled
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

    private VectorHalfKernels() {
    }

    /** @return the bfloat16 kernel for {@code op} */
    static ReduceKernel create(DType t, ReduceOp op) {
        if (t != DType.BFLOAT16) {
            throw new IllegalArgumentException("the vector kernels are for bfloat16, not " + t);
        }
        switch (op) {
            case SUM: return new Sum();
            case MAX: return new Select(true);
            default: return new Select(false);
        }
    }

    /** @return lanes {@code [i, i + lanes)} of {@code a}, sign-extended to ints */
    private static IntVector widen(short[] a, int i) {
        return (IntVector) ShortVector.fromArray(SHORTS, a, i).convertShape(VectorOperators.S2I, INTS, 0);
    }

    /** Stores the low 16 bits of each lane of {@code v} into {@code a[i..]}. */
    private static void narrow(IntVector v, short[] a, int i) {
        ((ShortVector) v.convertShape(VectorOperators.I2S, SHORTS, 0)).intoArray(a, i);
    }

    /** @return the exact float32 values of the halves in {@code h} (any upper bits are shifted out) */
    private static FloatVector toFloats(IntVector h) {
        return h.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /** bfloat16 sum: widen, add as float32, round to nearest even ({@link BFloat16#fromFloat}). */
    private static final class Sum extends ArrayKernels.Shorts {
        @Override
        void combine(short[] out, short[] in, int n) {
            int i = 0;
            for (int bound = SHORTS.loopBound(n); i < bound; i += SHORTS.length()) {
                IntVector x = toFloats(widen(out, i)).add(toFloats(widen(in, i))).reinterpretAsInts();
                IntVector rounded = x.add(x.lanewise(VectorOperators.LSHR, 16).and(1)).add(0x7FFF)
                        .lanewise(VectorOperators.LSHR, 16);
                VectorMask<Integer> nan = x.and(0x7FFFFFFF).compare(VectorOperators.GT, 0x7F800000);
                narrow(rounded.blend(BFloat16.CANONICAL_NAN, nan), out, i);
            }
            for (; i < n; i++) {
                out[i] = BFloat16.fromFloat(BFloat16.toFloat(out[i]) + BFloat16.toFloat(in[i]));
            }
        }
    }

    /**
     * max ({@code out < in ? in : out}) and min ({@code in < out ? in : out}) as MLX compares:
     * as float32 values, so a NaN never replaces and -0 equals +0.
     */
    private static final class Select extends ArrayKernels.Shorts {
        private final boolean max;

        Select(boolean max) {
            this.max = max;
        }

        @Override
        void combine(short[] out, short[] in, int n) {
            int i = 0;
            for (int bound = SHORTS.loopBound(n); i < bound; i += SHORTS.length()) {
                FloatVector o = toFloats(widen(out, i));
                FloatVector x = toFloats(widen(in, i));
                VectorMask<Float> take = max ? o.compare(VectorOperators.LT, x) : x.compare(VectorOperators.LT, o);
                // The chosen float's top 16 bits are the chosen half, bit for bit. (Blending the
                // short vectors instead needs a mask cast, which JDK 17 did not compile to vector code.)
                narrow(o.blend(x, take).reinterpretAsInts().lanewise(VectorOperators.LSHR, 16), out, i);
            }
            for (; i < n; i++) {
                float o = BFloat16.toFloat(out[i]);
                float x = BFloat16.toFloat(in[i]);
                if (max ? o < x : x < o) {
                    out[i] = in[i];
                }
            }
        }
    }
}
