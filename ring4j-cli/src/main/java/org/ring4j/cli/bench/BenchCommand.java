package org.ring4j.cli.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ring4j.Group;
import org.ring4j.Protocol;
import org.ring4j.Ring;
import org.ring4j.RingOptions;
import org.ring4j.cli.CliException;
import org.ring4j.cli.Main;
import org.ring4j.cli.launch.LaunchCommand;
import org.ring4j.cli.launch.OutputMode;
import org.ring4j.cli.launch.Placement;
import org.ring4j.cli.launch.RankCommand;
import org.ring4j.cli.launch.RankProcesses;
import org.ring4j.config.Hostfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ring4j bench}: the nccl-tests of ring4j. With {@code -n N} it starts N local ranks
 * (separate JVMs on free loopback ports) and prints rank 0's table; with {@code --hostfile} and
 * {@code --rank} (or {@code RING4J_HOSTFILE}/{@code RING4J_RANK}, as {@code ring4j launch} sets
 * them) it runs as one rank of a ring anywhere.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Benchmark all-reduce, all-gather and send-recv in the nccl-tests layout; every iteration's",
            "result is checked (#wrong). -n N starts N local ranks; --hostfile/--rank runs one rank of a larger ring."},
        footer = {"", "Examples:", "  ring4j bench -n 4", "  ring4j bench -n 2 -c 2 -t all -o sum -b 1K -e 8M --csv out.csv --plot out.png",
            "  ring4j bench -n 4 --baseline --model",
            "  ring4j launch --hosts node1,node2 -- ./ring4j bench   (one rank per host)"})
public final class BenchCommand implements Callable<Integer> {
    @Option(names = {"-n", "--ranks"}, description = "Start this many local ranks (separate JVMs on loopback).")
    Integer ranks;

    @Option(names = "--hostfile", paramLabel = "FILE", description = "Run as one rank of the ring in this hostfile (with --rank).")
    Path hostfile;

    @Option(names = "--rank", description = "This process's rank in --hostfile.")
    Integer rank;

    @Option(names = {"-c", "--connections"}, defaultValue = "1",
            description = "Connections between neighbours for -n. Default: ${DEFAULT-VALUE}.")
    int connections;

    @Option(names = "--baseline", description = "Also measure the loopback TCP stream and memcpy limits and print busbw as their ratio.")
    boolean baseline;

    @Mixin
    BenchOptions options;

    @Option(names = "--baseline-values", hidden = true, description = "Limits measured by the launcher: tcp,memcpy in GB/s.")
    String baselineValues;

    @Option(names = "--live", hidden = true, description = "Whether rank 0 shows a live progress line (the launcher's terminal).")
    Boolean live;

    @Override
    public Integer call() {
        options.validate();
        if (ranks != null) {
            if (hostfile != null || rank != null) {
                throw new CliException("-n starts local ranks; --hostfile/--rank run one rank: give one or the other", Main.USAGE);
            }
            if (ranks < 1) {
                throw new CliException("-n must be at least 1, not " + ranks, Main.USAGE);
            }
            if (connections < 1) {
                throw new CliException("--connections must be at least 1, not " + connections, Main.USAGE);
            }
            return launchLocal();
        }
        return runRank();
    }

    private int launchLocal() {
        // The ranks' connections are Unix sockets unless turned off (all addresses are loopback).
        boolean unix = RingOptions.fromEnvironment(System.getenv()).unixSockets() && options.protocol == Protocol.NATIVE;
        Baseline limits = baseline ? Baseline.measure(Duration.ofSeconds(1), unix) : null;
        Placement placement = Placement.local(ranks, connections, null);
        Path file = LaunchCommand.writeHostfile(placement.hostfile());
        boolean terminal = isTerminal();
        List<String> java = javaCommand();
        List<RankCommand> commands = LaunchCommand.commands(placement, r -> {
            List<String> c = new ArrayList<>(java);
            c.addAll(List.of("bench", "--hostfile", file.toString(), "--rank", Integer.toString(r), "--live=" + terminal));
            if (limits != null) {
                c.add("--baseline-values=" + limits.format());
            }
            c.addAll(options.toArgs());
            return c;
        }, Map.of(), List.of());
        try (RankProcesses running = RankProcesses.start(commands, OutputMode.RANK0_RAW, false, System.out, System.err)) {
            return running.waitFor(null);
        } finally {
            file.toFile().delete();
        }
    }

    /** The command that starts a JVM running this CLI: the same java, class path and RING4J_JAVA_OPTS. */
    static List<String> javaCommand() {
        List<String> c = new ArrayList<>();
        c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String opts = System.getenv("RING4J_JAVA_OPTS");
        if (opts != null && !opts.isBlank()) {
            c.addAll(Arrays.asList(opts.trim().split("\\s+")));
        }
        c.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        return c;
    }

    private static boolean isTerminal() {
        String forced = System.getenv("RING4J_TTY");
        if (forced != null) {
            return !forced.equals("0");
        }
        return System.console() != null;
    }

    private int runRank() {
        Map<String, String> env = System.getenv();
        Path file = hostfile;
        Integer r = rank;
        if (file == null) {
            String f = env.getOrDefault(RingOptions.HOSTFILE_ENV, env.get(RingOptions.MLX_HOSTFILE_ENV));
            if (f == null) {
                throw new CliException("say how many local ranks to start (-n N), or which rank of which ring this is "
                        + "(--hostfile FILE --rank R, or RING4J_HOSTFILE and RING4J_RANK as ring4j launch sets them)", Main.USAGE);
            }
            file = Path.of(f);
        }
        if (r == null) {
            String v = env.getOrDefault(RingOptions.RANK_ENV, env.get(RingOptions.MLX_RANK_ENV));
            if (v == null) {
                throw new CliException("--rank is missing (or RING4J_RANK): which rank of " + file + " is this?", Main.USAGE);
            }
            try {
                r = Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw new CliException("RING4J_RANK=" + v + " is not a rank number", Main.USAGE);
            }
        }
        Hostfile hf = Hostfile.load(file);
        Baseline limits = baselineValues != null ? Baseline.parse(baselineValues)
                : null;
        RingOptions ringOptions = RingOptions.fromEnvironment(env).toBuilder().protocol(options.protocol)
                .verbose(options.verbose || RingOptions.fromEnvironment(env).verbose()).build();
        if (limits == null && baseline && r == 0) {
            // Measured before connecting, so that no peer's traffic disturbs it; over the wire to the right neighbour.
            boolean unix = ringOptions.unixSockets() && options.protocol == Protocol.NATIVE
                    && CongestionControl.allLoopback(hf);
            limits = Baseline.measure(Duration.ofSeconds(1), unix);
        }
        PrintStream out = System.out;
        try (Group g = Ring.connect(hf, r, ringOptions)) {
            boolean showLive = g.rank() == 0 && !options.json && (live != null ? live : isTerminal());
            Progress progress = showLive ? Progress.live(out) : Progress.NONE;
            BenchRank bench = new BenchRank(g, hf.connections(), options, progress);
            bench.agree();
            Report report = g.rank() == 0 ? new Report(out, options, setup(g, hf), limits, progress) : null;
            if (report != null) {
                report.header();
            }
            bench.run(row -> {
                if (report != null) {
                    report.row(row);
                }
            });
            if (report != null) {
                long wrong = report.finish();
                if (wrong > 0) {
                    throw new CliException(wrong + " result element(s) were wrong: the ring computed something "
                            + "different from the expected pattern");
                }
            }
        }
        return 0;
    }

    private Map<String, Object> setup(Group g, Hostfile hf) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ranks", g.size());
        m.put("connections", hf.connections());
        m.put("protocol", g.protocol().name().toLowerCase(Locale.ROOT));
        m.put("transport", g.transport());
        m.put("in_place", options.inPlace);
        m.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        // Rank 0 connects to rank 1's first address: that route decides what its sockets get. Unix
        // sockets have no congestion control.
        if (!g.transport().equals("unix") && !g.transport().equals("none")) {
            CongestionControl.towards(hf.addresses(hf.size() > 1 ? 1 : 0).get(0).host()).ifPresent(cc -> {
                m.put("tcp_congestion_control", cc.algorithm());
                m.put("tcp_congestion_control_source", cc.source());
                CongestionControl.loopbackHint(cc.algorithm(), hf).ifPresent(hint -> m.put("tcp_congestion_control_note", hint));
            });
        }
        m.put("warmup", options.warmup);
        m.put("iters", options.iters);
        return m;
    }
}
