package org.ring4j.cli.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ring4j.DType;
import org.ring4j.Group;
import org.ring4j.ReduceOp;
import org.ring4j.cli.CliException;

/**
 * One rank's part of a benchmark. For every configuration and size:
 * <ol>
 * <li>warm-up iterations, then checked ones: each fills the input with this iteration's pattern,
 *     waits at a barrier, runs one timed operation and checks the output, filling and checking
 *     outside the timed region. These give #wrong (summed over ranks) and min/p50/max (per
 *     iteration the slowest rank's time).</li>
 * <li>the same number of iterations back to back, timed as a whole from one barrier, as nccl-tests
 *     and the Open MPI baseline time theirs: consecutive operations overlap their start and end
 *     across ranks, as they do in an application. Their mean (slowest rank) is the row's time and
 *     bandwidth. The output of the last one is checked too. In place, an all-reduce's output is
 *     the next one's input, so these run on zeros, which must stay zeros.</li>
 * </ol>
 */
final class BenchRank {
    private final Group group;
    private final BenchOptions options;
    private final Progress progress;
    private final ByteBuffer src;
    private final ByteBuffer dst;
    private final int[] barrier = new int[1];
    private final int connections;
    private boolean firstWarmUp = true;
    /** The current configuration's result check ({@link #check}). */
    private Check currentCheck;

    /** Bytes per size in the warm-up pass over the sweep: enough for C2 to see every branch. */
    private static final long WARMUP_PASS_BYTES = 64L << 20;
    /** How long the JIT must have compiled nothing before timing starts. */
    private static final long JIT_QUIET_MILLIS = 200;
    /** Longest wait for a quiet JIT. */
    private static final long JIT_QUIET_MAX_MILLIS = 3000;
    /** At most this many operations per size in the warm-up pass. */
    private static final long WARMUP_PASS_MAX_OPS = 64;
    /** Bytes per size in one round of {@link #settle}, within the bounds below. */
    private static final long SETTLE_ROUND_BYTES = 32L << 20;
    private static final long SETTLE_ROUND_MIN_OPS = 2;
    private static final long SETTLE_ROUND_MAX_OPS = 100_000;
    /** The first round's cap: its length is not known yet (1000 small operations take 10-300 ms). */
    private static final long SETTLE_FIRST_ROUND_MAX_OPS = 1000;
    /** Length of the rounds of {@link #settle} after the first. */
    private static final long SETTLE_ROUND_MILLIS = 100;
    /** Longest {@link #settle} per size. */
    private static final long SETTLE_MAX_MILLIS = 3000;

    BenchRank(Group group, int connections, BenchOptions options, Progress progress) {
        this.group = group;
        this.connections = connections;
        this.options = options;
        this.progress = progress;
        int max = (int) options.maxBytes;
        this.src = ByteBuffer.allocateDirect(Math.max(1, max)).order(ByteOrder.LITTLE_ENDIAN);
        // send-recv always needs a second buffer: a rank cannot receive into what it is sending.
        this.dst = ByteBuffer.allocateDirect(Math.max(1, max)).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Checks that every rank was started with the same options; throws naming the problem otherwise. */
    void agree() {
        long[] mine = {options.fingerprint()};
        long[] max = new long[1];
        long[] min = new long[1];
        group.allReduce(mine, max, ReduceOp.MAX);
        group.allReduce(mine, min, ReduceOp.MIN);
        if (max[0] != min[0]) {
            throw new CliException("the ranks were started with different bench options (sizes, iterations, dtypes, "
                    + "ops, collectives or --inplace); start every rank with the same options");
        }
    }

    /** Runs every configuration; rows are produced on every rank (rank 0 reports them). */
    List<Row> run(java.util.function.Consumer<Row> onRow) {
        List<Row> rows = new ArrayList<>();
        for (Collective c : options.collectiveList()) {
            for (DType dtype : options.dtypeList()) {
                List<ReduceOp> ops = c == Collective.ALL_REDUCE ? options.opList() : List.of(ReduceOp.SUM);
                for (ReduceOp op : ops) {
                    warmUp(c, dtype, op);
                    for (long size : options.sizes()) {
                        Row row = runSize(c, dtype, op, size);
                        if (row != null) {
                            rows.add(row);
                            onRow.accept(row);
                        }
                    }
                }
            }
        }
        return rows;
    }

    /**
     * Gets the JIT to compile this configuration's path before anything is timed, untimed and
     * unreported (every rank runs the same counts): many small operations (fewer after the first
     * configuration), then one short pass over
     * every size of the sweep. The pass matters: each size range takes its own branches (padding,
     * one or two sub-reduces, several packets), and a branch first taken inside a timed loop makes
     * C2 throw away its code and compile again there, on a core the ranks need. A collection at the
     * end keeps the warm-up's garbage from pausing a timed iteration.
     */
    private void warmUp(Collective c, DType dtype, ReduceOp op) {
        if (options.jitWarmup == 0) {
            return;
        }
        // C2 compiles a method after about 5000 calls (Tier4InvocationThreshold); until then the ring
        // runs C1's profiling code, several times slower per operation. Later configurations share
        // all but their kernel, which compiles after far fewer calls.
        int small = firstWarmUp ? options.jitWarmup : Math.max(1, options.jitWarmup / 10);
        firstWarmUp = false;
        measure(c, dtype, op, Math.min(options.maxBytes, 4096), small, Pass.WARM_UP);
        for (long size : options.sizes()) {
            long ops = Math.max(2, Math.min(WARMUP_PASS_MAX_OPS, WARMUP_PASS_BYTES / Math.max(1, size)));
            measure(c, dtype, op, size, (int) ops, Pass.WARM_UP);
        }
        System.gc();
        awaitQuietJit();
        barrier();
    }

    /**
     * Waits (at most {@link #JIT_QUIET_MAX_MILLIS}) until the JIT has finished no compilation for
     * {@link #JIT_QUIET_MILLIS}. Why: a C2 compilation of a new configuration's kernel can take a
     * core for tens of milliseconds; on a machine with a core per rank, a rank sharing its core
     * with it ran each small all-reduce in one scheduler tick (4 ms) instead of 13 us.
     */
    private static void awaitQuietJit() {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return;
        }
        long start = System.nanoTime();
        long quietSince = start;
        long last = jit.getTotalCompilationTime();
        while (true) {
            long now = System.nanoTime();
            if (now - quietSince >= JIT_QUIET_MILLIS * 1_000_000L || now - start >= JIT_QUIET_MAX_MILLIS * 1_000_000L) {
                return;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long t = jit.getTotalCompilationTime();
            if (t != last) {
                last = t;
                quietSince = System.nanoTime();
            }
        }
    }

    private Row runSize(Collective c, DType dtype, ReduceOp op, long size) {
        settle(c, dtype, op, size);
        return measure(c, dtype, op, size, options.warmup + options.iters, Pass.REPORT);
    }

    /**
     * Runs untimed rounds of this size until a round passes in which no rank's JIT finished a
     * compilation, or {@link #SETTLE_MAX_MILLIS} have passed (every rank decides the same, by an
     * all-reduce, so all run the same operations). Why: the warm-up pass runs each size only a few
     * times, and C2 kept compiling (and recompiling after deoptimisations) for a few hundred
     * operations of each new size, on a core the ranks need: on 2 cores, 2-rank 512 KiB all-sums
     * timed with 5 warm-up iterations averaged 280-1180 us, and 220-230 us once 1000 had run.
     * Steady state is what a training loop sees, and what JMH measures.
     */
    private void settle(Collective c, DType dtype, ReduceOp op, long size) {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        if (options.jitWarmup == 0 || jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return;
        }
        // The first round's length is a guess from the size; later rounds last about
        // SETTLE_ROUND_MILLIS on the slowest rank, long enough for a C2 compilation to finish in it.
        int ops = (int) Math.max(SETTLE_ROUND_MIN_OPS, Math.min(SETTLE_FIRST_ROUND_MAX_OPS, SETTLE_ROUND_BYTES / Math.max(1, size)));
        long deadline = System.nanoTime() + SETTLE_MAX_MILLIS * 1_000_000L;
        long[] state = new long[3];
        long[] agreed = new long[3];
        while (true) {
            long before = jit.getTotalCompilationTime();
            long t0 = System.nanoTime();
            measure(c, dtype, op, size, ops, Pass.SETTLE);
            long t1 = System.nanoTime();
            state[0] = jit.getTotalCompilationTime() != before ? 1 : 0;
            state[1] = t1 >= deadline ? 1 : 0;
            state[2] = (t1 - t0) / 2; // the round ran ops checked and ops back-to-back operations
            group.allReduce(state, agreed, ReduceOp.MAX);
            long perOp = Math.max(1, agreed[2] / ops);
            ops = (int) Math.max(SETTLE_ROUND_MIN_OPS, Math.min(SETTLE_ROUND_MAX_OPS, SETTLE_ROUND_MILLIS * 1_000_000L / perOp));
            if (agreed[0] == 0 || agreed[1] == 1) {
                return;
            }
        }
    }

    /** What {@link #measure} is for. */
    private enum Pass {
        /** Checked iterations only, unreported. */
        WARM_UP,
        /** Checked iterations and as many back-to-back ones, unreported: every path the report takes. */
        SETTLE,
        /** Everything, reported. */
        REPORT
    }

    private Row measure(Collective c, DType dtype, ReduceOp op, long size, int total, Pass pass) {
        boolean report = pass == Pass.REPORT;
        int n = group.size();
        int esize = dtype.size();
        long perRank = c == Collective.ALL_GATHER ? size / n / esize * esize : size / esize * esize;
        if (perRank == 0) {
            return null;
        }
        int inBytes = (int) perRank;
        int outBytes = c == Collective.ALL_GATHER ? inBytes * n : inBytes;
        ByteBuffer in = src.slice(0, inBytes).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = options.inPlace && c == Collective.ALL_REDUCE ? in
                : dst.slice(0, outBytes).order(ByteOrder.LITTLE_ENDIAN);
        if (options.inPlace && c == Collective.ALL_GATHER) {
            // All-gather in place: the input is this rank's block of the output, as in MPI_IN_PLACE.
            in = src.slice(group.rank() * inBytes, inBytes).order(ByteOrder.LITTLE_ENDIAN);
            out = src.slice(0, outBytes).order(ByteOrder.LITTLE_ENDIAN);
        }
        Check check = check(c, dtype, op);
        String label = c.label() + " " + dtype.label() + (c == Collective.ALL_REDUCE ? " " + op.label() : "");
        int warmup = total - options.iters;
        double[] times = new double[options.iters];
        long wrong = 0;
        for (int it = 0; it < total; it++) {
            check.fillInput(in, it);
            barrier();
            long t0 = System.nanoTime();
            execute(c, dtype, op, in, out);
            long t1 = System.nanoTime();
            wrong += check.countWrong(out, it, inBytes);
            if (it >= warmup) {
                times[it - warmup] = (t1 - t0) / 1e3;
            }
            if (report) {
                progress.iteration(label, outBytes, it + 1, total);
            }
        }
        boolean accumulates = options.inPlace && c == Collective.ALL_REDUCE;
        if (pass == Pass.WARM_UP) {
            return null;
        }
        if (pass == Pass.SETTLE) {
            if (accumulates) {
                zero(in);
            }
            backToBack(c, dtype, op, in, out, total);
            return null;
        }
        if (accumulates) {
            // In place, each all-reduce's output is the next one's input: sums would grow every
            // iteration (float16 reaches infinity within a dozen, and its kernels take a slower
            // path for infinities). Zeros stay zeros under sum, max and min, and cost the kernels
            // what any finite values cost.
            zero(in);
        }
        double backToBackUs = backToBack(c, dtype, op, in, out, options.iters);
        wrong += accumulates ? countNonZero(out, esize) : check.countWrong(out, total - 1, inBytes);
        double[] slowest = new double[times.length];
        group.allReduce(times, slowest, ReduceOp.MAX);
        long[] w = {wrong};
        long[] allWrong = new long[1];
        group.allReduce(w, allWrong, ReduceOp.SUM);
        double[] sorted = slowest.clone();
        Arrays.sort(sorted);
        double mean = backToBackUs;
        double algbw = outBytes / (mean * 1e3); // bytes per ns = GB/s
        return new Row(c.label(), dtype.label(), c == Collective.ALL_REDUCE ? op.label() : "none", n,
                connections, outBytes, perRank / esize, mean, algbw, algbw * c.busFactor(n), allWrong[0],
                sorted[0], sorted[sorted.length / 2], sorted[sorted.length - 1]);
    }

    private static void zero(ByteBuffer b) {
        for (int i = 0; i < b.limit(); i++) {
            b.put(i, (byte) 0);
        }
    }

    /** @return the elements of {@code b} that are not all zero bytes */
    private static long countNonZero(ByteBuffer b, int elementSize) {
        long n = 0;
        for (int e = 0; e + elementSize <= b.limit(); e += elementSize) {
            for (int i = e; i < e + elementSize; i++) {
                if (b.get(i) != 0) {
                    n++;
                    break;
                }
            }
        }
        return n;
    }

    /** @return the mean time of {@code iters} back-to-back operations, in us, of the slowest rank */
    private double backToBack(Collective c, DType dtype, ReduceOp op, ByteBuffer in, ByteBuffer out, int iters) {
        barrier();
        long t0 = System.nanoTime();
        for (int it = 0; it < iters; it++) {
            execute(c, dtype, op, in, out);
        }
        double[] elapsed = {(System.nanoTime() - t0) / 1e3};
        double[] slowest = new double[1];
        group.allReduce(elapsed, slowest, ReduceOp.MAX);
        return slowest[0] / iters;
    }

    private void execute(Collective c, DType dtype, ReduceOp op, ByteBuffer in, ByteBuffer out) {
        switch (c) {
            case ALL_REDUCE:
                group.allReduce(in, out, dtype, op);
                break;
            case ALL_GATHER:
                group.allGather(in, out);
                break;
            default:
                int n = group.size();
                if (n == 1) {
                    out.put(0, in, 0, in.limit());
                } else {
                    group.sendRecv(in, (group.rank() + 1) % n, out, (group.rank() + n - 1) % n);
                }
        }
    }

    /** Aligns the ranks before a timed iteration, so that its time is the operation's, not a straggler's. */
    /**
     * The result check of a configuration, built once and reused by every size and pass. Why: each
     * check holds two patterns of about 200 KB (for 4-byte elements), and building one per call
     * of {@link #measure} (the settle rounds call it many times per size) filled the young
     * generation within about a second after the warm-up's full collection. The young collection
     * that followed (3-5 ms) then fell, on one rank or the other, into a timed loop: the first
     * size of a 2-rank TCP run averaged 35-92 us instead of 10-15 in 2 to 5 runs of 10.
     */
    private Check check(Collective c, DType dtype, ReduceOp op) {
        Check k = currentCheck;
        if (k == null || k.collective != c || k.dtype != dtype || k.op != op) {
            k = new Check(c, dtype, op, group.rank(), group.size());
            currentCheck = k;
        }
        return k;
    }

    private void barrier() {
        group.allReduce(barrier, barrier, ReduceOp.MAX);
    }

    /** Inputs and expected outputs of one configuration on one rank. */
    private static final class Check {
        private final Collective collective;
        private final DType dtype;
        private final ReduceOp op;
        private final Pattern input;
        private final Pattern expected;
        private final Pattern[] ranks;
        private final int left;

        Check(Collective c, DType dtype, ReduceOp op, int rank, int n) {
            this.collective = c;
            this.dtype = dtype;
            this.op = op;
            this.left = (rank + n - 1) % n;
            if (c == Collective.ALL_REDUCE) {
                input = new Pattern(dtype.size(), k -> Values.encode(dtype, Values.value(dtype, (k + rank) % Pattern.PERIOD)));
                expected = new Pattern(dtype.size(), k -> Values.encode(dtype, Values.expected(dtype, op, n, k)));
                ranks = null;
            } else {
                ranks = new Pattern[n];
                for (int r = 0; r < n; r++) {
                    int rr = r;
                    ranks[r] = new Pattern(1, k -> new byte[] {Values.rawByte(rr, k)});
                }
                input = ranks[rank];
                expected = null;
            }
        }

        void fillInput(ByteBuffer in, int iteration) {
            input.fill(in, 0, in.limit(), iteration);
        }

        long countWrong(ByteBuffer out, int iteration, int perRank) {
            switch (collective) {
                case ALL_REDUCE:
                    return expected.countWrong(out, 0, perRank, iteration);
                case ALL_GATHER:
                    long w = 0;
                    for (int r = 0; r < ranks.length; r++) {
                        w += ranks[r].countWrong(out, r * perRank, perRank, iteration);
                    }
                    return w;
                default:
                    return ranks[ranks.length == 1 ? 0 : left].countWrong(out, 0, perRank, iteration);
            }
        }
    }
}
