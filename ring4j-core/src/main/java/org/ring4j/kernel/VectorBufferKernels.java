package org.ring4j.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.ring4j.DType;
import org.ring4j.ReduceOp;

/**
 * float32, float64 and complex64-sum kernels that load and store vectors straight from the
 * buffers ({@code FloatVector.fromByteBuffer}), used only when asked for (see {@link VectorSupport}).
 *
 * <p>Why: the portable kernels copy each chunk of both operands into arrays and the result back
 * ({@link ArrayKernels}), because C2 vectorises array loops, not buffer loops. For float32 those
 * three copies cost more than the addition: the portable sum runs at about 0.3-0.4x of a memory
 * copy of the same bytes, a vector loop over the buffers at 0.6-0.7x (JDK 17, 8 MiB; see
 * docs/performance.md).
 *
 * <p>The buffer methods exist in the Vector API of JDK 16 to 18 only; later JDKs replaced them with
 * {@code MemorySegment} ones, which a {@code --release 17} build cannot call. {@link #available}
 * says whether this JVM has them; where it does not, the portable kernels stay in use.
 *
 * <p>Results are bit for bit the portable kernels': the sum is one IEEE addition per lane in the
 * same operand order, and max/min keep the chosen operand's bits, chosen as MLX compares
 * ({@code out < in ? in : out}, {@code in < out ? in : out}: a NaN never replaces, -0 equals +0).
 * The elements after the last whole vector go to the portable kernel.
 *
 * <p>This class is loaded only through {@link VectorSupport#kernel}, so a JVM without the module
 * never links it.
 */
final class VectorBufferKernels {
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private VectorBufferKernels() {
    }

    /** @return whether this JVM's Vector API loads and stores vectors from and to a {@code ByteBuffer} */
    static boolean available() {
        try {
            FloatVector.class.getMethod("fromByteBuffer", VectorSpecies.class, ByteBuffer.class, int.class,
                    ByteOrder.class);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /**
     * @param portable the portable kernel for {@code t} and {@code op}: it reduces the tail, and is
     *     returned as it is where this class has no kernel or this JVM lacks the buffer methods
     * @return the kernel for {@code t} and {@code op}
     */
    static ReduceKernel create(DType t, ReduceOp op, ReduceKernel portable) {
        if (!available()) {
            return portable;
        }
        switch (t) {
            case FLOAT32: return new Floats(op, 1, portable);
            case COMPLEX64: return op == ReduceOp.SUM ? new Floats(op, 2, portable) : portable;
            case FLOAT64: return new Doubles(op, portable);
            default: return portable;
        }
    }

    /**
     * float32 lanes: float32 (one per element) and complex64 sums (two per element). Each kernel
     * class here (and in {@link VectorHalfKernels}) has its own {@code reduce} with the tail: a
     * shared base class whose {@code reduce} called the vector loops through a virtual method was
     * tried, and C2 then sometimes compiled the float64 max loop with boxed vectors
     * ({@code KernelAllocationTest} failed in 2 of about 12 runs).
     */
    private static final class Floats implements ReduceKernel {
        private final ReduceOp op;
        private final int lanesPerElement;
        private final ReduceKernel tail;

        Floats(ReduceOp op, int lanesPerElement, ReduceKernel tail) {
            this.op = op;
            this.lanesPerElement = lanesPerElement;
            this.tail = tail;
        }

        @Override
        public void reduce(ByteBuffer src, int srcOffset, ByteBuffer dst, int dstOffset, int count) {
            int bytes = count * lanesPerElement * Float.BYTES;
            int step = FLOATS.vectorByteSize();
            int bound = bytes - bytes % step;
            // A vector holds whole elements: its byte size is a multiple of 8, a complex64's size.
            switch (op) {
                case SUM:
                    for (int i = 0; i < bound; i += step) {
                        FloatVector o = FloatVector.fromByteBuffer(FLOATS, dst, dstOffset + i, LE);
                        FloatVector x = FloatVector.fromByteBuffer(FLOATS, src, srcOffset + i, LE);
                        o.add(x).intoByteBuffer(dst, dstOffset + i, LE);
                    }
                    break;
                case MAX:
                    for (int i = 0; i < bound; i += step) {
                        FloatVector o = FloatVector.fromByteBuffer(FLOATS, dst, dstOffset + i, LE);
                        FloatVector x = FloatVector.fromByteBuffer(FLOATS, src, srcOffset + i, LE);
                        o.blend(x, o.compare(VectorOperators.LT, x)).intoByteBuffer(dst, dstOffset + i, LE);
                    }
                    break;
                default:
                    for (int i = 0; i < bound; i += step) {
                        FloatVector o = FloatVector.fromByteBuffer(FLOATS, dst, dstOffset + i, LE);
                        FloatVector x = FloatVector.fromByteBuffer(FLOATS, src, srcOffset + i, LE);
                        o.blend(x, x.compare(VectorOperators.LT, o)).intoByteBuffer(dst, dstOffset + i, LE);
                    }
                    break;
            }
            int elementBytes = lanesPerElement * Float.BYTES;
            if (bound < bytes) {
                tail.reduce(src, srcOffset + bound, dst, dstOffset + bound, (bytes - bound) / elementBytes);
            }
        }
    }

    /**
     * float64: the same loops as {@link Floats} on {@code DoubleVector}. Not one generic class over
     * {@code Vector<E>}: C2 intrinsifies vector operations only when it knows the species as a
     * constant, and a species held in a field of a shared class is not one (the vectors are then
     * boxed, several times slower).
     */
    private static final class Doubles implements ReduceKernel {
        private final ReduceOp op;
        private final ReduceKernel tail;

        Doubles(ReduceOp op, ReduceKernel tail) {
            this.op = op;
            this.tail = tail;
        }

        @Override
        public void reduce(ByteBuffer src, int srcOffset, ByteBuffer dst, int dstOffset, int count) {
            int bytes = count * Double.BYTES;
            int step = DOUBLES.vectorByteSize();
            int bound = bytes - bytes % step;
            switch (op) {
                case SUM:
                    for (int i = 0; i < bound; i += step) {
                        DoubleVector o = DoubleVector.fromByteBuffer(DOUBLES, dst, dstOffset + i, LE);
                        DoubleVector x = DoubleVector.fromByteBuffer(DOUBLES, src, srcOffset + i, LE);
                        o.add(x).intoByteBuffer(dst, dstOffset + i, LE);
                    }
                    break;
                case MAX:
                    for (int i = 0; i < bound; i += step) {
                        DoubleVector o = DoubleVector.fromByteBuffer(DOUBLES, dst, dstOffset + i, LE);
                        DoubleVector x = DoubleVector.fromByteBuffer(DOUBLES, src, srcOffset + i, LE);
                        o.blend(x, o.compare(VectorOperators.LT, x)).intoByteBuffer(dst, dstOffset + i, LE);
                    }
                    break;
                default:
                    for (int i = 0; i < bound; i += step) {
                        DoubleVector o = DoubleVector.fromByteBuffer(DOUBLES, dst, dstOffset + i, LE);
                        DoubleVector x = DoubleVector.fromByteBuffer(DOUBLES, src, srcOffset + i, LE);
                        o.blend(x, x.compare(VectorOperators.LT, o)).intoByteBuffer(dst, dstOffset + i, LE);
                    }
                    break;
            }
            if (bound < bytes) {
                tail.reduce(src, srcOffset + bound, dst, dstOffset + bound, (bytes - bound) / Double.BYTES);
            }
        }
    }
}
