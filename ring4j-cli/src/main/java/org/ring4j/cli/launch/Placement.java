package org.ring4j.cli.launch;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ring4j.cli.CliException;
import org.ring4j.cli.Main;
import org.ring4j.config.HostAddress;
import org.ring4j.config.Hostfile;
import org.ring4j.config.LocalHostfiles;

/**
 * Where each rank runs and which addresses it listens on: the launcher's plan, built from
 * {@code -n}, {@code --hosts} or a hostfile (ring4j's list of address lists, or
 * {@code mlx.launch}'s {@code [{"ssh": ..., "ips": [...]}]}).
 *
 * @param sshHosts per rank, the ssh destination, or null for a rank started on this machine
 * @param hostfile the ring's hostfile
 */
public record Placement(List<String> sshHosts, Hostfile hostfile) {
    /** Copies the list (which may hold nulls). */
    public Placement {
        sshHosts = java.util.Collections.unmodifiableList(new ArrayList<>(sshHosts));
    }

    /** {@code n} ranks on this machine, on free loopback ports or from {@code startingPort}. */
    public static Placement local(int n, int connections, Integer startingPort) {
        Hostfile hf;
        if (startingPort == null) {
            hf = LocalHostfiles.loopback(n, connections);
        } else {
            List<List<HostAddress>> ranks = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                List<HostAddress> a = new ArrayList<>();
                for (int c = 0; c < connections; c++) {
                    a.add(HostAddress.of("127.0.0.1", port(startingPort, r * connections + c)));
                }
                ranks.add(a);
            }
            hf = Hostfile.of(ranks);
        }
        List<String> ssh = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            ssh.add(null);
        }
        return new Placement(ssh, hf);
    }

    /**
     * Ranks spread over {@code hosts} in order ({@code ranks / hosts} consecutive ranks per host,
     * one each when {@code ranks} is null), each listening on the host's name.
     */
    public static Placement onHosts(List<String> hosts, Integer ranks, int connections, int startingPort) {
        int n = ranks == null ? hosts.size() : ranks;
        if (n % hosts.size() != 0) {
            throw new CliException(n + " ranks cannot be spread evenly over " + hosts.size()
                    + " hosts; give -n as a multiple of the number of hosts", Main.USAGE);
        }
        int perHost = n / hosts.size();
        List<String> ssh = new ArrayList<>();
        List<List<HostAddress>> addrs = new ArrayList<>();
        Map<String, Integer> usedPerHost = new HashMap<>(); // a host listed twice gets the next ports
        for (String h : hosts) {
            String name = h.contains("@") ? h.substring(h.indexOf('@') + 1) : h;
            boolean local = isLocal(name);
            for (int i = 0; i < perHost; i++) {
                ssh.add(local ? null : h);
                List<HostAddress> a = new ArrayList<>();
                for (int c = 0; c < connections; c++) {
                    int offset = usedPerHost.merge(local ? "" : name, 1, Integer::sum) - 1;
                    a.add(HostAddress.of(name, port(startingPort, offset)));
                }
                addrs.add(a);
            }
        }
        return new Placement(ssh, Hostfile.of(addrs));
    }

    /**
     * Reads a hostfile: ring4j's form runs each rank on the host of its first address (on this
     * machine when that is a local address); {@code mlx.launch}'s form runs rank {@code i} on
     * entry {@code i}'s {@code ssh} host, listening on its {@code ips}, {@code connectionsPerIp}
     * connections per address.
     */
    public static Placement fromFile(Path file, int connectionsPerIp, int startingPort) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new CliException("hostfile " + file + " does not exist", Main.USAGE);
        } catch (IOException e) {
            throw new CliException("cannot read hostfile " + file + ": " + e.getMessage(), Main.USAGE);
        }
        Object doc;
        try {
            doc = JSON.std.anyFrom(text);
        } catch (IOException e) {
            doc = null; // Hostfile.parse below reports the exact JSON error with its line
        }
        if (doc instanceof List && !((List<?>) doc).isEmpty() && ((List<?>) doc).get(0) instanceof Map) {
            return fromMlx(file, (List<?>) doc, connectionsPerIp, startingPort);
        }
        Hostfile hf = Hostfile.parse(text, file.toString());
        List<String> ssh = new ArrayList<>();
        for (int r = 0; r < hf.size(); r++) {
            String host = hf.addresses(r).get(0).host();
            ssh.add(isLocal(host) ? null : host);
        }
        return new Placement(ssh, hf);
    }

    private static Placement fromMlx(Path file, List<?> entries, int connectionsPerIp, int startingPort) {
        List<String> ssh = new ArrayList<>();
        List<List<HostAddress>> addrs = new ArrayList<>();
        Map<String, Integer> usedPerHost = new HashMap<>();
        for (int r = 0; r < entries.size(); r++) {
            Object e = entries.get(r);
            if (!(e instanceof Map)) {
                throw new CliException(file + ": entry " + r + " is not an object like {\"ssh\": \"host\", \"ips\": [\"10.0.0.1\"]}",
                        Main.USAGE);
            }
            Map<?, ?> m = (Map<?, ?>) e;
            Object host = m.get("ssh");
            if (!(host instanceof String) || ((String) host).isBlank()) {
                throw new CliException(file + ": entry " + r + " has no \"ssh\" host name", Main.USAGE);
            }
            List<String> ips = new ArrayList<>();
            Object ipList = m.get("ips");
            if (ipList instanceof List) {
                for (Object ip : (List<?>) ipList) {
                    ips.add(String.valueOf(ip));
                }
            } else if (ipList != null) {
                throw new CliException(file + ": entry " + r + "'s \"ips\" must be a list of addresses", Main.USAGE);
            }
            String h = (String) host;
            String name = h.contains("@") ? h.substring(h.indexOf('@') + 1) : h;
            if (ips.isEmpty()) {
                ips.add(name);
            }
            int base = usedPerHost.getOrDefault(name, 0);
            List<HostAddress> a = new ArrayList<>();
            for (String ip : ips) {
                for (int c = 0; c < connectionsPerIp; c++) {
                    a.add(HostAddress.of(ip, port(startingPort, base++)));
                }
            }
            usedPerHost.put(name, base);
            addrs.add(a);
            ssh.add(isLocal(name) ? null : h);
        }
        try {
            return new Placement(ssh, Hostfile.of(addrs));
        } catch (RuntimeException ex) {
            throw new CliException(file + ": " + ex.getMessage(), Main.USAGE);
        }
    }

    private static int port(int startingPort, int offset) {
        int p = startingPort + offset;
        if (p > 65535) {
            throw new CliException("port " + p + " is out of range: lower --starting-port", Main.USAGE);
        }
        return p;
    }

    /** Whether {@code host} names this machine (a loopback address or one of its interfaces). */
    static boolean isLocal(String host) {
        try {
            InetAddress a = InetAddress.getByName(host);
            return a.isLoopbackAddress() || a.isAnyLocalAddress() || NetworkInterface.getByInetAddress(a) != null;
        } catch (UnknownHostException e) {
            return false; // ssh will say it cannot resolve it
        } catch (SocketException e) {
            return false;
        }
    }

    /** @return the number of ranks */
    public int size() {
        return sshHosts.size();
    }
}
