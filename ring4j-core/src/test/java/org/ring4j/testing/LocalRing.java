package org.ring4j.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.ring4j.Group;
import org.ring4j.RingOptions;
import org.ring4j.collective.RingGroup;
import org.ring4j.protocol.RingTopology;
import org.ring4j.transport.Endpoint;
import org.ring4j.transport.Handshake;
import org.ring4j.transport.RingConnections;
import org.ring4j.transport.RingConnector;

/**
 * A ring of {@code n} ranks as threads of this JVM over loopback, for tests. {@link #run} runs one
 * body per rank concurrently and rethrows the first failure; everything is bounded in time.
 */
public final class LocalRing implements AutoCloseable {
    private final List<Group> groups;
    private final ExecutorService pool;

    private LocalRing(List<Group> groups, ExecutorService pool) {
        this.groups = groups;
        this.pool = pool;
    }

    /** Forms a ring of {@code n} ranks with {@code k} connections each on free loopback ports. */
    public static LocalRing start(int n, int k, RingOptions options) throws Exception {
        List<List<Endpoint>> addrs = freeEndpoints(n, k);
        ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "local-ring");
            t.setDaemon(true);
            return t;
        });
        List<Future<Group>> futures = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            int rank = r;
            futures.add(pool.submit(() -> connect(rank, n, addrs, options)));
        }
        List<Group> groups = new ArrayList<>();
        try {
            for (Future<Group> f : futures) {
                groups.add(f.get(60, TimeUnit.SECONDS));
            }
        } catch (Exception e) {
            for (Future<Group> f : futures) {
                f.cancel(true);
            }
            groups.forEach(Group::close);
            pool.shutdownNow();
            throw e;
        }
        return new LocalRing(groups, pool);
    }

    /** Connects one rank the way {@code Ring.connect} does, from already-resolved endpoints. */
    public static Group connect(int rank, int n, List<List<Endpoint>> addrs, RingOptions options) {
        RingTopology topo = new RingTopology(rank, n);
        RingConnections conns = n == 1 ? RingConnections.none()
                : new RingConnector(topo, addrs.get(rank), addrs.get(topo.right()), options.connectAttempts(),
                        options.connectRetryBase().toMillis(),
                        System.nanoTime() + options.setupTimeout().toNanos(), Handshake.NONE, s -> { }).connect();
        return new RingGroup(topo, conns, options);
    }

    /** @return {@code n} lists of {@code k} free loopback endpoints */
    public static List<List<Endpoint>> freeEndpoints(int n, int k) throws IOException {
        List<List<Endpoint>> all = new ArrayList<>();
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int r = 0; r < n; r++) {
                List<Endpoint> mine = new ArrayList<>();
                for (int i = 0; i < k; i++) {
                    ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                    held.add(s);
                    InetSocketAddress a = new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
                    mine.add(new Endpoint(a, "127.0.0.1:" + s.getLocalPort()));
                }
                all.add(mine);
            }
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
        return all;
    }

    /** @return the groups, by rank */
    public List<Group> groups() {
        return groups;
    }

    /** A body run on each rank. */
    public interface RankBody {
        /** Runs rank {@code g.rank()}'s part. */
        void run(Group g) throws Exception;
    }

    /** Runs {@code body} on every rank concurrently; rethrows the first failure; at most {@code seconds}. */
    public void run(RankBody body, int seconds) throws Exception {
        List<Future<Void>> fs = new ArrayList<>();
        for (Group g : groups) {
            Callable<Void> c = () -> {
                body.run(g);
                return null;
            };
            fs.add(pool.submit(c));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Exception first = null;
        for (Future<Void> f : fs) {
            try {
                f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                if (first == null) {
                    first = e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
                }
            } catch (java.util.concurrent.TimeoutException e) {
                if (first == null) {
                    first = new java.util.concurrent.TimeoutException("rank " + fs.indexOf(f)
                            + " did not finish within " + seconds + " s");
                }
                f.cancel(true);
            }
        }
        if (first != null) {
            close();
            throw first;
        }
    }

    @Override
    public void close() {
        groups.forEach(Group::close);
        pool.shutdownNow();
    }
}
