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
     * A kernel that reads whole vectors from the buffers: {@link #combine} reduces the bytes that
     * fill whole vectors, the portable kernel the elements after them. Shared by these kernels and
     * the buffer kernels of {@link VectorHalfKernels}.
     */
    abstract static class WholeVectors implements ReduceKernel {
        private final int elementBytes;
        private final int vectorBytes;
        private final ReduceKernel tail;

        /**
         * @param elementBytes bytes per element; {@code vectorBytes} must be a multiple of it
         * @param vectorBytes bytes per vector
         * @param tail the portable kernel, for the elements after the last whole vector
         */
        WholeVectors(int elementBytes, int vectorBytes, ReduceKernel tail) {
            this.elementBytes = elementBytes;
            this.vectorBytes = vectorBytes;
            this.tail = tail;
        }

        /** Reduces {@code bytes} bytes, a multiple of the vector size, from {@code src} into {@code dst}. */
        abstract void combine(ByteBuffer src, int srcOffset, ByteBuffer dst, int dstOffset, int bytes);

        @Override
        public final void reduce(ByteBuffer src, int srcOffset, ByteBuffer dst, int dstOffset, int count) {
            int bytes = count * elementBytes;
            int whole = bytes - bytes % vectorBytes;
            combine(src, srcOffset, dst, dstOffset, whole);
            if (whole < bytes) {
                tail.reduce(src, srcOffset + whole, dst, dstOffset + whole, (bytes - whole) / elementBytes);
            }
        }
    }

    /**
     * float32 lanes: float32 (one per element) and complex64 sums (two per element; a vector's byte
     * size is a multiple of 8, so it holds whole complex64s).
     */
    private static final class Floats extends WholeVectors {
        private final ReduceOp op;

        Floats(ReduceOp op, int lanesPerElement, ReduceKernel tail) {
            super(lanesPerElement * Float.BYTES, FLOATS.vectorByteSize(), tail);
            this.op = op;
        }

        @Override
        void combine(ByteBuffer src, int srcOffset, ByteBuffer dst, int dstOffset, int bytes) {
            int step = FLOATS.vectorByteSize();
            switch (op) {
                case SUM:
                    for (int i = 0; i < bytes; i += step) {
                        FloatVector o = FloatVector.fromByteBuffer(FLOATS, dst, dstOffset + i, LE);
                        FloatVector x = FloatVector.fromByteBuffer(FLOATS, src, srcOffset + i, LE);
                        o.add(x).intoByteBuffer(dst, dstOffset + i, LE);
                    }
                    break;
                case MAX:
                    for (int i = 0; i < bytes; i += step) {
                        FloatVector o = FloatVector.fromByteBuffer(FLOATS, dst, dstOffset + i, LE);
                        FloatVector x = FloatVector.fromByteBuffer(FLOATS, src, srcOffset + i, LE);
                        o.blend(x, o.compare(VectorOperators.LT, x)).intoByteBuffer(dst, dstOffset + i, LE);
                    }
                    break;
                default:
                    for (int i = 0; i < bytes; i += step) {
                        FloatVector o = FloatVector.fromByteBuffer(FLOATS, dst, dstOffset + i, LE);
                        FloatVector x = FloatVector.fromByteBuffer(FLOATS, src, srcOffset + i, LE);
                        o.blend(x, x.compare(VectorOperators.LT, o)).intoByteBuffer(dst, dstOffset + i, LE);
                    }
                    break;
            }
        }
    }

    /**
     * float64: the same loops as {@link Floats} on {@code DoubleVector}. Not one generic class over
     * {@code Vector<E>}: C2 intrinsifies vector operations only when it knows the species as a
     * constant, and a species held in a field of a shared class is not one (the vectors are then
     * boxed, several times slower).
     */
    private static final class Doubles extends WholeVectors {
        private final ReduceOp op;

        Doubles(ReduceOp op, ReduceKernel tail) {
            super(Double.BYTES, DOUBLES.vectorByteSize(), tail);
            this.op = op;
        }

        @Override
        void combine(ByteBuffer src, int srcOffset, ByteBuffer dst, int dstOffset, int bytes) {
            int step = DOUBLES.vectorByteSize();
            switch (op) {
                case SUM:
                    for (int i = 0; i < bytes; i += step) {
                        DoubleVector o = DoubleVector.fromByteBuffer(DOUBLES, dst, dstOffset + i, LE);
                        DoubleVector x = DoubleVector.fromByteBuffer(DOUBLES, src, srcOffset + i, LE);
                        o.add(x).intoByteBuffer(dst, dstOffset + i, LE);
                    }
                    break;
                case MAX:
                    for (int i = 0; i < bytes; i += step) {
                        DoubleVector o = DoubleVector.fromByteBuffer(DOUBLES, dst, dstOffset + i, LE);
                        DoubleVector x = DoubleVector.fromByteBuffer(DOUBLES, src, srcOffset + i, LE);
                        o.blend(x, o.compare(VectorOperators.LT, x)).intoByteBuffer(dst, dstOffset + i, LE);
                    }
                    break;
                default:
                    for (int i = 0; i < bytes; i += step) {
                        DoubleVector o = DoubleVector.fromByteBuffer(DOUBLES, dst, dstOffset + i, LE);
                        DoubleVector x = DoubleVector.fromByteBuffer(DOUBLES, src, srcOffset + i, LE);
                        o.blend(x, x.compare(VectorOperators.LT, o)).intoByteBuffer(dst, dstOffset + i, LE);
                    }
                    break;
            }
        }
    }
}
