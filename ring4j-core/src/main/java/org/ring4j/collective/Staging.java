package org.ring4j.collective;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;

/**
 * A reusable direct buffer through which Java arrays and heap buffers travel.
 *
 * <p>Why a copy: a socket can only send from native memory, so the JDK copies any heap buffer into
 * a temporary direct buffer on every write anyway (and a {@code float[]} cannot be viewed as bytes
 * at all). Copying once into this buffer with an intrinsic bulk copy, running the collective on
 * it and copying the result out costs two memory copies, far less than the wire time, and leaves
 * one code path for every input. The buffer grows to the largest operation and is then reused;
 * direct {@link ByteBuffer}s from the user skip it entirely.
 */
final class Staging {
    private ByteBuffer bytes;
    private ShortBuffer shorts;
    private IntBuffer ints;
    private LongBuffer longs;
    private FloatBuffer floats;
    private DoubleBuffer doubles;

    /** @return the staging buffer, at least {@code capacity} bytes, little-endian */
    ByteBuffer ensure(int capacity) {
        if (bytes == null || bytes.capacity() < capacity) {
            int size = Math.max(capacity, 4096);
            if (bytes != null && size < Integer.MAX_VALUE / 2) {
                size = Math.max(size, Math.min(Integer.MAX_VALUE - 8, bytes.capacity() * 2));
            }
            bytes = ByteBuffer.allocateDirect(size).order(ByteOrder.LITTLE_ENDIAN);
            shorts = null;
            ints = null;
            longs = null;
            floats = null;
            doubles = null;
        }
        return bytes;
    }

    /** Copies all of {@code array} into the buffer at byte {@code at}. */
    void copyIn(Object array, int at) {
        if (array instanceof float[]) {
            float[] a = (float[]) array;
            floatView().put(at / 4, a, 0, a.length);
        } else if (array instanceof byte[]) {
            byte[] a = (byte[]) array;
            bytes.put(at, a, 0, a.length);
        } else if (array instanceof int[]) {
            int[] a = (int[]) array;
            intView().put(at / 4, a, 0, a.length);
        } else if (array instanceof double[]) {
            double[] a = (double[]) array;
            doubleView().put(at / 8, a, 0, a.length);
        } else if (array instanceof long[]) {
            long[] a = (long[]) array;
            longView().put(at / 8, a, 0, a.length);
        } else if (array instanceof short[]) {
            short[] a = (short[]) array;
            shortView().put(at / 2, a, 0, a.length);
        } else if (array instanceof boolean[]) {
            boolean[] a = (boolean[]) array;
            for (int i = 0; i < a.length; i++) {
                bytes.put(at + i, a[i] ? (byte) 1 : (byte) 0);
            }
        } else {
            throw new IllegalArgumentException("unsupported array type " + array.getClass().getSimpleName());
        }
    }

    /** Copies the buffer from byte {@code at} into all of {@code array}. */
    void copyOut(int at, Object array) {
        if (array instanceof float[]) {
            float[] a = (float[]) array;
            floatView().get(at / 4, a, 0, a.length);
        } else if (array instanceof byte[]) {
            byte[] a = (byte[]) array;
            bytes.get(at, a, 0, a.length);
        } else if (array instanceof int[]) {
            int[] a = (int[]) array;
            intView().get(at / 4, a, 0, a.length);
        } else if (array instanceof double[]) {
            double[] a = (double[]) array;
            doubleView().get(at / 8, a, 0, a.length);
        } else if (array instanceof long[]) {
            long[] a = (long[]) array;
            longView().get(at / 8, a, 0, a.length);
        } else if (array instanceof short[]) {
            short[] a = (short[]) array;
            shortView().get(at / 2, a, 0, a.length);
        } else if (array instanceof boolean[]) {
            boolean[] a = (boolean[]) array;
            for (int i = 0; i < a.length; i++) {
                a[i] = bytes.get(at + i) != 0;
            }
        } else {
            throw new IllegalArgumentException("unsupported array type " + array.getClass().getSimpleName());
        }
    }

    private ShortBuffer shortView() {
        if (shorts == null) {
            shorts = bytes.duplicate().clear().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
        }
        return shorts;
    }

    private IntBuffer intView() {
        if (ints == null) {
            ints = bytes.duplicate().clear().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
        }
        return ints;
    }

    private LongBuffer longView() {
        if (longs == null) {
            longs = bytes.duplicate().clear().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer();
        }
        return longs;
    }

    private FloatBuffer floatView() {
        if (floats == null) {
            floats = bytes.duplicate().clear().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        }
        return floats;
    }

    private DoubleBuffer doubleView() {
        if (doubles == null) {
            doubles = bytes.duplicate().clear().order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer();
        }
        return doubles;
    }
}
