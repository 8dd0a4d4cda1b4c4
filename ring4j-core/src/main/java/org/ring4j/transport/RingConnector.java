package org.ring4j.transport;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.ring4j.RingException;
import org.ring4j.RingTimeoutException;
import org.ring4j.protocol.RingTopology;

/**
 * Sets up a rank's connections exactly as MLX's ring does: every rank except the last accepts its
 * {@code k} left connections and then connects {@code k} times to its right neighbour; the last
 * rank connects first. The {@code i}-th connection to a neighbour is made to its {@code i}-th
 * address; each connect is tried up to {@code attempts} times, waiting 1, 2, 4, ... seconds in
 * between. All TCP sockets get TCP_NODELAY.
 *
 * <p>Between ranks of one machine the connection is a Unix domain socket when {@link UnixSocketPaths}
 * are given: each listening address that is this machine's also gets a Unix socket at the path
 * derived from it, and a connect to such an address tries that path first, falling back to TCP when
 * it is missing or refuses. Either way the handshake and the bytes that follow are the same.
 *
 * <p>Unlike MLX, this rank binds all its listening addresses before it does anything else, so that
 * a neighbour that connects early finds them open, and the whole set-up is bounded by a deadline.
 */
public final class RingConnector {
    private final RingTopology topology;
    private final List<Endpoint> own;
    private final List<Endpoint> right;
    private final List<String> leftLabels;
    private final int attempts;
    private final long retryBaseMillis;
    private final long deadlineNanos;
    private final Handshake handshake;
    private final Consumer<String> log;
    /** Where Unix sockets for local addresses live; null = TCP only. */
    private final UnixSocketPaths unixPaths;
    /** Why the last connection this rank turned away was rejected, for the set-up timeout's message. */
    private String lastRejection;

    /**
     * @param topology this rank and the ring size
     * @param own this rank's listening addresses, one per connection
     * @param right the right neighbour's listening addresses
     * @param leftLabels the left neighbour's listening addresses as the hostfile writes them; its
     *     connections are named by them in messages (they arrive from other ports)
     * @param attempts tries per connection
     * @param retryBaseMillis wait before the second try; doubles after each
     * @param deadlineNanos {@link System#nanoTime()} by which the set-up must be done
     * @param handshake what to say and check on each connection
     * @param log where set-up progress goes (verbose mode), never null
     * @param unixPaths where Unix sockets stand in for this machine's addresses, or null for TCP only
     */
    public RingConnector(RingTopology topology, List<Endpoint> own, List<Endpoint> right, List<String> leftLabels,
            int attempts, long retryBaseMillis, long deadlineNanos, Handshake handshake, Consumer<String> log,
            UnixSocketPaths unixPaths) {
        this.topology = topology;
        this.own = List.copyOf(own);
        this.right = List.copyOf(right);
        this.leftLabels = List.copyOf(leftLabels);
        this.attempts = attempts;
        this.retryBaseMillis = retryBaseMillis;
        this.deadlineNanos = deadlineNanos;
        this.handshake = handshake;
        this.log = log;
        this.unixPaths = unixPaths;
    }

    /**
     * Makes all connections.
     *
     * @return the left connections then the right ones, {@code k} each
     * @throws RingException naming the address or peer that failed
     */
    public RingConnections connect() {
        int r = topology.rank();
        List<Listener> listeners = bindAll();
        List<Connection> left = new ArrayList<>();
        List<Connection> rightConns = new ArrayList<>();
        boolean ok = false;
        try {
            if (topology.acceptsFirst()) {
                log.accept("rank " + r + " accepting " + own.size() + " connection(s) from rank " + topology.left());
                acceptAll(listeners, left);
                log.accept("rank " + r + " connecting to rank " + topology.right());
                connectAll(rightConns);
            } else {
                log.accept("rank " + r + " connecting to rank " + topology.right());
                connectAll(rightConns);
                log.accept("rank " + r + " accepting " + own.size() + " connection(s) from rank " + topology.left());
                acceptAll(listeners, left);
            }
            ok = true;
        } finally {
            listeners.forEach(Listener::close);
            if (!ok) {
                left.forEach(Connection::close);
                rightConns.forEach(Connection::close);
            }
        }
        log.accept("rank " + r + " connected: " + left.size() + " left, " + rightConns.size() + " right");
        return new RingConnections(left, rightConns);
    }

    /**
     * One listening address: its TCP listener and, for this machine's addresses, the Unix socket
     * that stands in for it (null when there is none).
     */
    private record Listener(ServerSocketChannel tcp, ServerSocketChannel unix, Path unixPath) {
        /** Closes both and removes the socket file, which no one may connect to once this rank stops listening. */
        void close() {
            closeQuietly(tcp);
            closeQuietly(unix);
            if (unixPath != null) {
                try {
                    Files.deleteIfExists(unixPath);
                } catch (IOException ignored) {
                    // Harmless: the next rank to bind this address removes a stale file first.
                }
            }
        }
    }

    private List<Listener> bindAll() {
        List<Listener> listeners = new ArrayList<>();
        for (int i = 0; i < own.size(); i++) {
            Endpoint e = own.get(i);
            // The Unix socket first: see bindUnix.
            Path path = unixPaths == null ? null : unixPaths.pathFor(e.address());
            ServerSocketChannel unix = path == null ? null : bindUnix(path, e);
            ServerSocketChannel ch = null;
            try {
                ch = ServerSocketChannel.open(); // follows the address family of the bind address
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                ch.bind(e.address(), 0);
                ch.configureBlocking(false);
                listeners.add(new Listener(ch, unix, unix == null ? null : path));
            } catch (IOException ex) {
                closeQuietly(ch);
                new Listener(null, unix, unix == null ? null : path).close();
                listeners.forEach(Listener::close);
                String hint = ex instanceof BindException
                        ? "; is another process (or an earlier run) using the port, or is the address not this machine's?"
                        : "";
                throw new RingException("rank " + topology.rank() + " cannot listen on " + e.label()
                        + " (its address " + i + " in the hostfile): " + ex.getMessage() + hint, ex);
            }
        }
        return listeners;
    }

    /**
     * Listens on the Unix socket that stands in for {@code e}, or returns null (then the left
     * neighbour connects over TCP).
     *
     * <p>Why before the TCP listener: a neighbour tries the Unix socket before TCP, so once the TCP
     * address accepts, the Unix socket must already be there, or a neighbour that tried it a moment
     * too early would settle for TCP. A file already at the path is a crashed run's leftover when
     * connecting to it is refused, and is replaced; one that accepts belongs to a live rank (which
     * then also holds the TCP address, and this rank's bind of it fails next).
     */
    private ServerSocketChannel bindUnix(Path path, Endpoint e) {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(path);
        ServerSocketChannel ch = null;
        try {
            if (Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    probe.connect(address);
                    log.accept("rank " + topology.rank() + " finds a live Unix socket at " + path + " for " + e.label()
                            + "; its left neighbour connects over TCP");
                    return null;
                } catch (IOException refused) {
                    Files.deleteIfExists(path);
                }
            }
            ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            ch.bind(address, 0);
            ch.configureBlocking(false);
            log.accept("rank " + topology.rank() + " also listens for " + e.label() + " on the Unix socket " + path);
            return ch;
        } catch (IOException | UnsupportedOperationException ex) {
            closeQuietly(ch);
            log.accept("rank " + topology.rank() + " cannot listen on the Unix socket " + path + " (" + ex
                    + "); its left neighbour connects over TCP");
            return null;
        }
    }

    private void acceptAll(List<Listener> listeners, List<Connection> out) {
        int k = listeners.size();
        Connection[] accepted = new Connection[k];
        int have = 0;
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < k; i++) {
                Listener l = listeners.get(i);
                l.tcp().register(selector, SelectionKey.OP_ACCEPT, i);
                if (l.unix() != null) {
                    l.unix().register(selector, SelectionKey.OP_ACCEPT, i);
                }
            }
            while (have < k) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    throw new RingTimeoutException("rank " + topology.rank() + " waited for rank " + topology.left()
                            + " (its left neighbour) to connect to " + missing(accepted)
                            + " until the set-up timeout (RING4J_SETUP_TIMEOUT); is rank " + topology.left()
                            + " running with the same hostfile, and can it reach this address?"
                            + (lastRejection == null ? "" : " The last connection it rejected: " + lastRejection));
                }
                selector.select(Math.max(1, Math.min(left / 1_000_000, 500)));
                for (SelectionKey key : selector.selectedKeys()) {
                    if (!key.isValid()) {
                        continue; // its listener was closed in this round: the other channel of an address already taken
                    }
                    int li = (Integer) key.attachment();
                    SocketChannel ch = ((ServerSocketChannel) key.channel()).accept();
                    if (ch == null) {
                        continue;
                    }
                    int index = admit(ch, li);
                    if (index < 0) {
                        continue;
                    }
                    if (accepted[index] != null) {
                        log.accept("rank " + topology.rank() + " rejects a second connection " + index + " from "
                                + Connection.remoteLabel(ch));
                        closeQuietly(ch);
                        continue;
                    }
                    configure(ch);
                    accepted[index] = new Connection(ch, Side.LEFT, index, topology.rank(), topology.left(),
                            leftLabels.get(index));
                    have++;
                    // MLX accepts exactly one connection per address and then closes the listener.
                    listeners.get(li).close();
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            for (Connection c : accepted) {
                if (c != null) {
                    c.close();
                }
            }
            throw new RingException("rank " + topology.rank() + " failed while accepting connections from rank "
                    + topology.left() + ": " + e.getMessage(), e);
        }
        for (Connection c : accepted) {
            out.add(c);
        }
    }

    private int admit(SocketChannel ch, int listenerIndex) {
        String from = Connection.remoteLabel(ch);
        try {
            ch.configureBlocking(true);
            int index = handshake.admit(ch, listenerIndex, deadlineNanos);
            if (index < 0 || index >= own.size()) {
                closeQuietly(ch);
                return -1;
            }
            log.accept("rank " + topology.rank() + " accepted left connection " + index + " from " + from);
            return index;
        } catch (IOException | RuntimeException e) {
            lastRejection = "from " + from + " on " + own.get(listenerIndex).label() + ": " + describe(e);
            log.accept("rank " + topology.rank() + " rejects a connection " + lastRejection);
            closeQuietly(ch);
            return -1;
        }
    }

    private void connectAll(List<Connection> out) {
        int peer = topology.right();
        for (int i = 0; i < right.size(); i++) {
            Endpoint e = right.get(i);
            SocketChannel ch = connectWithRetries(e, i, peer);
            try {
                handshake.greet(ch, i, deadlineNanos);
                configure(ch);
            } catch (IOException ex) {
                closeQuietly(ch);
                throw new RingException("rank " + topology.rank() + " lost connection " + i + " to rank " + peer
                        + " at " + e.label() + " during the handshake: " + ex.getMessage(), ex);
            } catch (RuntimeException ex) {
                closeQuietly(ch);
                throw ex;
            }
            out.add(new Connection(ch, Side.RIGHT, i, topology.rank(), peer, e.label()));
            log.accept("rank " + topology.rank() + " connected to rank " + peer + " at " + e.label()
                    + " (connection " + i + (Connection.isUnix(ch) ? ", over a Unix socket" : "") + ")");
        }
    }

    private SocketChannel connectWithRetries(Endpoint e, int index, int peer) {
        IOException last = null;
        long startNanos = System.nanoTime();
        for (int attempt = 0; attempt < attempts; attempt++) {
            if (attempt > 0) {
                long wait = retryBaseMillis << Math.min(attempt - 1, 20);
                long left = (deadlineNanos - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    break;
                }
                log.accept("rank " + topology.rank() + " attempt " + attempt + " to " + e.label() + " in " + wait
                        + " ms (" + (last == null ? "" : last.getMessage()) + ")");
                sleep(Math.min(wait, left));
            }
            long left = (deadlineNanos - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                break;
            }
            SocketChannel unix = connectUnix(e);
            if (unix != null) {
                return unix;
            }
            SocketChannel ch = null;
            try {
                ch = SocketChannel.open();
                ch.socket().connect(e.address(), (int) Math.min(Integer.MAX_VALUE, Math.max(1, left)));
                return preferUnix(ch, e);
            } catch (ConnectException | SocketTimeoutException ex) {
                closeQuietly(ch);
                last = ex;
            } catch (IOException ex) {
                closeQuietly(ch);
                last = ex;
            }
        }
        long spent = (System.nanoTime() - startNanos) / 1_000_000;
        throw new RingException("rank " + topology.rank() + " could not connect to rank " + peer + " at " + e.label()
                + " (connection " + index + ") after " + attempts + " attempt(s) over " + spent + " ms: "
                + (last == null ? "set-up timeout reached" : last.getMessage())
                + "; is rank " + peer + " running with the same hostfile, and is " + e.label() + " reachable?", last);
    }

    /**
     * @return a connection to the Unix socket standing in for {@code e}, or null when there is none
     *     or it refuses (a crashed run's file, or a peer that does not listen there): then TCP
     */
    private SocketChannel connectUnix(Endpoint e) {
        Path path = unixPaths == null ? null : unixPaths.pathFor(e.address());
        if (path == null || !Files.exists(path)) {
            return null;
        }
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(path));
            return ch;
        } catch (IOException | UnsupportedOperationException ex) {
            closeQuietly(ch);
            log.accept("rank " + topology.rank() + " cannot connect to the Unix socket " + path + " for " + e.label()
                    + " (" + ex.getMessage() + "); trying TCP");
            return null;
        }
    }

    /**
     * @return {@code tcp}, or a Unix socket connection instead when the neighbour started to listen
     *     on one between this rank's try of it and the TCP connect. Why: the neighbour binds its Unix
     *     socket before its TCP address, so a TCP connect that succeeds finds the Unix socket there
     *     if the neighbour has one; without this second look, a rank that tried a moment too early
     *     would stay on TCP. The TCP connection is then closed unused, and the neighbour drops it as
     *     a connection that never said hello.
     */
    private SocketChannel preferUnix(SocketChannel tcp, Endpoint e) {
        SocketChannel unix = connectUnix(e);
        if (unix == null) {
            return tcp;
        }
        closeQuietly(tcp);
        log.accept("rank " + topology.rank() + " found the Unix socket for " + e.label()
                + " after connecting over TCP; uses the Unix socket");
        return unix;
    }

    /** An exception's message, or its type where it has none (a bug, not a peer's fault). */
    private static String describe(Exception e) {
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    private static void configure(SocketChannel ch) throws IOException {
        if (ch.supportedOptions().contains(StandardSocketOptions.TCP_NODELAY)) {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }
    }

    private String missing(Connection[] accepted) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < accepted.length; i++) {
            if (accepted[i] == null) {
                sb.append(sb.length() == 0 ? "" : ", ").append(own.get(i).label());
            }
        }
        return sb.toString();
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RingException("rank " + topology.rank() + " was interrupted while connecting", e);
        }
    }

    private static void closeQuietly(java.nio.channels.Channel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // best effort
            }
        }
    }
}
