/**
 * Reductions: {@code dst[i] = op(dst[i], src[i])} for every dtype and op, exactly as MLX's C++
 * computes them (wrap-around integers, float16/bfloat16 through float32 with round-to-nearest-even,
 * MLX's NaN behaviour of max and min), and the float16/bfloat16 conversions. Uses only
 * {@code java.*} and the {@code org.ring4j} API types.
 */
package org.ring4j.kernel;
