package org.ring4j.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.ring4j.Group;
import org.ring4j.Ring;
import org.ring4j.RingOptions;
import org.ring4j.config.Hostfile;
import org.ring4j.config.LocalHostfiles;

/**
 * A ring of {@code n} ranks as threads of this JVM over loopback, for tests. {@link #run} runs one
 * body per rank concurrently and rethrows the first failure; everything is bounded in time.
 */
public final class LocalRing implements AutoCloseable {
    private final Hostfile hostfile;
    private final List<Group> groups;
    private final ExecutorService pool;

    private LocalRing(Hostfile hostfile, List<Group> groups, ExecutorService pool) {
        this.hostfile = hostfile;
        this.groups = groups;
        this.pool = pool;
    }

    /** Forms a ring of {@code n} ranks with {@code k} connections each on free loopback ports. */
    public static LocalRing start(int n, int k, RingOptions options) throws Exception {
        Hostfile hostfile = LocalHostfiles.loopback(n, k);
        ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "local-ring");
            t.setDaemon(true);
            return t;
        });
        List<Future<Group>> futures = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            int rank = r;
            futures.add(pool.submit(() -> Ring.connect(hostfile, rank, options)));
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
        return new LocalRing(hostfile, groups, pool);
    }

    /** @return the ring's hostfile */
    public Hostfile hostfile() {
        return hostfile;
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
