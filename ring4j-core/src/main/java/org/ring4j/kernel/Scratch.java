package org.ring4j.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;

/**
 * Per-thread chunk arrays and typed views for the kernels.
 *
 * <p>Why: C2 vectorises plain counted loops over Java arrays, not loops of {@code ByteBuffer.getFloat}.
 * So a kernel bulk-copies a chunk of each operand into an array (an intrinsic memory copy), combines
 * the arrays in a loop the JIT turns into SIMD code, and copies the result back. A chunk of
 * {@value #CHUNK} elements stays in L1. Typed views are created once per buffer and remembered by
 * identity, so a kernel call allocates nothing: collectives pass the same scratch and working
 * buffers over and over.
 *
 * <p>The views of the last {@value #VIEWS} buffers are kept, not just one per operand: a collective
 * with several sub-reduces runs their tasks on one thread, and each task reduces from its own
 * scratch buffer, so consecutive calls alternate between buffers (a 2-rank all-reduce of 1 MiB
 * uses two). One entry per operand would rebuild two views on every call.
 */
final class Scratch {
    /** Elements per chunk of the 8- and 16-bit kernels (and the size of the arrays). */
    static final int CHUNK = 2048;

    /**
     * Elements per chunk of the 32- and 64-bit kernels. Why smaller: measured on JDK 17 and 25
     * (8 MiB operands, interleaved with a memory copy of the same bytes), float32 sum ran at
     * 0.52x of the copy with 512-element chunks and 0.43x with 2048, float64 sum 0.44x against
     * 0.31x, int32 0.48-0.53x against 0.42x; the 16-bit float kernels were slower with smaller chunks.
     */
    static final int WIDE_CHUNK = 512;

    /**
     * Buffers whose views are kept per thread: the scratch buffers of a collective's tasks (two per
     * connection to a neighbour) plus its working buffers. Beyond that, views are rebuilt
     * (a small allocation) but results are unchanged.
     */
    static final int VIEWS = 16;

    private static final ThreadLocal<Scratch> PER_THREAD = ThreadLocal.withInitial(Scratch::new);

    final byte[] b1 = new byte[2 * CHUNK];
    final byte[] b2 = new byte[2 * CHUNK];
    final short[] s1 = new short[2 * CHUNK];
    final short[] s2 = new short[2 * CHUNK];
    final int[] i1 = new int[2 * CHUNK];
    final int[] i2 = new int[2 * CHUNK];
    final long[] l1 = new long[2 * CHUNK];
    final long[] l2 = new long[2 * CHUNK];
    final float[] f1 = new float[2 * CHUNK];
    final float[] f2 = new float[2 * CHUNK];
    final double[] d1 = new double[2 * CHUNK];
    final double[] d2 = new double[2 * CHUNK];
    /** Int lanes of the 16-bit float kernels: halves moved to the top 16 bits, masks, rounded results (see {@link HalfLanes}). */
    final int[] p1 = new int[2 * CHUNK];
    final int[] p2 = new int[2 * CHUNK];
    /**
     * Where int lanes become float lanes and back: a bulk put through one view and a bulk get through
     * the other reinterprets the bits at memory-copy speed, which C2 on JDK 17 cannot do in a
     * vectorised loop ({@code Float.intBitsToFloat} stays scalar).
     */
    final IntBuffer bitsInts;
    final FloatBuffer bitsFloats;
    private final Views[] views = new Views[VIEWS];
    private int next;

    private Scratch() {
        ByteBuffer bits = ByteBuffer.allocateDirect(4 * 4 * CHUNK);
        bitsInts = bits.duplicate().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
        bitsFloats = bits.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        for (int i = 0; i < VIEWS; i++) {
            views[i] = new Views();
        }
    }

    static Scratch get() {
        return PER_THREAD.get();
    }

    /** @return the views of {@code b}, created on first use and kept while it is among the last {@value #VIEWS} */
    Views of(ByteBuffer b) {
        for (Views v : views) {
            if (v.key == b) {
                return v;
            }
        }
        Views v = views[next];
        next = (next + 1) % VIEWS;
        return v.of(b);
    }

    /** Typed little-endian views of one buffer, from index 0 over its whole capacity. */
    static final class Views {
        private ByteBuffer key;
        private ShortBuffer shorts;
        private IntBuffer ints;
        private final IntBuffer[] shiftedInts = new IntBuffer[4];
        private LongBuffer longs;
        private FloatBuffer floats;
        private DoubleBuffer doubles;

        Views of(ByteBuffer b) {
            if (b != key) {
                key = b;
                shorts = null;
                ints = null;
                java.util.Arrays.fill(shiftedInts, null);
                longs = null;
                floats = null;
                doubles = null;
            }
            return this;
        }

        private ByteBuffer base() {
            return key.duplicate().clear().order(ByteOrder.LITTLE_ENDIAN);
        }

        ShortBuffer shorts() {
            if (shorts == null) {
                shorts = base().asShortBuffer();
            }
            return shorts;
        }

        IntBuffer ints() {
            if (ints == null) {
                ints = base().asIntBuffer();
            }
            return ints;
        }

        /**
         * @return an int view whose index {@code byteOffset >> 2} is at byte {@code byteOffset}: its
         *     index 0 is at byte {@code byteOffset & 3}
         */
        IntBuffer intsAt(int byteOffset) {
            int shift = byteOffset & 3;
            if (shift == 0) {
                return ints();
            }
            if (shiftedInts[shift] == null) {
                ByteBuffer b = key.duplicate().clear().position(shift);
                shiftedInts[shift] = b.slice().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
            }
            return shiftedInts[shift];
        }

        LongBuffer longs() {
            if (longs == null) {
                longs = base().asLongBuffer();
            }
            return longs;
        }

        FloatBuffer floats() {
            if (floats == null) {
                floats = base().asFloatBuffer();
            }
            return floats;
        }

        DoubleBuffer doubles() {
            if (doubles == null) {
                doubles = base().asDoubleBuffer();
            }
            return doubles;
        }
    }
}
