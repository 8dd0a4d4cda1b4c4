package org.ring4j.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts {@link RankMain} in separate JVMs and collects their output, with the time each line
 * arrived; always cleans up. Ranks start together, or one by one with {@link #prepare} and
 * {@link #start(int)}. {@link #javaCommand} gives the command line of such a JVM to other tests.
 */
final class ProcessRing implements AutoCloseable {
    /** A line of a rank's output and when it arrived ({@link System#nanoTime()}). */
    record Line(long nanos, String text) {
    }

    final List<Process> processes = new ArrayList<>();
    final List<List<Line>> output = new ArrayList<>();
    private final java.util.function.IntFunction<List<String>> prefix;
    private final String scenario;
    private final Path hostfile;
    private final Map<Integer, Map<String, String>> envPerRank;
    private final String[] extra;

    ProcessRing(String scenario, Path hostfile, int n, Map<Integer, Map<String, String>> envPerRank, String... extra)
            throws IOException {
        this(r -> List.of(), scenario, hostfile, n, envPerRank, extra);
    }

    /** @param prefix per rank, a command prefix such as {@code ip netns exec NS} */
    ProcessRing(java.util.function.IntFunction<List<String>> prefix, String scenario, Path hostfile, int n,
            Map<Integer, Map<String, String>> envPerRank, String... extra) throws IOException {
        this(prefix, scenario, hostfile, n, envPerRank, extra, true);
    }

    private ProcessRing(java.util.function.IntFunction<List<String>> prefix, String scenario, Path hostfile, int n,
            Map<Integer, Map<String, String>> envPerRank, String[] extra, boolean startAll) throws IOException {
        this.prefix = prefix;
        this.scenario = scenario;
        this.hostfile = hostfile;
        this.envPerRank = envPerRank;
        this.extra = extra.clone();
        for (int r = 0; r < n; r++) {
            processes.add(null);
            output.add(Collections.synchronizedList(new ArrayList<>()));
        }
        if (startAll) {
            try {
                for (int r = 0; r < n; r++) {
                    start(r);
                }
            } catch (IOException | RuntimeException e) {
                close();
                throw e;
            }
        }
    }

    /** @return a ring of {@code n} ranks none of which runs yet: start each with {@link #start(int)} */
    static ProcessRing prepare(String scenario, Path hostfile, int n, Map<Integer, Map<String, String>> envPerRank,
            String... extra) throws IOException {
        return new ProcessRing(r -> List.of(), scenario, hostfile, n, envPerRank, extra, false);
    }

    /** Starts rank {@code r}'s JVM. */
    void start(int r) throws IOException {
        if (processes.get(r) != null) {
            throw new IllegalStateException("rank " + r + " already started");
        }
        List<String> cmd = new ArrayList<>(prefix.apply(r));
        cmd.addAll(javaCommand(RankMain.class, scenario, hostfile.toString(), Integer.toString(r)));
        Collections.addAll(cmd, extra);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("RING4J_") || k.startsWith("MLX_"));
        pb.environment().putAll(envPerRank.getOrDefault(r, Map.of()));
        Process p = pb.start();
        processes.set(r, p);
        List<Line> lines = output.get(r);
        Thread t = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(new Line(System.nanoTime(), line));
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "rank-output-" + r);
        t.setDaemon(true);
        t.start();
    }

    /**
     * @return the command line that runs {@code main} with {@code args} in a new JVM: this JVM's
     *     {@code java}, the test class path, a small heap and the serial collector (many such JVMs
     *     share a few cores)
     */
    static List<String> javaCommand(Class<?> main, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), main.getName()));
        Collections.addAll(cmd, args);
        return cmd;
    }

    /** Waits until rank {@code r} printed a line starting with {@code prefix}; false after {@code seconds}. */
    boolean awaitLine(int r, String prefix, int seconds) throws InterruptedException {
        return awaitLineContaining(r, prefix, seconds, true);
    }

    /** Waits until rank {@code r} printed a line containing {@code text}; false after {@code seconds}. */
    boolean awaitLineContaining(int r, String text, int seconds) throws InterruptedException {
        return awaitLineContaining(r, text, seconds, false);
    }

    private boolean awaitLineContaining(int r, String text, int seconds, boolean atStart) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (find(r, text, atStart) != null) {
                return true;
            }
            Process p = processes.get(r);
            if (p != null && !p.isAlive()) {
                // Let the reader thread drain what the process printed before it ended.
                Thread.sleep(200);
                return find(r, text, atStart) != null;
            }
            Thread.sleep(20);
        }
        return false;
    }

    private Line find(int r, String text, boolean atStart) {
        synchronized (output.get(r)) {
            for (Line l : output.get(r)) {
                if (atStart ? l.text().startsWith(text) : l.text().contains(text)) {
                    return l;
                }
            }
        }
        return null;
    }

    boolean hasLine(int r, String prefix) {
        return find(r, prefix, true) != null;
    }

    /** @return rank {@code r}'s first line starting with {@code prefix}, or null */
    String line(int r, String prefix) {
        Line l = find(r, prefix, true);
        return l == null ? null : l.text();
    }

    /** @return rank {@code r}'s first line containing {@code text}, or null */
    String lineContaining(int r, String text) {
        Line l = find(r, text, false);
        return l == null ? null : l.text();
    }

    /** @return when rank {@code r}'s first line starting with {@code prefix} arrived ({@link System#nanoTime()}), or -1 */
    long lineNanos(int r, String prefix) {
        Line l = find(r, prefix, true);
        return l == null ? -1 : l.nanos();
    }

    /** Waits for rank {@code r} to exit; returns its exit code, or -1 if it is still running after {@code seconds}. */
    int awaitExit(int r, int seconds) throws InterruptedException {
        Process p = processes.get(r);
        return p.waitFor(seconds, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    String dump() {
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < output.size(); r++) {
            synchronized (output.get(r)) {
                for (Line l : output.get(r)) {
                    sb.append('[').append(r).append("] ").append(l.text()).append('\n');
                }
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        for (Process p : processes) {
            if (p != null) {
                p.destroyForcibly();
            }
        }
        for (Process p : processes) {
            if (p == null) {
                continue;
            }
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
