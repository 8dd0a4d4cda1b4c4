package org.ring4j.cli.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The limits a benchmark is compared with, measured in the same run: a loopback TCP stream (one
 * connection, 1 MiB direct buffers, like {@code iperf3 -c 127.0.0.1}) and a memory copy (a
 * 32 MiB bulk copy between direct buffers, like {@code memcpy}).
 *
 * @param tcpGBps bytes per second through one loopback TCP connection, in GB/s
 * @param memcpyGBps bytes copied per second, in GB/s
 */
public record Baseline(double tcpGBps, double memcpyGBps) {

    /** Measures both limits, each for about {@code each}. */
    public static Baseline measure(Duration each) {
        return new Baseline(tcpStream(each), memcpy(each));
    }

    /** Parses {@code tcp,memcpy} as passed to ranks. */
    static Baseline parse(String text) {
        String[] p = text.split(",");
        return new Baseline(Double.parseDouble(p[0]), Double.parseDouble(p[1]));
    }

    /** The form {@link #parse} reads. */
    String format() {
        return tcpGBps + "," + memcpyGBps;
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

    static double tcpStream(Duration each) {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
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
            try (SocketChannel out = SocketChannel.open(server.getLocalAddress())) {
                out.setOption(StandardSocketOptions.TCP_NODELAY, true);
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
            throw new org.ring4j.cli.CliException("the loopback TCP baseline failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
