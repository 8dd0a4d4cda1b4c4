package org.ring4j.kernel;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.ShortBuffer;

/**
 * float16 sum with the JDK's own conversions, {@code Float.float16ToFloat} and
 * {@code Float.floatToFloat16}, which C2 vectorises in a plain loop over {@code short[]}
 * (vcvtph2ps / vcvtps2ph on x86; JDK-8294588, JDK 21). The portable kernel ({@link HalfLanes})
 * reaches 0.07x of a memory copy on JDK 25 and this one about 0.2x (docs/performance.md, section 3).
 *
 * <p>Used from JDK {@value #MIN_FEATURE} on, the release the build tests on: JDK 21-24 had C2 bugs
 * in exactly this vectorisation (JDK-8338126: wrong results for 2-element vectors), and results
 * must never be silently wrong. ring4j compiles against Java 17, which lacks both methods, so they
 * are called through method handles held in static final fields: C2 inlines such a handle, and the
 * loop compiles as if the methods were called directly (measured the same speed on JDK 25).
 *
 * <p>Bit for bit the portable kernel's result: the float32 sum of two halves rounded once to
 * float16 is the correctly rounded half sum (float32 has more than 2 x 11 + 2 significand bits), and
 * both round to nearest even. They differ only in a NaN result, which MLX writes as
 * {@code sign | 0x7D00} ({@link Float16#CANONICAL_NAN}) and the conversion as a quiet NaN with the
 * operand's payload. So each chunk's sums are checked for an exponent of all ones (an infinity or a
 * NaN, through an int view where C2 vectorises the check), and such a chunk is recomputed by the
 * portable kernel before anything is stored.
 */
final class Float16ConversionSum implements ReduceKernel {
    /** The first JDK release on which this kernel is used. */
    static final int MIN_FEATURE = 25;

    /**
     * Halves per chunk: measured on JDK 25 (8 MiB operands), 0.17x of a copy with 8192, 0.19-0.20x
     * with 16384 and 0.21-0.22x with 32768; two chunk arrays of 16384 shorts still fit in L2 with
     * the check's int view.
     */
    static final int CHUNK = 16384;

    private static final MethodHandle TO_FLOAT = find("float16ToFloat", float.class, short.class);
    private static final MethodHandle TO_HALF = find("floatToFloat16", short.class, float.class);
    private static final ThreadLocal<ChunkArrays> PER_THREAD = ThreadLocal.withInitial(ChunkArrays::new);

    private final ReduceKernel portable;

    private Float16ConversionSum(ReduceKernel portable) {
        this.portable = portable;
    }

    /**
     * @param portable the portable float16 sum, for chunks with an infinity or NaN and for odd byte offsets
     * @return this kernel where the JVM has the conversions and is at least JDK {@value #MIN_FEATURE},
     *     else {@code portable}
     */
    static ReduceKernel orPortable(ReduceKernel portable) {
        return usable(Runtime.version().feature()) ? new Float16ConversionSum(portable) : portable;
    }

    /** @return whether this kernel is used on a JDK of release {@code feature} */
    static boolean usable(int feature) {
        return TO_FLOAT != null && TO_HALF != null && feature >= MIN_FEATURE;
    }

    private static MethodHandle find(String name, Class<?> returns, Class<?> parameter) {
        try {
            return MethodHandles.publicLookup().findStatic(Float.class, name, MethodType.methodType(returns, parameter));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null; // before JDK 20
        }
    }

    @Override
    public void reduce(ByteBuffer src, int srcOffset, ByteBuffer dst, int dstOffset, int count) {
        if (((srcOffset | dstOffset) & 1) != 0) {
            portable.reduce(src, srcOffset, dst, dstOffset, count); // no short view at an odd byte
            return;
        }
        Scratch s = Scratch.get();
        ShortBuffer sv = s.of(src).shorts();
        ShortBuffer dv = s.of(dst).shorts();
        ChunkArrays a = PER_THREAD.get();
        int si = srcOffset >> 1;
        int di = dstOffset >> 1;
        for (int done = 0; done < count; done += CHUNK) {
            int m = Math.min(CHUNK, count - done);
            sv.get(si + done, a.in, 0, m);
            dv.get(di + done, a.out, 0, m);
            add(a.out, a.in, m);
            if (anyExponentAllOnes(a, m)) {
                portable.reduce(src, srcOffset + 2 * done, dst, dstOffset + 2 * done, m);
            } else {
                dv.put(di + done, a.out, 0, m);
            }
        }
    }

    /** out = out + in on {@code n} halves, through float32. */
    private static void add(short[] out, short[] in, int n) {
        try {
            for (int i = 0; i < n; i++) {
                float sum = (float) TO_FLOAT.invokeExact(out[i]) + (float) TO_FLOAT.invokeExact(in[i]);
                out[i] = (short) TO_HALF.invokeExact(sum);
            }
        } catch (Throwable e) { // neither method throws
            throw new IllegalStateException(e);
        }
    }

    /**
     * @return whether one of the first {@code m} sums is an infinity or NaN. Checked as int pairs
     *     because C2 vectorises an int "or" reduction, not one over shorts (measured on JDK 25:
     *     about 1 element per cycle over {@code short[]}).
     */
    private static boolean anyExponentAllOnes(ChunkArrays a, int m) {
        if ((m & 1) != 0) {
            a.out[m] = 0; // the last pair's upper half: not a sum (CHUNK is even, so there is room)
        }
        int pairs = (m + 1) >> 1;
        a.bitsShorts.put(0, a.out, 0, 2 * pairs);
        a.bitsInts.get(0, a.pairs, 0, pairs);
        int special = 0;
        for (int j = 0; j < pairs; j++) {
            // Exponent all ones: adding one to it carries into the half's sign bit.
            special |= (a.pairs[j] & 0x7C007C00) + 0x04000400;
        }
        return (special & 0x80008000) != 0;
    }

    /** One thread's chunk arrays, and the buffer whose two views turn halves into int pairs. */
    private static final class ChunkArrays {
        final short[] in = new short[CHUNK];
        final short[] out = new short[CHUNK];
        final int[] pairs = new int[CHUNK / 2];
        final ShortBuffer bitsShorts;
        final IntBuffer bitsInts;

        ChunkArrays() {
            ByteBuffer bits = ByteBuffer.allocateDirect(2 * CHUNK).order(ByteOrder.LITTLE_ENDIAN);
            bitsShorts = bits.duplicate().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
            bitsInts = bits.duplicate().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
        }
    }
}
