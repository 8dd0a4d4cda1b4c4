package org.ring4j.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import org.ring4j.RingConfigException;

/**
 * One {@code host:port} of a hostfile: an IPv4 literal, a host name, or an IPv6 literal in brackets
 * ({@code [::1]:5000}, {@code [fe80::1%eth0]:5000}). Immutable; {@link #toString()} writes the same
 * form back.
 */
public final class HostAddress {
    private final String host;
    private final int port;

    private HostAddress(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /**
     * @param host a host name or IP literal, IPv6 without brackets
     * @param port 1 to 65535
     * @throws IllegalArgumentException if the host is empty or the port out of range
     */
    public static HostAddress of(String host, int port) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("the host is empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range (1 to 65535)");
        }
        return new HostAddress(host.trim(), port);
    }

    /**
     * Parses {@code host:port}.
     *
     * @throws IllegalArgumentException saying what is wrong: no port, empty host, a port that is not a
     *     number or out of range, an IPv6 address without brackets
     */
    public static HostAddress parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the address is empty; write host:port, e.g. 10.0.0.1:5000");
        }
        String t = text.trim();
        String host;
        String port;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + t + "' opens '[' but has no ']'; write IPv6 as [addr]:port");
            }
            host = t.substring(1, close);
            String rest = t.substring(close + 1);
            if (!rest.startsWith(":")) {
                throw new IllegalArgumentException("'" + t + "' has no :port after the ']'");
            }
            port = rest.substring(1);
        } else {
            int colon = t.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("'" + t + "' has no ':port'; write host:port, e.g. 10.0.0.1:5000");
            }
            if (t.indexOf(':') != colon) {
                throw new IllegalArgumentException("'" + t + "' has several ':'; write IPv6 addresses as [addr]:port");
            }
            host = t.substring(0, colon);
            port = t.substring(colon + 1);
        }
        if (host.isBlank()) {
            throw new IllegalArgumentException("'" + t + "' has an empty host");
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + t + "' has port '" + port + "', which is not a number");
        }
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException("'" + t + "' has port " + p + ", out of range (1 to 65535)");
        }
        return new HostAddress(host, p);
    }

    /** @return the host, IPv6 without brackets */
    public String host() {
        return host;
    }

    /** @return the port */
    public int port() {
        return port;
    }

    /**
     * Resolves the host now.
     *
     * @throws RingConfigException naming the host if it cannot be resolved
     */
    public InetSocketAddress resolve() {
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new RingConfigException("cannot resolve host '" + host + "' (from '" + this + "'): "
                    + e.getMessage() + "; check the name or use an IP address");
        }
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HostAddress && ((HostAddress) o).host.equals(host) && ((HostAddress) o).port == port;
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port);
    }
}
