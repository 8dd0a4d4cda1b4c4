package org.ring4j.cli.launch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The ranks of one run as child processes: starts them, copies their output to this process's
 * (prefixed with the rank), forwards standard input to all of them, and watches them. When one
 * rank fails (a non-zero exit or a signal), the others are stopped (SIGTERM, then SIGKILL after a
 * grace period, including everything they started) and the failure is reported, like
 * {@code mpirun}. A shutdown hook does the same when this process is told to stop (Ctrl-C,
 * SIGTERM), so that no rank outlives the launcher.
 */
public final class RankProcesses implements AutoCloseable {
    /** How long stopped ranks get to exit on SIGTERM before they are killed. */
    public static final Duration GRACE = Duration.ofSeconds(3);

    private final List<RankCommand> commands;
    private final List<Process> processes = new ArrayList<>();
    private final List<Thread> pumps = new ArrayList<>();
    private final RemotePids remotePids = new RemotePids();
    private final PrintStream out;
    private final PrintStream err;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final Thread shutdownHook;

    private RankProcesses(List<RankCommand> commands, PrintStream out, PrintStream err) {
        this.commands = commands;
        this.out = out;
        this.err = err;
        this.shutdownHook = new Thread(this::stopAll, "ring4j-launch-shutdown");
    }

    /**
     * Starts every rank.
     *
     * @param commands one per rank, in rank order
     * @param mode what to do with the output
     * @param forwardStdin whether this process's standard input goes to every rank
     * @param out where the ranks' standard output goes
     * @param err where their standard error and the launcher's messages go
     * @throws org.ring4j.cli.CliException when a program cannot be started (naming it)
     */
    public static RankProcesses start(List<RankCommand> commands, OutputMode mode, boolean forwardStdin,
            PrintStream out, PrintStream err) {
        RankProcesses group = new RankProcesses(commands, out, err);
        Runtime.getRuntime().addShutdownHook(group.shutdownHook);
        try {
            for (RankCommand c : commands) {
                ProcessBuilder pb = new ProcessBuilder(c.command()).directory(c.directory().toFile());
                pb.environment().putAll(c.environment());
                Process p;
                try {
                    p = pb.start();
                } catch (IOException e) {
                    throw new org.ring4j.cli.CliException("cannot start rank " + c.rank() + "'s program '"
                            + c.command().get(0) + "': " + e.getMessage()
                            + "; is it installed and on the PATH?");
                }
                group.processes.add(p);
                boolean raw = mode == OutputMode.RANK0_RAW && c.rank() == 0;
                group.pump(p.getInputStream(), out, c.rank(), raw, false);
                group.pump(p.getErrorStream(), err, c.rank(), false, c.remote() != null);
                if (!forwardStdin) {
                    closeQuietly(p.getOutputStream());
                }
            }
        } catch (RuntimeException e) {
            group.close();
            throw e;
        }
        if (forwardStdin) {
            group.forwardStdin();
        }
        return group;
    }

    /** @return the processes, by rank (for tests) */
    public List<Process> processes() {
        return List.copyOf(processes);
    }

    /**
     * Waits until every rank has exited, or one failed, or {@code timeout} passed. On a failure or
     * a timeout the other ranks are stopped.
     *
     * @param timeout the longest the run may take, or null for no limit
     * @return the exit code for the launcher: 0 when every rank succeeded, else the failed rank's
     *     code (128 + signal for a rank killed by a signal), 124 for a timeout
     */
    public int waitFor(Duration timeout) {
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                boolean allDone = true;
                for (int r = 0; r < processes.size(); r++) {
                    Process p = processes.get(r);
                    if (p.isAlive()) {
                        allDone = false;
                        continue;
                    }
                    int code = p.exitValue();
                    if (code != 0) {
                        int alive = (int) processes.stream().filter(Process::isAlive).count();
                        err.println("ring4j launch: rank " + r + " " + describeExit(code)
                                + (alive > 0 ? "; stopping the other " + alive + " rank(s)" : ""));
                        stopAll();
                        return code;
                    }
                }
                if (allDone) {
                    drainPumps();
                    return 0;
                }
                if (System.nanoTime() > deadline) {
                    err.println("ring4j launch: the run exceeded its time limit of " + timeout.toSeconds()
                            + " s; stopping all ranks");
                    stopAll();
                    return 124;
                }
                processes.get(firstAlive()).waitFor(100, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopAll();
            return 130;
        }
    }

    private int firstAlive() {
        for (int r = 0; r < processes.size(); r++) {
            if (processes.get(r).isAlive()) {
                return r;
            }
        }
        return 0;
    }

    /** Says how a process ended, from its exit code as the JVM reports it (128 + n for signal n). */
    static String describeExit(int code) {
        if (code > 128 && code <= 128 + 64) {
            int sig = code - 128;
            return "was killed by signal " + sig + signalName(sig) + " (exit code " + code + ")";
        }
        return "exited with code " + code;
    }

    private static String signalName(int sig) {
        switch (sig) {
            case 1: return " (SIGHUP)";
            case 2: return " (SIGINT)";
            case 6: return " (SIGABRT)";
            case 9: return " (SIGKILL)";
            case 11: return " (SIGSEGV)";
            case 15: return " (SIGTERM)";
            default: return "";
        }
    }

    /**
     * Stops every rank still running and everything it started: SIGTERM, then SIGKILL after
     * {@link #GRACE}. Remote ranks are stopped on their host. Idempotent.
     */
    public void stopAll() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        List<ProcessHandle> handles = new ArrayList<>();
        for (Process p : processes) {
            p.descendants().forEach(handles::add);
            handles.add(p.toHandle());
        }
        List<Integer> remoteAlive = new ArrayList<>();
        for (int r = 0; r < commands.size() && r < processes.size(); r++) {
            RemoteHost remote = commands.get(r).remote();
            Optional<Long> pid = remotePids.get(r);
            if (remote != null && pid.isPresent() && processes.get(r).isAlive()) {
                remoteAlive.add(r);
                remote.signal(pid.get(), "TERM");
            }
        }
        handles.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + GRACE.toNanos();
        for (ProcessHandle h : handles) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                try {
                    h.onExit().get(left, TimeUnit.NANOSECONDS);
                } catch (Exception e) {
                    // still alive: killed below
                }
            }
        }
        for (int r : remoteAlive) {
            if (processes.get(r).isAlive()) { // its ssh still runs: the remote rank ignored SIGTERM
                commands.get(r).remote().signal(remotePids.get(r).get(), "KILL");
            }
        }
        handles.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        drainPumps();
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs anyway
        }
    }

    private void drainPumps() {
        for (Thread t : pumps) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void pump(InputStream in, PrintStream to, int rank, boolean raw, boolean parseRemotePid) {
        Thread t = new Thread(() -> {
            try (InputStream is = in) {
                if (raw) {
                    is.transferTo(new NonClosing(to));
                    to.flush();
                    return;
                }
                LineReader lines = new LineReader(is);
                String line;
                while ((line = lines.next()) != null) {
                    if (parseRemotePid && remotePids.parse(rank, line)) {
                        continue;
                    }
                    synchronized (to) {
                        to.println("[" + rank + "] " + line);
                    }
                }
            } catch (IOException e) {
                // the process went away; its exit code tells the story
            }
        }, "ring4j-output-" + rank);
        t.setDaemon(true);
        t.start();
        pumps.add(t);
    }

    private void forwardStdin() {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = System.in.read(buf)) >= 0) {
                    for (Process p : processes) {
                        try {
                            p.getOutputStream().write(buf, 0, n);
                            p.getOutputStream().flush();
                        } catch (IOException e) {
                            // this rank closed its input or ended: the others still get theirs
                        }
                    }
                }
            } catch (IOException e) {
                // our own input broke: treat as its end
            }
            for (Process p : processes) {
                closeQuietly(p.getOutputStream());
            }
        }, "ring4j-stdin");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(OutputStream s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    /** Splits a byte stream into lines (\n or \r\n), decoding UTF-8 and keeping partial lines at the end. */
    private static final class LineReader {
        private final InputStream in;
        private final byte[] buf = new byte[8192];
        private int start;
        private int end;
        private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

        LineReader(InputStream in) {
            this.in = in;
        }

        String next() throws IOException {
            while (true) {
                for (int i = start; i < end; i++) {
                    if (buf[i] == '\n') {
                        line.write(buf, start, i - start);
                        start = i + 1;
                        return take();
                    }
                }
                line.write(buf, start, end - start);
                start = 0;
                end = in.read(buf);
                if (end < 0) {
                    end = 0;
                    return line.size() > 0 ? take() : null;
                }
            }
        }

        private String take() {
            String s = line.toString(StandardCharsets.UTF_8);
            line.reset();
            return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }
    }

    /** Writes through to a stream without closing it. */
    private static final class NonClosing extends OutputStream {
        private final PrintStream to;

        NonClosing(PrintStream to) {
            this.to = to;
        }

        @Override
        public void write(int b) {
            to.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            to.write(b, off, len);
            to.flush();
        }
    }

    /** Process ids that remote ranks announce on their standard error ({@code @@ring4j-pid N}). */
    static final class RemotePids {
        static final String MARK = "@@ring4j-pid ";
        private final java.util.Map<Integer, Long> pids = new java.util.concurrent.ConcurrentHashMap<>();

        boolean parse(int rank, String line) {
            if (!line.startsWith(MARK)) {
                return false;
            }
            try {
                pids.put(rank, Long.parseLong(line.substring(MARK.length()).trim()));
            } catch (NumberFormatException e) {
                return false;
            }
            return true;
        }

        Optional<Long> get(int rank) {
            return Optional.ofNullable(pids.get(rank));
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d ranks", commands.size());
    }
}
