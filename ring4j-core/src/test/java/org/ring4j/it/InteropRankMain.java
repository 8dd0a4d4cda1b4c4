package org.ring4j.it;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.ring4j.Group;
import org.ring4j.Protocol;
import org.ring4j.Ring;
import org.ring4j.RingOptions;
import org.ring4j.it.InteropScenario.Case;

/**
 * One ring4j rank of the "interop" scenario: the Java twin of {@code mlx_ring_peer interop}
 * ({@code interop/mlx-ring-peer/main.cpp}). It joins the ring named by {@code MLX_HOSTFILE} and
 * {@code MLX_RANK} with {@link Ring#connect(Path, int, RingOptions)} and {@link Protocol#MLX}, so that
 * it can share the ring with MLX ranks, runs every case of {@link InteropScenario#cases(int)} in
 * order and prints, like the peer,
 * <pre>
 * CASE &lt;name&gt; &lt;fnv1a64 of the output, 16 hex digits&gt;     (one per case, flushed as it goes)
 * DIGEST &lt;fnv1a64 of all CASE lines&gt;
 * </pre>
 * Exit status: 0 when all cases ran, 1 on any error (the message goes to stderr), 2 on bad usage.
 */
public final class InteropRankMain {
    private InteropRankMain() {
    }

    /** {@code InteropRankMain interop} */
    public static void main(String[] args) {
        if (args.length != 1 || !"interop".equals(args[0])) {
            System.err.println("usage: InteropRankMain interop   (with MLX_HOSTFILE and MLX_RANK set)");
            System.exit(2);
        }
        exitWithParent();
        try {
            runInterop(System.out);
        } catch (Throwable t) {
            System.err.println("[java] error: " + t);
            t.printStackTrace(System.err);
            System.out.flush();
            System.exit(1);
        }
        System.exit(0);
    }

    /** Halts when the process that started this one ends, so a killed test run leaves no rank behind. */
    private static void exitWithParent() {
        ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> {
            System.err.println("[java] parent process " + p.pid() + " ended; exiting");
            Runtime.getRuntime().halt(3);
        }));
    }

    /**
     * The options of an interop rank: the MLX protocol; a collective that waits 30 s for a peer
     * fails with a message instead of hanging until the harness kills the ring; set-up progress on
     * stderr (the harness waits for "accepting"); and connects retried after 50 ms, 100 ms, ... (a
     * C++ rank opens its listeners one after the other, so with 2 connections the second is often
     * not open yet; MLX's own 1 s wait only slows the test down; it changes nothing on the wire).
     */
    private static RingOptions options() {
        return RingOptions.builder()
                .protocol(Protocol.MLX)
                .operationTimeout(Duration.ofSeconds(30))
                .verbose(true)
                .connectRetryBase(Duration.ofMillis(50))
                .connectAttempts(9)
                .build();
    }

    private static void runInterop(PrintStream out) {
        Path hostfile = Path.of(System.getenv("MLX_HOSTFILE"));
        int rank = Integer.parseInt(System.getenv("MLX_RANK"));
        try (Group g = Ring.connect(hostfile, rank, options())) {
            int n = g.size();
            System.err.println("[java] rank " + rank + " of " + n + " connected, protocol " + g.protocol());
            long t0 = System.nanoTime();
            List<Case> cases = InteropScenario.cases(n);
            int maxIn = 1;
            int maxOut = 1;
            for (Case c : cases) {
                maxIn = Math.max(maxIn, c.inputBytes());
                maxOut = Math.max(maxOut, c.kind() == InteropScenario.Kind.GATHER ? n * c.count() : c.inputBytes());
            }
            // Direct buffers (used in place) for most cases; heap ones (staged through ring4j's own
            // buffers) for all_min and send_left, so both of ring4j's paths meet the C++ ranks. The C++
            // side has no such distinction: the bytes on the wire must not change.
            ByteBuffer in = ByteBuffer.allocateDirect(maxIn).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer res = ByteBuffer.allocateDirect(maxOut).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer heapIn = ByteBuffer.allocate(maxIn).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer heapRes = ByteBuffer.allocate(maxOut).order(ByteOrder.LITTLE_ENDIAN);
            long digest = InteropScenario.FNV_OFFSET;
            for (Case c : cases) {
                boolean heap = c.op() == org.ring4j.ReduceOp.MIN || c.kind() == InteropScenario.Kind.SEND_LEFT;
                ByteBuffer output = heap ? run(g, c, heapIn, heapRes) : run(g, c, in, res);
                String line = InteropScenario.caseLine(c.name(),
                        InteropScenario.fnv1a(output, output.limit(), InteropScenario.FNV_OFFSET));
                digest = InteropScenario.fnv1a(line.getBytes(StandardCharsets.US_ASCII), digest);
                out.print(line);
                out.flush();
            }
            out.println("DIGEST " + InteropScenario.hex64(digest));
            out.flush();
            System.err.println("[java] rank " + rank + " done in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        }
    }

    /** Runs one case; returns the buffer holding its output, with the output's length as limit. */
    private static ByteBuffer run(Group g, Case c, ByteBuffer in, ByteBuffer res) {
        int rank = g.rank();
        int n = g.size();
        int bytes = c.inputBytes();
        in.clear().limit(bytes);
        switch (c.kind()) {
            case REDUCE:
                InteropScenario.fillInput(in, c, rank);
                if (c.op() == org.ring4j.ReduceOp.MAX) {
                    // max runs in place, sum and min out of place, as in the peer
                    g.allReduce(in, in, c.dtype(), c.op());
                    return in;
                }
                res.clear().limit(bytes);
                g.allReduce(in, res, c.dtype(), c.op());
                return res;
            case GATHER:
                InteropScenario.fillInput(in, c, rank);
                res.clear().limit(n * bytes);
                g.allGather(in, res);
                return res;
            case SEND_RIGHT:
            case SEND_LEFT: {
                // The relay: rank 0 sends its bytes one way round, the others pass on what they get.
                int right = (rank + 1) % n;
                int left = (rank + n - 1) % n;
                int to = c.kind() == InteropScenario.Kind.SEND_RIGHT ? right : left;
                int from = c.kind() == InteropScenario.Kind.SEND_RIGHT ? left : right;
                res.clear().limit(bytes);
                if (rank == 0) {
                    InteropScenario.fillInput(in, c, 0);
                    g.send(in, to);
                    g.recv(res, from);
                } else {
                    g.recv(res, from);
                    g.send(res, to);
                }
                return res;
            }
            default:
                throw new IllegalStateException("unknown case kind " + c.kind());
        }
    }
}
