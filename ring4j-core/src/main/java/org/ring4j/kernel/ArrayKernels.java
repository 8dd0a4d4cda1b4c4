package org.ring4j.kernel;

import java.nio.ByteBuffer;
import java.nio.IntBuffer;

/**
 * The chunk loop shared by all kernels, one base class per Java primitive: bulk-copy a chunk of the
 * received and the local values into arrays, {@code combine} them, copy the result back. Offsets
 * that are not a multiple of the primitive's size take a slower element-by-element copy into the
 * same arrays, so each reduction's arithmetic is written exactly once.
 */
final class ArrayKernels {
    private ArrayKernels() {
    }

    /** Kernels over bytes (bool, int8, uint8). */
    abstract static class Bytes implements ReduceKernel {
        /** out[i] = op(out[i], in[i]) for i < n. */
        abstract void combine(byte[] out, byte[] in, int n);

        @Override
        public final void reduce(ByteBuffer src, int srcOffset, ByteBuffer dst, int dstOffset, int count) {
            Scratch s = Scratch.get();
            for (int done = 0; done < count; done += Scratch.CHUNK) {
                int n = Math.min(Scratch.CHUNK, count - done);
                src.get(srcOffset + done, s.b1, 0, n);
                dst.get(dstOffset + done, s.b2, 0, n);
                combine(s.b2, s.b1, n);
                dst.put(dstOffset + done, s.b2, 0, n);
            }
        }
    }

    /** Kernels over 16-bit values (int16, uint16, float16, bfloat16). */
    abstract static class Shorts implements ReduceKernel {
        abstract void combine(short[] out, short[] in, int n);

        @Override
        public final void reduce(ByteBuffer src, int srcOffset, ByteBuffer dst, int dstOffset, int count) {
            Scratch s = Scratch.get();
            boolean aligned = ((srcOffset | dstOffset) & 1) == 0;
            var sv = aligned ? s.of(src).shorts() : null;
            var dv = aligned ? s.of(dst).shorts() : null;
            for (int done = 0; done < count; done += Scratch.CHUNK) {
                int n = Math.min(Scratch.CHUNK, count - done);
                if (aligned) {
                    sv.get((srcOffset >> 1) + done, s.s1, 0, n);
                    dv.get((dstOffset >> 1) + done, s.s2, 0, n);
                } else {
                    for (int i = 0; i < n; i++) {
                        s.s1[i] = src.getShort(srcOffset + 2 * (done + i));
                        s.s2[i] = dst.getShort(dstOffset + 2 * (done + i));
                    }
                }
                combine(s.s2, s.s1, n);
                if (aligned) {
                    dv.put((dstOffset >> 1) + done, s.s2, 0, n);
                } else {
                    for (int i = 0; i < n; i++) {
                        dst.putShort(dstOffset + 2 * (done + i), s.s2[i]);
                    }
                }
            }
        }
    }

    /**
     * Kernels over 16-bit floats (float16, bfloat16), two elements per int lane: pair {@code j} holds
     * element {@code 2j} in its low half and {@code 2j + 1} in its high half (little-endian).
     *
     * <p>Why pairs: C2 on JDK 17 vectorises neither the widening of a {@code short} to an
     * {@code int} nor {@code Float.intBitsToFloat}, so a loop over {@code short[]} that converts to
     * float runs one element at a time. Over int lanes, each element is moved to the top 16 bits by
     * a shift or a mask (vectorised), and {@link Scratch#bitsInts} turns the lanes into floats by
     * memory copy. An odd element at the end, odd byte offsets and (for float16 sums) chunks holding
     * an infinity or NaN go through {@link #one}, the plain scalar definition.
     */
    abstract static class HalfPairs implements ReduceKernel {
        /** Pairs per chunk: the lanes, their float images and the bits buffer stay in L1. */
        static final int PAIRS = Scratch.CHUNK / 2;

        /** Combines {@code m} pairs: both halves of {@code out[j]} become op(out, in). */
        abstract void combine(int[] out, int[] in, int m, Scratch s);

        /** @return op(out, in) for one element, computed the scalar way */
        abstract short one(short out, short in);

        /** {@link #one} on both halves of {@code m} pairs. */
        final void combineEach(int[] out, int[] in, int m) {
            for (int j = 0; j < m; j++) {
                int a = out[j];
                int b = in[j];
                int lo = one((short) a, (short) b) & 0xFFFF;
                int hi = one((short) (a >>> 16), (short) (b >>> 16)) & 0xFFFF;
                out[j] = lo | (hi << 16);
            }
        }

        @Override
        public final void reduce(ByteBuffer src, int srcOffset, ByteBuffer dst, int dstOffset, int count) {
            Scratch s = Scratch.get();
            int pairs = count >>> 1;
            boolean even = ((srcOffset | dstOffset) & 1) == 0;
            IntBuffer sv = even ? s.of(src).intsAt(srcOffset) : null;
            IntBuffer dv = even ? s.of(dst).intsAt(dstOffset) : null;
            int si = srcOffset >> 2;
            int di = dstOffset >> 2;
            for (int done = 0; done < pairs; done += PAIRS) {
                int m = Math.min(PAIRS, pairs - done);
                if (even) {
                    sv.get(si + done, s.i1, 0, m);
                    dv.get(di + done, s.i2, 0, m);
                } else {
                    for (int j = 0; j < m; j++) {
                        s.i1[j] = src.getInt(srcOffset + 4 * (done + j));
                        s.i2[j] = dst.getInt(dstOffset + 4 * (done + j));
                    }
                }
                combine(s.i2, s.i1, m, s);
                if (even) {
                    dv.put(di + done, s.i2, 0, m);
                } else {
                    for (int j = 0; j < m; j++) {
                        dst.putInt(dstOffset + 4 * (done + j), s.i2[j]);
                    }
                }
            }
            if ((count & 1) != 0) {
                int at = 2 * (count - 1);
                dst.putShort(dstOffset + at, one(dst.getShort(dstOffset + at), src.getShort(srcOffset + at)));
            }
        }
    }

    /** Kernels over 32-bit integers (int32, uint32). */
    abstract static class Ints implements ReduceKernel {
        abstract void combine(int[] out, int[] in, int n);

        @Override
        public final void reduce(ByteBuffer src, int srcOffset, ByteBuffer dst, int dstOffset, int count) {
            Scratch s = Scratch.get();
            boolean aligned = ((srcOffset | dstOffset) & 3) == 0;
            var sv = aligned ? s.of(src).ints() : null;
            var dv = aligned ? s.of(dst).ints() : null;
            for (int done = 0; done < count; done += Scratch.WIDE_CHUNK) {
                int n = Math.min(Scratch.WIDE_CHUNK, count - done);
                if (aligned) {
                    sv.get((srcOffset >> 2) + done, s.i1, 0, n);
                    dv.get((dstOffset >> 2) + done, s.i2, 0, n);
                } else {
                    for (int i = 0; i < n; i++) {
                        s.i1[i] = src.getInt(srcOffset + 4 * (done + i));
                        s.i2[i] = dst.getInt(dstOffset + 4 * (done + i));
                    }
                }
                combine(s.i2, s.i1, n);
                if (aligned) {
                    dv.put((dstOffset >> 2) + done, s.i2, 0, n);
                } else {
                    for (int i = 0; i < n; i++) {
                        dst.putInt(dstOffset + 4 * (done + i), s.i2[i]);
                    }
                }
            }
        }
    }

    /** Kernels over 64-bit integers (int64, uint64). */
    abstract static class Longs implements ReduceKernel {
        abstract void combine(long[] out, long[] in, int n);

        @Override
        public final void reduce(ByteBuffer src, int srcOffset, ByteBuffer dst, int dstOffset, int count) {
            Scratch s = Scratch.get();
            boolean aligned = ((srcOffset | dstOffset) & 7) == 0;
            var sv = aligned ? s.of(src).longs() : null;
            var dv = aligned ? s.of(dst).longs() : null;
            for (int done = 0; done < count; done += Scratch.WIDE_CHUNK) {
                int n = Math.min(Scratch.WIDE_CHUNK, count - done);
                if (aligned) {
                    sv.get((srcOffset >> 3) + done, s.l1, 0, n);
                    dv.get((dstOffset >> 3) + done, s.l2, 0, n);
                } else {
                    for (int i = 0; i < n; i++) {
                        s.l1[i] = src.getLong(srcOffset + 8 * (done + i));
                        s.l2[i] = dst.getLong(dstOffset + 8 * (done + i));
                    }
                }
                combine(s.l2, s.l1, n);
                if (aligned) {
                    dv.put((dstOffset >> 3) + done, s.l2, 0, n);
                } else {
                    for (int i = 0; i < n; i++) {
                        dst.putLong(dstOffset + 8 * (done + i), s.l2[i]);
                    }
                }
            }
        }
    }

    /**
     * Kernels over float32 lanes: float32 (one lane per element) and complex64 (two lanes, real
     * then imaginary).
     */
    abstract static class Floats implements ReduceKernel {
        private final int lanes;

        Floats(int lanes) {
            this.lanes = lanes;
        }

        /** Combines {@code n} lanes ({@code n / lanes} elements). */
        abstract void combine(float[] out, float[] in, int n);

        @Override
        public final void reduce(ByteBuffer src, int srcOffset, ByteBuffer dst, int dstOffset, int count) {
            Scratch s = Scratch.get();
            boolean aligned = ((srcOffset | dstOffset) & 3) == 0;
            var sv = aligned ? s.of(src).floats() : null;
            var dv = aligned ? s.of(dst).floats() : null;
            int total = count * lanes;
            int chunk = Scratch.WIDE_CHUNK * lanes;
            for (int done = 0; done < total; done += chunk) {
                int n = Math.min(chunk, total - done);
                if (aligned) {
                    sv.get((srcOffset >> 2) + done, s.f1, 0, n);
                    dv.get((dstOffset >> 2) + done, s.f2, 0, n);
                } else {
                    for (int i = 0; i < n; i++) {
                        s.f1[i] = src.getFloat(srcOffset + 4 * (done + i));
                        s.f2[i] = dst.getFloat(dstOffset + 4 * (done + i));
                    }
                }
                combine(s.f2, s.f1, n);
                if (aligned) {
                    dv.put((dstOffset >> 2) + done, s.f2, 0, n);
                } else {
                    for (int i = 0; i < n; i++) {
                        dst.putFloat(dstOffset + 4 * (done + i), s.f2[i]);
                    }
                }
            }
        }
    }

    /** Kernels over float64. */
    abstract static class Doubles implements ReduceKernel {
        abstract void combine(double[] out, double[] in, int n);

        @Override
        public final void reduce(ByteBuffer src, int srcOffset, ByteBuffer dst, int dstOffset, int count) {
            Scratch s = Scratch.get();
            boolean aligned = ((srcOffset | dstOffset) & 7) == 0;
            var sv = aligned ? s.of(src).doubles() : null;
            var dv = aligned ? s.of(dst).doubles() : null;
            for (int done = 0; done < count; done += Scratch.WIDE_CHUNK) {
                int n = Math.min(Scratch.WIDE_CHUNK, count - done);
                if (aligned) {
                    sv.get((srcOffset >> 3) + done, s.d1, 0, n);
                    dv.get((dstOffset >> 3) + done, s.d2, 0, n);
                } else {
                    for (int i = 0; i < n; i++) {
                        s.d1[i] = src.getDouble(srcOffset + 8 * (done + i));
                        s.d2[i] = dst.getDouble(dstOffset + 8 * (done + i));
                    }
                }
                combine(s.d2, s.d1, n);
                if (aligned) {
                    dv.put((dstOffset >> 3) + done, s.d2, 0, n);
                } else {
                    for (int i = 0; i < n; i++) {
                        dst.putDouble(dstOffset + 8 * (done + i), s.d2[i]);
                    }
                }
            }
        }
    }
}
