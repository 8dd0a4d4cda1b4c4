package org.ring4j.kernel;

import java.util.EnumMap;
import java.util.Map;
import org.ring4j.DType;
import org.ring4j.ReduceOp;

/**
 * The reduction kernel for each dtype and op, created once. Each combine loop below is the
 * per-element arithmetic of MLX's C++ ({@code *out += *in}, {@code std::max(*out, *in)},
 * {@code std::min(*out, *in)} on its types), written as a plain counted loop over arrays so that
 * C2 can vectorise it; see {@link ArrayKernels} for the chunking around it.
 */
public final class Kernels {
    private static final Map<DType, Map<ReduceOp, ReduceKernel>> KERNELS = new EnumMap<>(DType.class);

    static {
        for (DType t : DType.values()) {
            Map<ReduceOp, ReduceKernel> byOp = new EnumMap<>(ReduceOp.class);
            for (ReduceOp op : ReduceOp.values()) {
                byOp.put(op, create(t, op));
            }
            KERNELS.put(t, byOp);
        }
    }

    private Kernels() {
    }

    /** @return the kernel computing {@code dst = op(dst, src)} for {@code dtype} */
    public static ReduceKernel of(DType dtype, ReduceOp op) {
        return KERNELS.get(dtype).get(op);
    }

    private static ReduceKernel create(DType t, ReduceOp op) {
        ReduceKernel portable = portable(t, op);
        return VectorSupport.enabled() ? VectorSupport.kernel(t, op, portable) : portable;
    }

    private static ReduceKernel portable(DType t, ReduceOp op) {
        switch (t) {
            case BOOL: return bool(op);
            case INT8: return int8(op, false);
            case UINT8: return int8(op, true);
            case INT16: return int16(op, false);
            case UINT16: return int16(op, true);
            case INT32: return int32(op, false);
            case UINT32: return int32(op, true);
            case INT64: return int64(op, false);
            case UINT64: return int64(op, true);
            case FLOAT16: return float16(op);
            case BFLOAT16: return bfloat16(op);
            case FLOAT32: return float32(op);
            case FLOAT64: return float64(op);
            case COMPLEX64: return complex64(op);
            default: throw new AssertionError(t);
        }
    }

    // C++ bool: sum is "or" (normalised to 1); max/min keep the chosen operand.
    private static ReduceKernel bool(ReduceOp op) {
        switch (op) {
            case SUM: return new ArrayKernels.Bytes() {
                @Override
                void combine(byte[] out, byte[] in, int n) {
                    for (int i = 0; i < n; i++) {
                        out[i] = (byte) ((out[i] | in[i]) != 0 ? 1 : 0);
                    }
                }
            };
            case MAX: return new ArrayKernels.Bytes() {
                @Override
                void combine(byte[] out, byte[] in, int n) {
                    for (int i = 0; i < n; i++) {
                        out[i] = out[i] == 0 && in[i] != 0 ? in[i] : out[i];
                    }
                }
            };
            default: return new ArrayKernels.Bytes() {
                @Override
                void combine(byte[] out, byte[] in, int n) {
                    for (int i = 0; i < n; i++) {
                        out[i] = in[i] == 0 && out[i] != 0 ? in[i] : out[i];
                    }
                }
            };
        }
    }

    private static ReduceKernel int8(ReduceOp op, boolean unsigned) {
        if (op == ReduceOp.SUM) {
            return new ArrayKernels.Bytes() {
                @Override
                void combine(byte[] out, byte[] in, int n) {
                    for (int i = 0; i < n; i++) {
                        out[i] += in[i];
                    }
                }
            };
        }
        boolean max = op == ReduceOp.MAX;
        if (unsigned) {
            return max ? new ArrayKernels.Bytes() {
                @Override
                void combine(byte[] out, byte[] in, int n) {
                    for (int i = 0; i < n; i++) {
                        out[i] = (out[i] & 0xFF) < (in[i] & 0xFF) ? in[i] : out[i];
                    }
                }
            } : new ArrayKernels.Bytes() {
                @Override
                void combine(byte[] out, byte[] in, int n) {
                    for (int i = 0; i < n; i++) {
                        out[i] = (in[i] & 0xFF) < (out[i] & 0xFF) ? in[i] : out[i];
                    }
                }
            };
        }
        return max ? new ArrayKernels.Bytes() {
            @Override
            void combine(byte[] out, byte[] in, int n) {
                for (int i = 0; i < n; i++) {
                    out[i] = out[i] < in[i] ? in[i] : out[i];
                }
            }
        } : new ArrayKernels.Bytes() {
            @Override
            void combine(byte[] out, byte[] in, int n) {
                for (int i = 0; i < n; i++) {
                    out[i] = in[i] < out[i] ? in[i] : out[i];
                }
            }
        };
    }

    private static ReduceKernel int16(ReduceOp op, boolean unsigned) {
        if (op == ReduceOp.SUM) {
            return new ArrayKernels.Shorts() {
                @Override
                void combine(short[] out, short[] in, int n) {
                    for (int i = 0; i < n; i++) {
                        out[i] += in[i];
                    }
                }
            };
        }
        boolean max = op == ReduceOp.MAX;
        if (unsigned) {
            return max ? new ArrayKernels.Shorts() {
                @Override
                void combine(short[] out, short[] in, int n) {
                    for (int i = 0; i < n; i++) {
                        out[i] = (out[i] & 0xFFFF) < (in[i] & 0xFFFF) ? in[i] : out[i];
                    }
                }
            } : new ArrayKernels.Shorts() {
                @Override
                void combine(short[] out, short[] in, int n) {
                    for (int i = 0; i < n; i++) {
                        out[i] = (in[i] & 0xFFFF) < (out[i] & 0xFFFF) ? in[i] : out[i];
                    }
                }
            };
        }
        return max ? new ArrayKernels.Shorts() {
            @Override
            void combine(short[] out, short[] in, int n) {
                for (int i = 0; i < n; i++) {
                    out[i] = out[i] < in[i] ? in[i] : out[i];
                }
            }
        } : new ArrayKernels.Shorts() {
            @Override
            void combine(short[] out, short[] in, int n) {
                for (int i = 0; i < n; i++) {
                    out[i] = in[i] < out[i] ? in[i] : out[i];
                }
            }
        };
    }

    private static ReduceKernel int32(ReduceOp op, boolean unsigned) {
        if (op == ReduceOp.SUM) {
            return new ArrayKernels.Ints() {
                @Override
                void combine(int[] out, int[] in, int n) {
                    for (int i = 0; i < n; i++) {
                        out[i] += in[i];
                    }
                }
            };
        }
        // Selects as masks (see BitOrder); unsigned order = signed order after flipping the sign bit.
        int flip = unsigned ? Integer.MIN_VALUE : 0;
        return op == ReduceOp.MAX ? new ArrayKernels.Ints() {
            @Override
            void combine(int[] out, int[] in, int n) {
                for (int i = 0; i < n; i++) {
                    int o = out[i];
                    int x = in[i];
                    int m = BitOrder.less(o ^ flip, x ^ flip);
                    out[i] = (o & ~m) | (x & m);
                }
            }
        } : new ArrayKernels.Ints() {
            @Override
            void combine(int[] out, int[] in, int n) {
                for (int i = 0; i < n; i++) {
                    int o = out[i];
                    int x = in[i];
                    int m = BitOrder.less(x ^ flip, o ^ flip);
                    out[i] = (o & ~m) | (x & m);
                }
            }
        };
    }

    private static ReduceKernel int64(ReduceOp op, boolean unsigned) {
        if (op == ReduceOp.SUM) {
            return new ArrayKernels.Longs() {
                @Override
                void combine(long[] out, long[] in, int n) {
                    for (int i = 0; i < n; i++) {
                        out[i] += in[i];
                    }
                }
            };
        }
        long flip = unsigned ? Long.MIN_VALUE : 0;
        return op == ReduceOp.MAX ? new ArrayKernels.Longs() {
            @Override
            void combine(long[] out, long[] in, int n) {
                for (int i = 0; i < n; i++) {
                    long o = out[i];
                    long x = in[i];
                    long m = BitOrder.less(o ^ flip, x ^ flip);
                    out[i] = (o & ~m) | (x & m);
                }
            }
        } : new ArrayKernels.Longs() {
            @Override
            void combine(long[] out, long[] in, int n) {
                for (int i = 0; i < n; i++) {
                    long o = out[i];
                    long x = in[i];
                    long m = BitOrder.less(x ^ flip, o ^ flip);
                    out[i] = (o & ~m) | (x & m);
                }
            }
        };
    }

    // float16 and bfloat16: MLX converts both operands to float32, operates, and rounds back.
    // The kernels work on pairs of elements per int lane (see ArrayKernels.HalfPairs and HalfLanes);
    // one() is the scalar definition, used for odd leftovers and checked against the lanes by the tests.
    // float16 sum on JDK 25 and later: the JDK's own conversions, vectorised by C2 (Float16ConversionSum).
    private static ReduceKernel float16(ReduceOp op) {
        switch (op) {
            case SUM: return Float16ConversionSum.orPortable(new ArrayKernels.HalfPairs() {
                @Override
                void combine(int[] out, int[] in, int m, Scratch s) {
                    if (HalfLanes.float16ToFloats(in, m, s.f1, s) || HalfLanes.float16ToFloats(out, m, s.f2, s)) {
                        combineEach(out, in, m); // an infinity or NaN in this chunk
                        return;
                    }
                    HalfLanes.addFloat16(s.f2, s.f1, 2 * m);
                    HalfLanes.floatsToFloat16(s.f2, m, out, s);
                }

                @Override
                short one(short out, short in) {
                    return Float16.fromFloat(HalfTable.toFloat(out) + HalfTable.toFloat(in));
                }
            });
            case MAX: return new ArrayKernels.HalfPairs() {
                @Override
                void combine(int[] out, int[] in, int m, Scratch s) {
                    HalfLanes.selectMax(out, in, m, 0x7C000000, s);
                }

                @Override
                short one(short out, short in) {
                    return HalfTable.toFloat(out) < HalfTable.toFloat(in) ? in : out;
                }
            };
            default: return new ArrayKernels.HalfPairs() {
                @Override
                void combine(int[] out, int[] in, int m, Scratch s) {
                    HalfLanes.selectMin(out, in, m, 0x7C000000, s);
                }

                @Override
                short one(short out, short in) {
                    return HalfTable.toFloat(in) < HalfTable.toFloat(out) ? in : out;
                }
            };
        }
    }

    private static ReduceKernel bfloat16(ReduceOp op) {
        switch (op) {
            case SUM: return new ArrayKernels.HalfPairs() {
                @Override
                void combine(int[] out, int[] in, int m, Scratch s) {
                    HalfLanes.bfloat16ToFloats(in, m, s.f1, s);
                    HalfLanes.bfloat16ToFloats(out, m, s.f2, s);
                    float[] o = s.f2;
                    float[] x = s.f1;
                    for (int i = 0; i < 2 * m; i++) {
                        o[i] += x[i];
                    }
                    HalfLanes.floatsToBfloat16(o, m, out, s);
                }

                @Override
                short one(short out, short in) {
                    return BFloat16.fromFloat(BFloat16.toFloat(out) + BFloat16.toFloat(in));
                }
            };
            case MAX: return new ArrayKernels.HalfPairs() {
                @Override
                void combine(int[] out, int[] in, int m, Scratch s) {
                    HalfLanes.selectMax(out, in, m, 0x7F800000, s);
                }

                @Override
                short one(short out, short in) {
                    return BFloat16.toFloat(out) < BFloat16.toFloat(in) ? in : out;
                }
            };
            default: return new ArrayKernels.HalfPairs() {
                @Override
                void combine(int[] out, int[] in, int m, Scratch s) {
                    HalfLanes.selectMin(out, in, m, 0x7F800000, s);
                }

                @Override
                short one(short out, short in) {
                    return BFloat16.toFloat(in) < BFloat16.toFloat(out) ? in : out;
                }
            };
        }
    }

    private static ReduceKernel float32(ReduceOp op) {
        switch (op) {
            case SUM: return new ArrayKernels.Floats(1) {
                @Override
                void combine(float[] out, float[] in, int n) {
                    for (int i = 0; i < n; i++) {
                        out[i] += in[i];
                    }
                }
            };
            // max/min on the bits (see BitOrder): the same element as out < in ? in : out, vectorised.
            case MAX: return new ArrayKernels.Ints() {
                @Override
                void combine(int[] out, int[] in, int n) {
                    for (int i = 0; i < n; i++) {
                        int o = out[i];
                        int x = in[i];
                        int m = BitOrder.floatLess(o, x);
                        out[i] = (o & ~m) | (x & m);
                    }
                }
            };
            default: return new ArrayKernels.Ints() {
                @Override
                void combine(int[] out, int[] in, int n) {
                    for (int i = 0; i < n; i++) {
                        int o = out[i];
                        int x = in[i];
                        int m = BitOrder.floatLess(x, o);
                        out[i] = (o & ~m) | (x & m);
                    }
                }
            };
        }
    }

    private static ReduceKernel float64(ReduceOp op) {
        switch (op) {
            case SUM: return new ArrayKernels.Doubles() {
                @Override
                void combine(double[] out, double[] in, int n) {
                    for (int i = 0; i < n; i++) {
                        out[i] += in[i];
                    }
                }
            };
            case MAX: return new ArrayKernels.Longs() {
                @Override
                void combine(long[] out, long[] in, int n) {
                    for (int i = 0; i < n; i++) {
                        long o = out[i];
                        long x = in[i];
                        long m = BitOrder.doubleLess(o, x);
                        out[i] = (o & ~m) | (x & m);
                    }
                }
            };
            default: return new ArrayKernels.Longs() {
                @Override
                void combine(long[] out, long[] in, int n) {
                    for (int i = 0; i < n; i++) {
                        long o = out[i];
                        long x = in[i];
                        long m = BitOrder.doubleLess(x, o);
                        out[i] = (o & ~m) | (x & m);
                    }
                }
            };
        }
    }

    // complex64: lanes are (real, imag); sum adds lane-wise; max/min order (real, imag)
    // lexicographically and keep the whole chosen element.
    private static ReduceKernel complex64(ReduceOp op) {
        switch (op) {
            case SUM: return new ArrayKernels.Floats(2) {
                @Override
                void combine(float[] out, float[] in, int n) {
                    for (int i = 0; i < n; i++) {
                        out[i] += in[i];
                    }
                }
            };
            case MAX: return new ArrayKernels.Floats(2) {
                @Override
                void combine(float[] out, float[] in, int n) {
                    for (int i = 0; i < n; i += 2) {
                        if (complexLess(out[i], out[i + 1], in[i], in[i + 1])) {
                            out[i] = in[i];
                            out[i + 1] = in[i + 1];
                        }
                    }
                }
            };
            default: return new ArrayKernels.Floats(2) {
                @Override
                void combine(float[] out, float[] in, int n) {
                    for (int i = 0; i < n; i += 2) {
                        if (complexLess(in[i], in[i + 1], out[i], out[i + 1])) {
                            out[i] = in[i];
                            out[i + 1] = in[i + 1];
                        }
                    }
                }
            };
        }
    }

    /** MLX's {@code complex64_t operator<}: by real part, then by imaginary part. */
    static boolean complexLess(float aRe, float aIm, float bRe, float bIm) {
        return aRe < bRe || (aRe == bRe && aIm < bIm);
    }
}
