package org.ring4j.cli.launch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;
import org.ring4j.Protocol;
import org.ring4j.RingOptions;
import org.ring4j.cli.CliException;
import org.ring4j.cli.Main;
import org.ring4j.config.Hostfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ring4j launch}: starts the ranks of any program, like {@code mpirun} or
 * {@code mlx.launch}. Each rank gets {@code RING4J_HOSTFILE}/{@code RING4J_RANK} and the
 * {@code MLX_*} equivalents.
 */
@Command(name = "launch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Start the ranks of a program: on this machine (-n), or over ssh (--hosts, --hostfile).",
            "Each rank gets RING4J_HOSTFILE, RING4J_RANK, MLX_HOSTFILE and MLX_RANK; its output is prefixed",
            "with [rank]; standard input goes to every rank. When a rank fails, the others are stopped."},
        footer = {"", "Examples:", "  ring4j launch -n 4 -- java -cp app.jar MyTrainer --epochs 3",
            "  ring4j launch --hosts node1,node2 -c 2 -- java -cp app.jar MyTrainer",
            "  ring4j launch --hostfile mlx-hosts.json -- python train.py"})
public final class LaunchCommand implements Callable<Integer> {
    @Option(names = {"-n", "--ranks"}, description = "Number of ranks (on this machine, or spread over --hosts).")
    Integer ranks;

    @Option(names = "--hosts", split = ",", paramLabel = "HOST",
            description = "Hosts to start ranks on over ssh, in rank order ([user@]host; local names start locally).")
    List<String> hosts;

    @Option(names = "--hostfile", paramLabel = "FILE",
            description = "A ring4j hostfile ([[\"ip:port\", ...], ...]) or mlx.launch's ([{\"ssh\": host, \"ips\": [...]}, ...]).")
    Path hostfile;

    @Option(names = {"-c", "--connections", "--connections-per-ip"}, defaultValue = "1",
            description = "TCP connections between neighbours (per address with an mlx.launch hostfile). Default: ${DEFAULT-VALUE}.")
    int connections;

    @Option(names = "--starting-port", paramLabel = "PORT",
            description = "First port (default: free ports on this machine, 32323 on other hosts).")
    Integer startingPort;

    @Option(names = "--protocol", description = "native or mlx (sets RING4J_PROTOCOL for every rank).")
    Protocol protocol;

    @Option(names = {"-x", "--env"}, paramLabel = "NAME[=VALUE]",
            description = "Pass this variable to every rank (its value here when no =VALUE). RING4J_* and MLX_* always pass.")
    List<String> env = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Stop all ranks after this long (e.g. 10m, 90s).")
    String timeout;

    @Option(names = "--ssh", paramLabel = "COMMAND",
            description = "The ssh command (default: ${env:RING4J_SSH:-ssh -o BatchMode=yes -o ConnectTimeout=10}).")
    String ssh;

    @Option(names = {"-v", "--verbose"}, description = "Show the connection set-up (RING4J_VERBOSE=1 for every rank).")
    boolean verbose;

    @Parameters(arity = "1..*", paramLabel = "PROGRAM", description = "The program and its arguments (after --).")
    List<String> program;

    @Override
    public Integer call() {
        Placement placement = placement();
        Duration limit = timeout == null ? null : RingOptions.parseDuration("--timeout", timeout);
        List<RankCommand> commands = commands(placement, r -> program, extraEnvironment(), sshCommand());
        Path file = writeHostfile(placement.hostfile());
        try {
            List<RankCommand> withFile = new ArrayList<>();
            for (RankCommand c : commands) {
                Map<String, String> e = new LinkedHashMap<>(c.environment());
                if (c.remote() == null) {
                    e.put(RingOptions.HOSTFILE_ENV, file.toString());
                    e.put(RingOptions.MLX_HOSTFILE_ENV, file.toString());
                }
                withFile.add(new RankCommand(c.rank(), c.command(), e, c.directory(), c.remote()));
            }
            if (verbose) {
                System.err.println("ring4j launch: " + placement.size() + " ranks, hostfile " + file + ":\n"
                        + placement.hostfile().toJson());
            }
            try (RankProcesses ranksRunning = RankProcesses.start(withFile, OutputMode.PREFIXED, true,
                    System.out, System.err)) {
                return ranksRunning.waitFor(limit);
            }
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (java.io.IOException e) {
                // a temporary file: the OS cleans it up
            }
        }
    }

    private Placement placement() {
        int sources = (hosts != null ? 1 : 0) + (hostfile != null ? 1 : 0);
        if (sources > 1) {
            throw new CliException("give either --hosts or --hostfile, not both", Main.USAGE);
        }
        if (connections < 1) {
            throw new CliException("--connections must be at least 1, not " + connections, Main.USAGE);
        }
        if (ranks != null && ranks < 1) {
            throw new CliException("-n must be at least 1, not " + ranks, Main.USAGE);
        }
        int remotePort = startingPort == null ? 32323 : startingPort;
        if (hosts != null) {
            return Placement.onHosts(hosts, ranks, connections, remotePort);
        }
        if (hostfile != null) {
            Placement p = Placement.fromFile(hostfile, connections, remotePort);
            if (ranks != null && ranks != p.size()) {
                throw new CliException("-n " + ranks + " disagrees with the " + p.size() + " ranks of " + hostfile, Main.USAGE);
            }
            return p;
        }
        if (ranks == null) {
            throw new CliException("say how many ranks to start (-n N) or where (--hosts, --hostfile)", Main.USAGE);
        }
        return Placement.local(ranks, connections, startingPort);
    }

    private Map<String, String> extraEnvironment() {
        Map<String, String> e = new LinkedHashMap<>();
        for (Map.Entry<String, String> v : System.getenv().entrySet()) {
            if ((v.getKey().startsWith("RING4J_") || v.getKey().startsWith("MLX_"))
                    && !v.getKey().equals(RingOptions.HOSTFILE_ENV) && !v.getKey().equals(RingOptions.MLX_HOSTFILE_ENV)
                    && !v.getKey().equals(RingOptions.RANK_ENV) && !v.getKey().equals(RingOptions.MLX_RANK_ENV)) {
                e.put(v.getKey(), v.getValue());
            }
        }
        for (String spec : env) {
            int eq = spec.indexOf('=');
            String name = eq < 0 ? spec : spec.substring(0, eq);
            if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new CliException("--env " + spec + ": '" + name + "' is not a variable name", Main.USAGE);
            }
            String value = eq < 0 ? System.getenv(name) : spec.substring(eq + 1);
            if (value == null) {
                throw new CliException("--env " + name + ": the variable is not set here; give a value with "
                        + name + "=VALUE", Main.USAGE);
            }
            e.put(name, value);
        }
        if (verbose) {
            e.put(RingOptions.VERBOSE_ENV, "1");
            e.put(RingOptions.MLX_VERBOSE_ENV, "1");
        }
        if (protocol != null) {
            e.put(RingOptions.PROTOCOL_ENV, protocol.name().toLowerCase(java.util.Locale.ROOT));
        }
        return e;
    }

    private List<String> sshCommand() {
        String s = ssh != null ? ssh : System.getenv("RING4J_SSH");
        return s == null || s.isBlank() ? RemoteHost.DEFAULT_SSH : Arrays.asList(s.trim().split("\\s+"));
    }

    /**
     * The command of every rank of {@code placement}: local ranks run {@code program} directly,
     * remote ones through ssh in the same working directory.
     *
     * @param program the program of each rank
     * @param environment variables every rank gets (besides the rank and hostfile ones)
     * @param ssh the ssh command for remote ranks
     */
    public static List<RankCommand> commands(Placement placement, IntFunction<List<String>> program,
            Map<String, String> environment, List<String> ssh) {
        Path cwd = Path.of("").toAbsolutePath();
        String json = placement.hostfile().toJson();
        List<RankCommand> out = new ArrayList<>();
        for (int r = 0; r < placement.size(); r++) {
            Map<String, String> e = new LinkedHashMap<>(environment);
            e.put(RingOptions.RANK_ENV, Integer.toString(r));
            e.put(RingOptions.MLX_RANK_ENV, Integer.toString(r));
            String host = placement.sshHosts().get(r);
            if (host == null) {
                out.add(new RankCommand(r, program.apply(r), e, cwd, null));
            } else {
                RemoteHost remote = new RemoteHost(host, ssh);
                out.add(new RankCommand(r, remote.command(cwd.toString(), e, json, program.apply(r)), Map.of(), cwd, remote));
            }
        }
        return out;
    }

    /** Writes {@code hostfile} to a new private temporary file, deleted when this JVM exits. */
    public static Path writeHostfile(Hostfile hostfile) {
        try {
            Path file = Files.createTempFile("ring4j-hostfile-", ".json");
            file.toFile().deleteOnExit();
            hostfile.write(file);
            return file;
        } catch (java.io.IOException e) {
            throw new CliException("cannot write a temporary hostfile: " + e.getMessage()
                    + "; is the temporary directory (java.io.tmpdir) writable?");
        }
    }
}
