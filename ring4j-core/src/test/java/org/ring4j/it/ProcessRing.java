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
 * Starts {@link RankMain} in separate JVMs and collects their output; always cleans up.
 * {@link #javaCommand} gives the command line of such a JVM to other multi-process tests.
 */
final class ProcessRing implements AutoCloseable {
    final List<Process> processes = new ArrayList<>();
    final List<List<String>> output = new ArrayList<>();

    ProcessRing(String scenario, Path hostfile, int n, Map<Integer, Map<String, String>> envPerRank, String... extra)
            throws IOException {
        this(r -> List.of(), scenario, hostfile, n, envPerRank, extra);
    }

    /** @param prefix per rank, a command prefix such as {@code ip netns exec NS} */
    ProcessRing(java.util.function.IntFunction<List<String>> prefix, String scenario, Path hostfile, int n,
            Map<Integer, Map<String, String>> envPerRank, String... extra) throws IOException {
        for (int r = 0; r < n; r++) {
            List<String> cmd = new ArrayList<>(prefix.apply(r));
            cmd.addAll(javaCommand(RankMain.class, scenario, hostfile.toString(), Integer.toString(r)));
            Collections.addAll(cmd, extra);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().keySet().removeIf(k -> k.startsWith("RING4J_") || k.startsWith("MLX_"));
            pb.environment().putAll(envPerRank.getOrDefault(r, Map.of()));
            Process p = pb.start();
            processes.add(p);
            List<String> lines = Collections.synchronizedList(new ArrayList<>());
            output.add(lines);
            Thread t = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            }, "rank-output-" + r);
            t.setDaemon(true);
            t.start();
        }
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
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            synchronized (output.get(r)) {
                for (String l : output.get(r)) {
                    if (l.startsWith(prefix)) {
                        return true;
                    }
                }
            }
            if (!processes.get(r).isAlive() && !hasLine(r, prefix)) {
                return false;
            }
            Thread.sleep(20);
        }
        return false;
    }

    boolean hasLine(int r, String prefix) {
        synchronized (output.get(r)) {
            return output.get(r).stream().anyMatch(l -> l.startsWith(prefix));
        }
    }

    String line(int r, String prefix) {
        synchronized (output.get(r)) {
            return output.get(r).stream().filter(l -> l.startsWith(prefix)).findFirst().orElse(null);
        }
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
                for (String l : output.get(r)) {
                    sb.append('[').append(r).append("] ").append(l).append('\n');
                }
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
