package org.ring4j.cli.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.ring4j.config.HostAddress;
import org.ring4j.config.Hostfile;

/**
 * The host's default TCP congestion control, recorded in every benchmark's header because it
 * changes loopback results more than anything ring4j does: on this project's VMs, iperf3 over
 * loopback moved 7.3 GB/s with cubic and 2.0 GB/s with bbr, and a 2-rank 32 MiB all-reduce ran
 * 1.6x faster with cubic (docs/performance.md, "Congestion control"). bbr paces every connection
 * at its estimate of the path's bandwidth, an estimate that microsecond round trips and bursty,
 * application-limited traffic make far too low. A JVM cannot choose it per socket
 * ({@code TCP_CONGESTION} is not among Java's socket options), so the benchmark says what it ran
 * under, and how to change it for local runs.
 */
final class CongestionControl {
    private static final Path SYSCTL = Path.of("/proc/sys/net/ipv4/tcp_congestion_control");

    private CongestionControl() {
    }

    /** @return the default congestion control of new TCP connections, where the OS says (Linux) */
    static Optional<String> hostDefault() {
        try {
            String name = Files.readString(SYSCTL, StandardCharsets.US_ASCII).trim();
            return name.isEmpty() ? Optional.empty() : Optional.of(name);
        } catch (IOException | SecurityException e) {
            return Optional.empty(); // not Linux, or /proc hidden: nothing to report
        }
    }

    /**
     * @return the congestion control a connection to {@code host} gets: a route's {@code congctl}
     *     (what {@code ip route get} says) where one is set, else {@link #hostDefault}, with where it
     *     comes from ({@code "route to 127.0.0.1"}, {@code "host default"}); empty where neither can
     *     be read
     */
    static Optional<Setting> towards(String host) {
        Optional<String> route = routeCongctl(host);
        if (route.isPresent()) {
            return Optional.of(new Setting(route.get(), "route to " + host));
        }
        return hostDefault().map(name -> new Setting(name, "host default"));
    }

    /** A congestion control algorithm and where it was set. */
    record Setting(String algorithm, String source) {
    }

    /** @return the {@code congctl} of the route to {@code host}, if {@code ip} runs and shows one within 2 s */
    static Optional<String> routeCongctl(String host) {
        Process p = null;
        try {
            p = new ProcessBuilder("ip", "route", "get", InetAddress.getByName(host).getHostAddress())
                    .redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(2, java.util.concurrent.TimeUnit.SECONDS)) {
                return Optional.empty();
            }
            return parseCongctl(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException | SecurityException e) {
            return Optional.empty(); // no ip command: the host default applies as far as we can tell
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            if (p != null) {
                p.destroyForcibly();
            }
        }
    }

    /** @return the word after {@code congctl} in {@code ip route} output */
    static Optional<String> parseCongctl(String ipRouteOutput) {
        String[] words = ipRouteOutput.trim().split("\\s+");
        for (int i = 0; i + 1 < words.length; i++) {
            if (words[i].equals("congctl")) {
                return Optional.of(words[i + 1]);
            }
        }
        return Optional.empty();
    }

    /**
     * @return a note (for the header, after "# note: ") that {@code algorithm} slows loopback rings, or empty when it
     *     does not apply (another algorithm, or a rank that is not on loopback)
     */
    static Optional<String> loopbackHint(String algorithm, Hostfile hostfile) {
        if (!algorithm.equals("bbr") || !allLoopback(hostfile)) {
            return Optional.empty();
        }
        return Optional.of("TCP congestion control is bbr; over loopback its "
                + "pacing measured 2-4x slower than cubic on this project's machines. For local runs: "
                + "ip route change local 127.0.0.1 dev lo table local proto kernel scope host src 127.0.0.1 "
                + "congctl cubic (as root; docs/performance.md, \"Congestion control\")");
    }

    static boolean allLoopback(Hostfile hostfile) {
        for (int r = 0; r < hostfile.size(); r++) {
            for (HostAddress a : hostfile.addresses(r)) {
                try {
                    if (!InetAddress.getByName(a.host()).isLoopbackAddress()) {
                        return false;
                    }
                } catch (UnknownHostException e) {
                    return false;
                }
            }
        }
        return true;
    }
}
