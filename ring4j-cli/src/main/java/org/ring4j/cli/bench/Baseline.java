package org.ring4j.cli.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The limits a benchmark is compared with, measured in the same run over the wire the ring uses
 * between local ranks (loopback TCP, or a Unix domain socket): a stream (one connection, 1 MiB
 * direct buffers, like {@code iperf3 -c 127.0.0.1}), the same connection with both ends sending
 * at once (like {@code iperf3 --bidir}), and a memory copy (a 32 MiB bulk copy between direct
 * buffers, like {@code memcpy}).
 *
 * <p>Why the duplex limit: in a stream, one core sends and another receives. In a ring every rank
 * sends and receives at once, so on a host with a core per rank each core does both sides' kernel
 * work, and the one-way stream is a bound no TCP ring can reach (busbw of a 2-rank ring is the
 * bytes each rank sends per second). The duplex stream is that ring's bound.
 *
 * <p>Why the ring's own wire: a ratio to another wire's limit says nothing about how well ring4j
 * uses the one it has (a Unix socket moved about twice what loopback TCP did here).
 *
 * @param wire {@code tcp} or {@code unix}: what the streams ran over
 * @param streamGBps bytes per second through one connection, one way, in GB/s
 * @param duplexGBps bytes per second each way through one connection whose two ends, each on its
 *     own thread, send and receive at once (the mean of the two directions), in GB/s
 * @param memcpyGBps bytes copied per second, in GB/s
 */
public record Baseline(String wire, double streamGBps, double duplexGBps, double memcpyGBps) {

    /**
     * Measures the three limits, each for about {@code each}.
     *
     * @param unix over a Unix domain socket (what local ranks use by default) instead of loopback TCP
     */
    public static Baseline measure(Duration each, boolean unix) {
        return new Baseline(unix ? "unix" : "tcp", stream(each, unix), duplex(each, unix), memcpy(each));
    }

    /** Parses {@code wire,stream,duplex,memcpy} as passed to ranks. */
    static Baseline parse(String text) {
        String[] p = text.split(",");
        return new Baseline(p[0], Double.parseDouble(p[1]), Double.parseDouble(p[2]), Double.parseDouble(p[3]));
    }

    /** The form {@link #parse} reads. */
    String format() {
        return wire + "," + streamGBps + "," + duplexGBps + "," + memcpyGBps;
    }

    /** @return the wire as the header names it */
    String wireName() {
        return wire.equals("unix") ? "Unix socket" : "loopback TCP";
    }

    /**
     * A listening socket on loopback TCP or on a Unix socket in a fresh private directory, removed
     * with it.
     */
    private static final class Listener implements AutoCloseable {
        final ServerSocketChannel server;
        private final Path dir;

        Listener(boolean unix) throws IOException {
            if (unix) {
                dir = Files.createTempDirectory("ring4j-baseline");
                server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                server.bind(UnixDomainSocketAddress.of(dir.resolve("s.sock")));
            } else {
                dir = null;
                server = ServerSocketChannel.open();
                server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            }
        }

        SocketChannel connect() throws IOException {
            SocketChannel ch = SocketChannel.open(server.getLocalAddress());
            if (dir == null) {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            return ch;
        }

        @Override
        public void close() throws IOException {
            server.close();
            if (dir != null) {
                Files.deleteIfExists(dir.resolve("s.sock"));
                Files.deleteIfExists(dir);
            }
        }
    }

    /**
     * Both ends of one loopback connection send 1 MiB writes and read whatever has arrived, each
     * on its own thread, without blocking, for 200 ms of warm-up and then {@code each}; both stop
     * at the same deadline, so no write waits for a reader that has gone.
     *
     * @return the mean of the two directions' bytes per nanosecond (GB/s)
     */
    static double duplex(Duration each, boolean unix) {
        try (Listener listener = new Listener(unix)) {
            try (SocketChannel a = listener.connect(); SocketChannel b = listener.server.accept()) {
                long start = System.nanoTime() + 200_000_000L;
                long end = start + each.toNanos();
                double[] rates = new double[2];
                Thread other = new Thread(() -> rates[1] = duplexEnd(b, start, end), "ring4j-baseline-duplex");
                other.start();
                rates[0] = duplexEnd(a, start, end);
                other.join(10_000 + each.toMillis());
                return (rates[0] + rates[1]) / 2;
            }
        } catch (IOException e) {
            throw new org.ring4j.cli.CliException("the " + (unix ? "Unix socket" : "loopback TCP")
                    + " duplex baseline failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** One end of {@link #duplex}: returns the bytes per nanosecond it received between {@code start} and {@code end}. */
    private static double duplexEnd(SocketChannel ch, long start, long end) {
        try {
            ch.configureBlocking(false);
            ByteBuffer out = ByteBuffer.allocateDirect(1 << 20);
            ByteBuffer in = ByteBuffer.allocateDirect(1 << 20);
            long received = 0;
            long now;
            while ((now = System.nanoTime()) < end) {
                if (!out.hasRemaining()) {
                    out.clear();
                }
                ch.write(out);
                in.clear();
                int n = ch.read(in);
                if (n < 0) {
                    break;
                }
                if (now >= start) {
                    received += n;
                }
            }
            return received / (double) Math.max(1, end - start);
        } catch (IOException e) {
            return 0; // the other end closed early: its thread failed, and the limit reads as 0
        }
    }

    static double memcpy(Duration each) {
        int size = 32 << 20;
        ByteBuffer a = ByteBuffer.allocateDirect(size);
        ByteBuffer b = ByteBuffer.allocateDirect(size);
        for (int i = 0; i < 3; i++) { // warm up the copy loop and touch every page
            b.put(0, a, 0, size);
        }
        long bytes = 0;
        long start = System.nanoTime();
        long end = start + each.toNanos();
        long now;
        do {
            b.put(0, a, 0, size);
            bytes += size;
            now = System.nanoTime();
        } while (now < end);
        return bytes / (double) (now - start);
    }

    static double stream(Duration each, boolean unix) {
        try (Listener listener = new Listener(unix)) {
            ServerSocketChannel server = listener.server;
            AtomicLong received = new AtomicLong();
            long[] window = new long[2];
            Thread reader = new Thread(() -> {
                try (SocketChannel in = server.accept()) {
                    ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
                    long warmEnd = System.nanoTime() + 200_000_000L;
                    boolean counting = false;
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        buf.clear();
                        long now = System.nanoTime();
                        if (!counting && now >= warmEnd) {
                            counting = true;
                            window[0] = now;
                        } else if (counting) {
                            received.addAndGet(n);
                            window[1] = now;
                        }
                    }
                } catch (IOException e) {
                    // the writer closed: done
                }
            }, "ring4j-baseline-reader");
            reader.start();
            try (SocketChannel out = listener.connect()) {
                ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
                long end = System.nanoTime() + 200_000_000L + each.toNanos();
                while (System.nanoTime() < end) {
                    buf.clear();
                    while (buf.hasRemaining()) {
                        out.write(buf);
                    }
                }
            }
            reader.join(10_000);
            long span = window[1] - window[0];
            return span <= 0 ? 0 : received.get() / (double) span;
        } catch (IOException e) {
            throw new org.ring4j.cli.CliException("the " + (unix ? "Unix socket" : "loopback TCP") + " stream baseline failed: "
                    + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
