package org.ring4j.cli.hostfile;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.ring4j.cli.CliException;
import org.ring4j.cli.Main;
import org.ring4j.config.HostAddress;
import org.ring4j.config.Hostfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code ring4j hostfile}: writes a hostfile for given hosts, checking that every name resolves
 * and that ports on this machine are free, so that nobody writes the JSON by hand.
 */
@Command(name = "hostfile", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a ring4j hostfile: one rank per host (or --ranks-per-host), --connections",
            "addresses each on consecutive ports from --port. Names must resolve; ports on this machine must be free."},
        footer = {"", "Example:", "  ring4j hostfile --hosts 10.0.0.1,10.0.0.2,10.0.0.3 --port 5000 -c 2 -o hosts.json"})
public final class HostfileCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--hosts", split = ",", required = true, paramLabel = "HOST",
            description = "Hosts (names or addresses, [IPv6] in brackets), in rank order.")
    List<String> hosts;

    @Option(names = {"-p", "--port"}, defaultValue = "5000", description = "First port on each host. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = {"-c", "--connections"}, defaultValue = "1", description = "Connections between neighbours. Default: ${DEFAULT-VALUE}.")
    int connections;

    @Option(names = "--ranks-per-host", defaultValue = "1", description = "Ranks on each host. Default: ${DEFAULT-VALUE}.")
    int ranksPerHost;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write here instead of standard output.")
    Path output;

    @Option(names = "--no-check", description = "Do not resolve names or test local ports.")
    boolean noCheck;

    @Override
    public Integer call() {
        if (connections < 1 || ranksPerHost < 1) {
            throw new CliException("--connections and --ranks-per-host must be at least 1", Main.USAGE);
        }
        List<List<HostAddress>> ranks = new ArrayList<>();
        // A host listed twice (or two names of one machine) gets the next ports, never the same ones.
        java.util.Map<String, Integer> usedPorts = new java.util.HashMap<>();
        for (String h : hosts) {
            String host = h.trim();
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (host.isEmpty()) {
                throw new CliException("--hosts has an empty entry: " + String.join(",", hosts), Main.USAGE);
            }
            String machine = noCheck ? host : machineKey(host);
            for (int i = 0; i < ranksPerHost; i++) {
                List<HostAddress> a = new ArrayList<>();
                for (int c = 0; c < connections; c++) {
                    int offset = usedPorts.merge(machine, 1, Integer::sum) - 1;
                    int p = port + offset;
                    if (port < 1 || p > 65535) {
                        throw new CliException("port " + p + " for " + host + " is out of range 1-65535; choose another --port",
                                Main.USAGE);
                    }
                    HostAddress addr = HostAddress.of(host, p);
                    if (!noCheck) {
                        check(addr);
                    }
                    a.add(addr);
                }
                ranks.add(a);
            }
        }
        Hostfile hf = Hostfile.of(ranks);
        if (output == null) {
            spec.commandLine().getOut().print(hf.toJson());
            spec.commandLine().getOut().flush();
        } else {
            hf.write(output);
            spec.commandLine().getErr().println("ring4j hostfile: wrote " + ranks.size() + " ranks to " + output);
        }
        return 0;
    }

    /** Identifies the machine a name points to, so that its ports are not handed out twice. */
    private static String machineKey(String host) {
        try {
            InetAddress ip = InetAddress.getByName(host);
            if (ip.isLoopbackAddress() || NetworkInterface.getByInetAddress(ip) != null) {
                return "this machine";
            }
            return ip.getHostAddress();
        } catch (IOException e) {
            return host; // check() reports it
        }
    }

    private static void check(HostAddress a) {
        InetAddress ip;
        try {
            ip = InetAddress.getByName(a.host());
        } catch (UnknownHostException e) {
            throw new CliException("host '" + a.host() + "' does not resolve: check the name, or give its IP address");
        }
        boolean local;
        try {
            local = ip.isLoopbackAddress() || NetworkInterface.getByInetAddress(ip) != null;
        } catch (IOException e) {
            local = false;
        }
        if (local) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(ip, a.port()));
            } catch (IOException e) {
                throw new CliException("port " + a.port() + " on " + a.host() + " (this machine) cannot be used: "
                        + e.getMessage() + "; choose another --port");
            }
        }
    }
}
