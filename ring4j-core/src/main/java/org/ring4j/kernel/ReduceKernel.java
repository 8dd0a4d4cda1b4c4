package org.ring4j.kernel;

import java.nio.ByteBuffer;

/**
 * One reduction for one element type: {@code dst[i] = op(dst[i], src[i])}, where {@code dst} holds
 * the local values and {@code src} the received ones, computed exactly as MLX's ring computes it.
 * Implementations are stateless and thread-safe.
 */
public interface ReduceKernel {
    /**
     * Reduces {@code count} elements of {@code src} into {@code dst}.
     *
     * <p>Both buffers hold little-endian elements and have {@code order() == LITTLE_ENDIAN}; offsets
     * are absolute byte indexes; only absolute accessors are used, so positions and limits of both
     * buffers are left as they were. {@code src} and {@code dst} may be the same buffer only with
     * ranges that do not overlap.
     *
     * @param src received values
     * @param srcOffset byte index of the first received element
     * @param dst local values, overwritten with the result
     * @param dstOffset byte index of the first local element
     * @param count number of elements
     */
    void reduce(ByteBuffer src, int srcOffset, ByteBuffer dst, int dstOffset, int count);
}
