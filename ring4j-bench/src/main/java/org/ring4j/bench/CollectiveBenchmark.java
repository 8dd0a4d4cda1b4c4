package org.ring4j.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.ring4j.DType;
import org.ring4j.Group;
import org.ring4j.Ring;
import org.ring4j.RingOptions;
import org.ring4j.config.Hostfile;
import org.ring4j.config.LocalHostfiles;

/**
 * All-reduce (sum) of 1 MiB of float32 over an in-process ring on loopback, ranks as threads.
 *
 * <p>The benchmark thread is rank 0; ranks 1..n-1 run the same operation in a loop on background
 * threads, in lock step with it because a ring all-reduce cannot finish on one rank before every
 * rank has joined it. At the end of the trial rank 0 publishes how many operations it did plus one
 * and runs that last one; each background rank stops exactly there (it can be at most one operation
 * ahead of rank 0), so no rank is left waiting. Everything is bounded by the ring's operation
 * timeout and by joins with a time limit.
 *
 * <p>Its main use is {@code -prof gc}: JMH's {@code gc.alloc.rate.norm} counts the allocations of
 * every thread of the JVM (background ranks included) per operation of rank 0, and must be about
 * zero after warm-up.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class CollectiveBenchmark {
    /** float32 elements per operation: 1 MiB. */
    public static final int FLOATS = 1 << 18;

    /** The ring, rank 0's data, and the background ranks. */
    @State(Scope.Thread)
    public static class RingState {
        @Param({"2", "4"})
        public int ranks;

        /** {@code buffer}: direct little-endian ByteBuffers; {@code array}: float[]. */
        @Param({"buffer", "array"})
        public String input;

        /**
         * How long an idle rank spins before it parks in its selector (RING4J_SPIN); {@code -p spin=0}
         * parks at once, which exercises the parking path on every wait.
         */
        @Param({"50us"})
        public String spin;

        private Group[] groups;
        private Rank[] members;
        private final List<Thread> background = new ArrayList<>();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        /** Operations every rank runs in all; lowered from "unbounded" at the end of the trial. */
        private volatile long total = Long.MAX_VALUE;
        private long done;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            Hostfile hostfile = LocalHostfiles.loopback(ranks, 1);
            RingOptions options = RingOptions.builder()
                    .operationTimeout(Duration.ofSeconds(60))
                    .spin(RingOptions.parseDuration("spin", spin))
                    .build();
            ExecutorService pool = Executors.newFixedThreadPool(ranks);
            try {
                List<Future<Group>> futures = new ArrayList<>();
                for (int r = 0; r < ranks; r++) {
                    int rank = r;
                    futures.add(pool.submit(() -> Ring.connect(hostfile, rank, options)));
                }
                groups = new Group[ranks];
                for (int r = 0; r < ranks; r++) {
                    groups[r] = futures.get(r).get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            boolean buffers = switch (input) {
                case "buffer" -> true;
                case "array" -> false;
                default -> throw new IllegalArgumentException("input must be buffer or array, not " + input);
            };
            members = new Rank[ranks];
            for (int r = 0; r < ranks; r++) {
                members[r] = new Rank(groups[r], buffers);
            }
            for (int r = 1; r < ranks; r++) {
                Rank m = members[r];
                Thread t = new Thread(() -> {
                    try {
                        for (long i = 0; i < total; i++) {
                            m.allSum();
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }, "bench-rank-" + r);
                t.setDaemon(true);
                t.start();
                background.add(t);
            }
        }

        /** One all-reduce on rank 0. */
        void allSum() {
            members[0].allSum();
            done++;
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            try {
                if (failure.get() == null) {
                    total = done + 1;
                    members[0].allSum();
                }
                for (Thread t : background) {
                    t.join(30_000);
                    if (t.isAlive()) {
                        throw new IllegalStateException(t.getName() + " did not stop");
                    }
                }
                Throwable f = failure.get();
                if (f != null) {
                    throw new IllegalStateException("a background rank failed", f);
                }
                members[0].check(ranks);
            } finally {
                for (Group g : groups) {
                    g.close();
                }
            }
        }
    }

    /** One rank's input and output. */
    static final class Rank {
        private final Group group;
        private final boolean buffers;
        private final ByteBuffer srcBuffer;
        private final ByteBuffer dstBuffer;
        private final float[] srcArray;
        private final float[] dstArray;

        Rank(Group group, boolean buffers) {
            this.group = group;
            this.buffers = buffers;
            srcArray = new float[FLOATS];
            dstArray = new float[FLOATS];
            srcBuffer = ByteBuffer.allocateDirect(4 * FLOATS).order(ByteOrder.LITTLE_ENDIAN);
            dstBuffer = ByteBuffer.allocateDirect(4 * FLOATS).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < FLOATS; i++) {
                // Small integers: every sum is exact, so the result can be checked.
                float v = (i % 7) + group.rank();
                srcArray[i] = v;
                srcBuffer.putFloat(4 * i, v);
            }
        }

        /** src stays the same, so dst is the same after every operation. */
        void allSum() {
            if (buffers) {
                group.allSum(srcBuffer, dstBuffer, DType.FLOAT32);
            } else {
                group.allSum(srcArray, dstArray);
            }
        }

        /** Checks the last result: sum over ranks of (i % 7 + rank). */
        void check(int n) {
            for (int i = 0; i < FLOATS; i++) {
                float expected = n * (i % 7) + n * (n - 1) / 2f;
                float got = buffers ? dstBuffer.getFloat(4 * i) : dstArray[i];
                if (got != expected) {
                    throw new IllegalStateException("element " + i + " is " + got + ", expected " + expected);
                }
            }
        }
    }

    @Benchmark
    public void allSum(RingState s) {
        s.allSum();
    }
}
