package org.ring4j.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.ring4j.DType;
import org.ring4j.ReduceOp;
import org.ring4j.kernel.BFloat16;
import org.ring4j.kernel.Float16;
import org.ring4j.kernel.Kernels;
import org.ring4j.kernel.ReduceKernel;

/**
 * Bandwidth of the reduction kernels against plain memory copies of the same size.
 *
 * <p>Every benchmark moves {@value #BYTES} bytes (8 MiB) per operation, so GB/s = ops/s x 8 MiB and
 * the ratio of two benchmarks' ops/s is the ratio of their bandwidths. {@code reduce} runs
 * {@code dst = op(dst, src)} on direct little-endian buffers, as the collectives call it;
 * {@code copyArray} is {@code System.arraycopy} of a {@code byte[]} and {@code copyBuffer} a bulk
 * {@code ByteBuffer.put} between two direct buffers: the baselines a kernel is compared with.
 *
 * <p>Before each call the destination is rewritten from a pristine copy, untimed: every reduce sees
 * the same random operands (sums do not drift to infinity, max/min do not converge to always
 * keeping one side), and the copies start from the same cache state as the reduces.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class KernelBenchmark {
    /** Bytes per operation: 8 MiB. */
    public static final int BYTES = 8 << 20;

    /** Operands of one kernel. */
    @State(Scope.Thread)
    public static class Reduce {
        @Param({"float32", "float64", "int32", "bfloat16", "float16"})
        public String dtype;

        @Param({"sum", "max", "min"})
        public String op;

        ReduceKernel kernel;
        int count;
        ByteBuffer src;
        ByteBuffer dst;
        ByteBuffer original;

        @Setup(Level.Trial)
        public void setUp() {
            DType t = DType.parse(dtype);
            kernel = Kernels.of(t, ReduceOp.parse(op));
            count = BYTES / t.size();
            src = direct();
            dst = direct();
            original = direct();
            fill(src, t, new SplittableRandom(1));
            fill(original, t, new SplittableRandom(2));
            dst.put(0, original, 0, BYTES);
        }

        /** Restores the local operand; JMH does not time it. */
        @Setup(Level.Invocation)
        public void restore() {
            dst.put(0, original, 0, BYTES);
        }
    }

    /** Source and destination of the {@code byte[]} copy baseline. */
    @State(Scope.Thread)
    public static class Arrays {
        byte[] src;
        byte[] dst;
        byte[] original;

        @Setup(Level.Trial)
        public void setUp() {
            src = new byte[BYTES];
            dst = new byte[BYTES];
            original = new byte[BYTES];
            new SplittableRandom(3).nextBytes(src);
            new SplittableRandom(4).nextBytes(original);
        }

        /** Rewrites the destination as {@link Reduce#restore} does, so both start from the same cache state. */
        @Setup(Level.Invocation)
        public void restore() {
            System.arraycopy(original, 0, dst, 0, BYTES);
        }
    }

    /** Source and destination of the direct-buffer copy baseline. */
    @State(Scope.Thread)
    public static class Buffers {
        ByteBuffer src;
        ByteBuffer dst;
        ByteBuffer original;

        @Setup(Level.Trial)
        public void setUp() {
            src = direct();
            dst = direct();
            original = direct();
            byte[] bytes = new byte[BYTES];
            new SplittableRandom(3).nextBytes(bytes);
            src.put(0, bytes);
            new SplittableRandom(4).nextBytes(bytes);
            original.put(0, bytes);
        }

        @Setup(Level.Invocation)
        public void restore() {
            dst.put(0, original, 0, BYTES);
        }
    }

    @Benchmark
    public void reduce(Reduce s, Blackhole bh) {
        s.kernel.reduce(s.src, 0, s.dst, 0, s.count);
        bh.consume(s.dst);
    }

    @Benchmark
    public void copyArray(Arrays c, Blackhole bh) {
        System.arraycopy(c.src, 0, c.dst, 0, BYTES);
        bh.consume(c.dst);
    }

    @Benchmark
    public void copyBuffer(Buffers c, Blackhole bh) {
        c.dst.put(0, c.src, 0, BYTES);
        bh.consume(c.dst);
    }

    static ByteBuffer direct() {
        return ByteBuffer.allocateDirect(BYTES).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Random finite values of moderate size (no NaN, no overflow in a sum). */
    static void fill(ByteBuffer b, DType t, SplittableRandom r) {
        int n = BYTES / t.size();
        for (int i = 0; i < n; i++) {
            float f = (float) ((r.nextDouble() * 2 - 1) * 1000);
            switch (t) {
                case FLOAT32: b.putFloat(4 * i, f); break;
                case FLOAT64: b.putDouble(8 * i, (r.nextDouble() * 2 - 1) * 1000); break;
                case INT32: b.putInt(4 * i, r.nextInt()); break;
                case BFLOAT16: b.putShort(2 * i, BFloat16.fromFloat(f)); break;
                case FLOAT16: b.putShort(2 * i, Float16.fromFloat(f)); break;
                default: throw new IllegalArgumentException("no data for " + t);
            }
        }
    }
}
