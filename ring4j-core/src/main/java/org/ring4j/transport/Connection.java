package org.ring4j.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import org.ring4j.RingException;

/**
 * One connection to a neighbour (TCP, or a Unix domain socket between ranks of one machine),
 * non-blocking once the set-up is done. Reads and writes never
 * block; they move what the socket takes and report end of stream and errors as
 * {@link RingException}s that name the peer.
 */
public final class Connection implements AutoCloseable {
    private final SocketChannel channel;
    private final Side side;
    private final int index;
    private final int selfRank;
    private final int peerRank;
    private final String peerAddress;
    private final boolean unix;
    private SelectionKey key;
    private int wantedOps;
    /** The two buffers of a gathering write or scattering read, kept so that neither allocates. */
    private final ByteBuffer[] pair = new ByteBuffer[2];

    /**
     * @param channel a connected channel
     * @param side which neighbour it leads to
     * @param index its index among the connections to that neighbour
     * @param selfRank this rank, for messages
     * @param peerRank the neighbour's rank
     * @param peerAddress the neighbour's address as written in the hostfile, for messages
     */
    public Connection(SocketChannel channel, Side side, int index, int selfRank, int peerRank, String peerAddress) {
        this.channel = channel;
        this.side = side;
        this.index = index;
        this.selfRank = selfRank;
        this.peerRank = peerRank;
        this.peerAddress = peerAddress;
        this.unix = isUnix(channel);
    }

    /** @return whether {@code channel} is a Unix domain socket (else TCP) */
    static boolean isUnix(SocketChannel channel) {
        return !channel.supportedOptions().contains(java.net.StandardSocketOptions.TCP_NODELAY);
    }

    /** @return the address at the other end of {@code channel}, for messages; Unix sockets have none worth printing */
    static String remoteLabel(SocketChannel channel) {
        if (isUnix(channel)) {
            return "a Unix socket of this machine";
        }
        try {
            return String.valueOf(channel.getRemoteAddress());
        } catch (IOException e) {
            return "an unknown address";
        }
    }

    /** @return {@code unix} for a Unix domain socket, {@code tcp} otherwise */
    public String transport() {
        return unix ? "unix" : "tcp";
    }

    /** @return which neighbour this connection leads to */
    public Side side() {
        return side;
    }

    /** @return the index among the connections to the same neighbour */
    public int index() {
        return index;
    }

    /** @return the neighbour's rank */
    public int peerRank() {
        return peerRank;
    }

    /** @return the neighbour's address as written in the hostfile */
    public String peerAddress() {
        return peerAddress;
    }

    /** @return the channel (for the set-up and tests) */
    public SocketChannel channel() {
        return channel;
    }

    /** @return e.g. {@code rank 2 (127.0.0.1:5002, right connection 0)} */
    public String describe() {
        return "rank " + peerRank + " (" + peerAddress + ", " + side.label() + " connection " + index + ")";
    }

    /** Switches to non-blocking mode and registers with {@code selector}. */
    void register(Selector selector) throws IOException {
        channel.configureBlocking(false);
        key = channel.register(selector, 0, this);
    }

    /**
     * Writes bytes {@code [from, to)} of {@code buffer} as far as the socket takes them.
     *
     * @return the number of bytes written, possibly 0
     * @throws RingException naming the peer if the connection is broken
     */
    public int write(ByteBuffer buffer, int from, int to) {
        buffer.limit(to).position(from);
        try {
            int n = channel.write(buffer);
            // Absolute accessors (the reduction kernels) check indexes against the limit.
            buffer.clear();
            return n;
        } catch (IOException e) {
            throw broken(e, "sending");
        }
    }

    /**
     * Reads into bytes {@code [from, to)} of {@code buffer} what has arrived.
     *
     * @return the number of bytes read, possibly 0
     * @throws RingException naming the peer at end of stream or if the connection is broken
     */
    public int read(ByteBuffer buffer, int from, int to) {
        buffer.limit(to).position(from);
        int n;
        try {
            n = channel.read(buffer);
            buffer.clear();
        } catch (IOException e) {
            throw broken(e, "receiving");
        }
        if (n < 0) {
            throw closedByPeer();
        }
        return n;
    }

    /**
     * Writes bytes {@code [aFrom, aTo)} of {@code a} and then {@code [bFrom, bTo)} of {@code b} in
     * one gathering write, as far as the socket takes them.
     *
     * @return the number of bytes written, possibly 0
     * @throws RingException naming the peer if the connection is broken
     */
    public long write(ByteBuffer a, int aFrom, int aTo, ByteBuffer b, int bFrom, int bTo) {
        arrange(a, aFrom, aTo, b, bFrom, bTo);
        try {
            return channel.write(pair);
        } catch (IOException e) {
            throw broken(e, "sending");
        } finally {
            release(a, b);
        }
    }

    /**
     * Reads into bytes {@code [aFrom, aTo)} of {@code a} and then {@code [bFrom, bTo)} of
     * {@code b} in one scattering read, what has arrived.
     *
     * @return the number of bytes read, possibly 0
     * @throws RingException naming the peer at end of stream or if the connection is broken
     */
    public long read(ByteBuffer a, int aFrom, int aTo, ByteBuffer b, int bFrom, int bTo) {
        arrange(a, aFrom, aTo, b, bFrom, bTo);
        long n;
        try {
            n = channel.read(pair);
        } catch (IOException e) {
            throw broken(e, "receiving");
        } finally {
            release(a, b);
        }
        if (n < 0) {
            throw closedByPeer();
        }
        return n;
    }

    private void arrange(ByteBuffer a, int aFrom, int aTo, ByteBuffer b, int bFrom, int bTo) {
        a.limit(aTo).position(aFrom);
        b.limit(bTo).position(bFrom);
        pair[0] = a;
        pair[1] = b;
    }

    private void release(ByteBuffer a, ByteBuffer b) {
        // Absolute accessors (the reduction kernels) check indexes against the limit.
        a.clear();
        b.clear();
        pair[0] = null;
        pair[1] = null;
    }

    /** @return the exception for a failed system call on this connection, naming the peer */
    private RingException broken(IOException e, String doing) {
        if (e instanceof ClosedChannelException) {
            return new RingException("rank " + selfRank + ": connection to " + describe() + " is closed", e);
        }
        return new RingException("rank " + selfRank + ": lost " + describe() + " while " + doing + ": " + e.getMessage(), e);
    }

    private RingException closedByPeer() {
        return new RingException("rank " + selfRank + ": " + describe()
                + " closed the connection (the peer exited or failed); check that rank's output");
    }

    /** Adds {@code ops} (SelectionKey.OP_READ / OP_WRITE) to what the next park waits for. */
    public void want(int ops) {
        wantedOps |= ops;
    }

    /** Applies the wanted interest to the selection key and clears it for the next round. */
    void applyInterest() {
        if (key != null && key.isValid()) {
            if (key.interestOps() != wantedOps) {
                key.interestOps(wantedOps);
            }
        }
        wantedOps = 0;
    }

    /** @return the ops wanted since the last {@link #applyInterest()} */
    int wantedOps() {
        return wantedOps;
    }

    /** Closes the socket; idempotent and never throws. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing is best effort: the peer sees end of stream either way.
        }
    }
}
