package org.ring4j.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Drives {@code scripts/netns-lab.sh}: hosts in network namespaces joined by rate-limited links.
 * {@link #available()} says why not when the tests cannot run here (not root, no iproute2).
 */
final class NetnsLab implements AutoCloseable {
    final int id = ThreadLocalRandom.current().nextInt(10, 60);
    private final Path script;

    NetnsLab() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("scripts/netns-lab.sh"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("scripts/netns-lab.sh not found above " + Path.of("").toAbsolutePath());
        }
        script = p.resolve("scripts/netns-lab.sh");
    }

    /** @return null if namespaces can be made here, else the reason they cannot */
    static String unavailable() {
        try {
            Process id = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!id.waitFor(10, TimeUnit.SECONDS) || !"0".equals(uid)) {
                return "network-namespace tests need root (uid is " + uid + ")";
            }
            Process ip = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
            ip.getInputStream().readAllBytes();
            if (!ip.waitFor(10, TimeUnit.SECONDS) || ip.exitValue() != 0) {
                return "`ip netns` does not work here";
            }
            return null;
        } catch (IOException e) {
            return "iproute2 is not installed: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    void up(int n, int k, String rate) throws IOException, InterruptedException {
        run("up", Integer.toString(id), Integer.toString(n), Integer.toString(k), rate);
    }

    Path hostfile(Path dir, int n, int k, int port) throws IOException, InterruptedException {
        Path f = dir.resolve("netns-hosts.json");
        Files.writeString(f, run("hostfile", Integer.toString(id), Integer.toString(n), Integer.toString(k),
                Integer.toString(port)));
        return f;
    }

    void link(int rank, int c, boolean up) throws IOException, InterruptedException {
        run("link", Integer.toString(id), Integer.toString(rank), Integer.toString(c), up ? "up" : "down");
    }

    /** @return the command prefix that runs a program inside host {@code rank}'s namespace */
    List<String> inHost(int rank) {
        return new ArrayList<>(List.of("ip", "netns", "exec", "r4j-" + id + "-" + rank));
    }

    private String run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("netns-lab.sh " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        run("down", Integer.toString(id));
    }
}
