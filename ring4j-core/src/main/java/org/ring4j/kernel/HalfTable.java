package org.ring4j.kernel;

/**
 * float16 to float32 by table lookup: 65536 floats (256 KiB, stays in L2), one load instead of a
 * branchy decode per element in the float16 kernels.
 */
final class HalfTable {
    private static final float[] TABLE = new float[65536];

    static {
        for (int i = 0; i < TABLE.length; i++) {
            TABLE[i] = Float16.toFloat((short) i);
        }
    }

    private HalfTable() {
    }

    static float toFloat(short bits) {
        return TABLE[bits & 0xFFFF];
    }
}
