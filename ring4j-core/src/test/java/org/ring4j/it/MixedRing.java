package org.ring4j.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ring4j.config.LocalHostfiles;

/**
 * Runs one ring whose ranks are separate processes, each either the C++ MLX ring peer
 * ({@code mlx_ring_peer interop}) or a ring4j JVM ({@link InteropRankMain}), over a loopback
 * hostfile, and collects what each printed.
 *
 * <p>Every process is bounded: when one fails, the others are killed at once (they would wait for
 * it forever: MLX has no timeouts), and when the time limit passes, all are killed. Nothing
 * survives {@link #run}. Each rank's stdout and stderr go to files in the work directory.
 */
final class MixedRing {
    /** What runs a rank. */
    enum Impl {
        CPP, JAVA;

        String label() {
            return this == CPP ? "c++" : "java";
        }
    }

    /** What one rank printed. */
    record RankResult(int rank, Impl impl, Integer exitStatus, boolean killed, String digest,
            Map<String, String> cases, String stderr) {
        /** @return a one-line account for failure messages */
        String describe() {
            return "rank " + rank + " (" + impl.label() + "): "
                    + (killed ? "killed" : "exit " + exitStatus) + ", " + cases.size() + " cases"
                    + (digest == null ? ", no DIGEST" : ", DIGEST " + digest);
        }
    }

    /** The outcome of one ring. */
    record Result(int n, int k, List<RankResult> ranks, String timedOut, long millis) {
        /** @return true when every rank exited 0 and printed a digest */
        boolean completed() {
            return ranks.stream().allMatch(r -> !r.killed() && r.exitStatus() != null && r.exitStatus() == 0
                    && r.digest() != null);
        }

        /** @return every rank's account plus the tail of its stderr, for failure messages */
        String report() {
            StringBuilder sb = new StringBuilder("ring of " + n + " ranks, " + k + " connection(s) each, "
                    + millis + " ms" + (timedOut == null ? "" : ", " + timedOut) + ":\n");
            for (RankResult r : ranks) {
                sb.append("  ").append(r.describe()).append('\n');
                String tail = tail(r.stderr(), 1500);
                if (!tail.isBlank()) {
                    sb.append("    stderr: ").append(tail.replace("\n", "\n            ")).append('\n');
                }
            }
            return sb.toString();
        }
    }

    /** Processes of rings still running, killed by a shutdown hook if this JVM exits under them. */
    private static final java.util.Set<Process> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(p -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }), "mixed-ring-reaper"));
    }

    private MixedRing() {
    }

    /**
     * Runs {@code impls.size()} ranks, rank {@code r} implemented by {@code impls.get(r)}, with
     * {@code k} connections between neighbours.
     *
     * @param peer the built {@code mlx_ring_peer}
     * @param workDir where the hostfile and each rank's output go
     * @param limit the most the whole ring may take
     * @param cppEnv extra environment for the C++ ranks (e.g. MLX_PEER_SELFCHECK)
     * @return what each rank printed; every process has ended
     */
    static Result run(List<Impl> impls, int k, Path peer, Path workDir, Duration limit, Map<String, String> cppEnv)
            throws IOException, InterruptedException {
        int n = impls.size();
        Files.createDirectories(workDir);
        Path hostfile = workDir.resolve("hosts.json");
        LocalHostfiles.loopback(n, k).write(hostfile); // IPv4 literals: the seed opens AF_INET sockets only

        Process[] procs = new Process[n];
        boolean[] killed = new boolean[n];
        long t0 = System.nanoTime();
        long deadline = t0 + limit.toNanos();
        String timedOut = null;
        try {
            // In MLX's set-up every rank but the last accepts first, and the last connects first, to
            // rank 0; a connect that finds no listener is retried after 1, 2, 4 and 8 s. So the last
            // rank starts once the others listen (a JVM takes a while to get there), and no
            // connect of the chain that follows finds a closed port (except MLX's own: a C++ rank
            // opens its k listeners one after the other).
            for (int r = 0; r < n - 1; r++) {
                procs[r] = start(impls.get(r), r, peer, workDir, hostfile, cppEnv);
            }
            awaitAccepting(procs, workDir, deadline);
            procs[n - 1] = start(impls.get(n - 1), n - 1, peer, workDir, hostfile, cppEnv);
            // Wait for all; stop everyone as soon as one fails or the limit passes.
            while (true) {
                boolean running = false;
                boolean failed = false;
                for (Process p : procs) {
                    if (p.isAlive()) {
                        running = true;
                    } else if (p.exitValue() != 0) {
                        failed = true;
                    }
                }
                if (!running) {
                    break;
                }
                if (failed || System.nanoTime() > deadline) {
                    if (!failed) {
                        timedOut = "timed out after " + limit.toSeconds() + " s";
                    }
                    // Give the others a moment to report their own error first.
                    Thread.sleep(failed ? 1000 : 0);
                    for (int r = 0; r < n; r++) {
                        if (procs[r].isAlive()) {
                            killed[r] = true;
                            kill(procs[r]);
                        }
                    }
                    break;
                }
                Thread.sleep(50);
            }
        } finally {
            for (Process p : procs) {
                if (p != null) {
                    if (p.isAlive()) {
                        kill(p);
                    }
                    LIVE.remove(p);
                }
            }
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        List<RankResult> ranks = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            Integer status = procs[r].isAlive() ? null : procs[r].exitValue();
            ranks.add(parse(r, impls.get(r), status, killed[r],
                    Files.readString(workDir.resolve("rank" + r + ".out"), StandardCharsets.UTF_8),
                    Files.readString(workDir.resolve("rank" + r + ".err"), StandardCharsets.UTF_8)));
        }
        return new Result(n, k, ranks, timedOut, millis);
    }

    /** Starts rank {@code r}, verbose so that its stderr tells when it listens. */
    private static Process start(Impl impl, int r, Path peer, Path workDir, Path hostfile, Map<String, String> cppEnv)
            throws IOException {
        List<String> cmd = impl == Impl.CPP ? List.of(peer.toString(), "interop")
                : ProcessRing.javaCommand(InteropRankMain.class, "interop");
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(workDir.toFile())
                .redirectOutput(workDir.resolve("rank" + r + ".out").toFile())
                .redirectError(workDir.resolve("rank" + r + ".err").toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(key -> key.startsWith("RING4J_") || key.startsWith("MLX_"));
        env.put("MLX_HOSTFILE", hostfile.toString());
        env.put("MLX_RANK", Integer.toString(r));
        if (impl == Impl.CPP) { // InteropRankMain.options() sets up the Java ranks
            env.put("MLX_RING_VERBOSE", "1");
            // Wait in poll() instead of spinning when a socket has nothing to do (see ring.cpp): on
            // a 2-core machine spinning ranks would starve the others several times over.
            env.put("MLX_PEER_NO_SPIN", "1");
            env.putAll(cppEnv);
        }
        Process p = pb.start();
        LIVE.add(p);
        return p;
    }

    /**
     * Waits until every started rank has said that it accepts connections ({@code [ring] Rank r
     * accepting}, {@code [ring4j] rank r accepting ...}) or has exited, or until {@code deadline}.
     */
    private static void awaitAccepting(Process[] procs, Path workDir, long deadline)
            throws IOException, InterruptedException {
        for (int r = 0; r < procs.length && procs[r] != null; r++) {
            Path err = workDir.resolve("rank" + r + ".err");
            while (procs[r].isAlive() && System.nanoTime() < deadline
                    && !Files.readString(err, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT).contains(" accepting")) {
                Thread.sleep(10);
            }
        }
    }

    private static void kill(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    private static RankResult parse(int rank, Impl impl, Integer status, boolean killed, String out, String err) {
        Map<String, String> cases = new LinkedHashMap<>();
        String digest = null;
        for (String line : out.split("\n")) {
            String[] f = line.strip().split(" ");
            if (f.length == 3 && f[0].equals("CASE")) {
                cases.put(f[1], f[2]);
            } else if (f.length == 2 && f[0].equals("DIGEST")) {
                digest = f[1];
            }
        }
        return new RankResult(rank, impl, status, killed, digest, cases, err);
    }

    static String tail(String s, int max) {
        String t = s.strip();
        return t.length() <= max ? t : "..." + t.substring(t.length() - max);
    }
}
