package org.ring4j.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code ring4j} in a separate JVM (the test class path), as a user would, with a bounded
 * wait; the process and everything it started are killed when the time is up.
 */
public final class CliProcess {
    /** What a finished run left: its exit code and output. */
    public record Result(int exitCode, String out, String err, Duration took) {
        @Override
        public String toString() {
            return "exit " + exitCode + " after " + took.toMillis() + " ms\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private CliProcess() {
    }

    /** The command that starts {@code ring4j} with {@code args}. */
    public static List<String> command(String... args) {
        List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        c.addAll(List.of(args));
        return c;
    }

    /** Starts {@code ring4j args} with extra environment variables. */
    public static Process start(Map<String, String> env, String... args) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command(args));
        pb.environment().putAll(env);
        pb.environment().put("RING4J_TTY", "0");
        return pb.start();
    }

    /** Runs {@code ring4j args} to its end, at most {@code seconds}. */
    public static Result run(int seconds, Map<String, String> env, String stdin, String... args) throws Exception {
        long t0 = System.nanoTime();
        Process p = start(env, args);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread a = copy(p.getInputStream(), out);
        Thread b = copy(p.getErrorStream(), err);
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        try {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                throw new AssertionError("ring4j " + String.join(" ", args) + " did not finish within " + seconds + " s");
            }
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        a.join(5000);
        b.join(5000);
        return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                Duration.ofNanos(System.nanoTime() - t0));
    }

    /** Runs {@code ring4j args} without extra environment or input. */
    public static Result run(int seconds, String... args) throws Exception {
        return run(seconds, Map.of(), null, args);
    }

    private static Thread copy(InputStream in, ByteArrayOutputStream to) {
        Thread t = new Thread(() -> {
            try {
                in.transferTo(to);
            } catch (IOException e) {
                // process ended
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }
}
