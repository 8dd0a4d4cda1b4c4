package org.ring4j.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.ring4j.RingConfigException;

/**
 * Hostfiles for rings on one machine, with ports that are free when it is made (the operating
 * system picks them; all are held open together so none is picked twice, then released).
 */
public final class LocalHostfiles {
    private LocalHostfiles() {
    }

    /** @return {@code ranks} x {@code connections} free addresses on 127.0.0.1 */
    public static Hostfile loopback(int ranks, int connections) {
        return onHost("127.0.0.1", ranks, connections);
    }

    /**
     * @param host an IP literal or name of this machine ({@code ::1} works)
     * @return {@code ranks} x {@code connections} free addresses on {@code host}
     * @throws RingConfigException if the host is not this machine's or no port can be had
     */
    public static Hostfile onHost(String host, int ranks, int connections) {
        if (ranks < 1 || connections < 1) {
            throw new IllegalArgumentException("need at least one rank and one connection, not " + ranks + " x " + connections);
        }
        List<ServerSocket> held = new ArrayList<>();
        List<List<HostAddress>> all = new ArrayList<>();
        try {
            InetAddress addr = InetAddress.getByName(host);
            for (int r = 0; r < ranks; r++) {
                List<HostAddress> mine = new ArrayList<>();
                for (int c = 0; c < connections; c++) {
                    ServerSocket s = new ServerSocket();
                    held.add(s);
                    s.bind(new InetSocketAddress(addr, 0));
                    mine.add(HostAddress.of(host, s.getLocalPort()));
                }
                all.add(mine);
            }
        } catch (IOException e) {
            throw new RingConfigException("cannot find free ports on " + host + ": " + e.getMessage(), e);
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // released either way
                }
            }
        }
        return Hostfile.of(all);
    }
}
