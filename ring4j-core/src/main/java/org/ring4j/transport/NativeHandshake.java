package org.ring4j.transport;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.ring4j.RingException;

/**
 * The native protocol's handshake: before a connection joins the ring, the connecting rank says
 * who it is and the accepting rank checks it; with a shared secret both prove they know it with
 * HMAC-SHA256 over fresh nonces, so the secret never crosses the wire and a recorded exchange
 * cannot be replayed.
 *
 * <pre>
 * connector -> acceptor  HELLO  (68 bytes, little-endian)
 *   0        4        6        8            12           16           20                  52          68
 *   | "R4JH" | ver u16 | flags  | group size | sender rank | conn index | group id (SHA-256) | nonce C  |
 *                      bit 0 = has a secret
 * acceptor -> connector  REPLY  (56 bytes)
 *   0        4             8           24                        56
 *   | "R4JR" | status u32   | nonce A   | proof A (32)            |     status 0 = go on, else refused
 * connector -> acceptor  PROOF  (32 bytes, only with a secret)
 *   | proof C = HMAC(secret, "ring4j-connector" | nonce A | nonce C | group id) |
 * acceptor -> connector  VERDICT (4 bytes, only with a secret): status u32, 0 = admitted
 *
 * proof A = HMAC(secret, "ring4j-acceptor" | nonce C | nonce A | group id)
 * </pre>
 *
 * A connection that says anything else, too little, or too late is closed and logged by the
 * acceptor, which keeps waiting for the real peer: a port scanner cannot break the set-up.
 */
public final class NativeHandshake implements Handshake {
    static final int HELLO_MAGIC = 0x484A3452; // "R4JH" little-endian
    static final int REPLY_MAGIC = 0x524A3452; // "R4JR"
    /**
     * The native protocol's version. 2: with 2 ranks each ring direction travels both ways on one
     * connection ({@link org.ring4j.protocol.DirectionWiring}), and data is split over both
     * directions from a smaller size ({@link org.ring4j.protocol.AllReducePlan#NATIVE_MIN_SEND_SIZE}).
     * Ranks of version 1 would wait for data on other connections or in other pieces, so a ring of
     * mixed versions is refused at set-up.
     */
    static final short VERSION = 2;
    static final int HELLO_BYTES = 68;
    static final int REPLY_BYTES = 56;
    static final int PROOF_BYTES = 32;

    /** Refusal codes, sent in REPLY and VERDICT. */
    static final int OK = 0;
    static final int BAD_GROUP = 1;
    static final int BAD_RANK = 2;
    static final int NEED_SECRET = 3;
    static final int UNEXPECTED_SECRET = 4;
    static final int BAD_PROOF = 5;
    static final int BAD_VERSION = 6;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] groupId;
    private final int size;
    private final int rank;
    private final int expectedLeft;
    private final byte[] secret;
    private final long perConnectionMillis;

    /**
     * @param groupId 32 bytes identifying the group (the hostfile's fingerprint)
     * @param size ranks in the group
     * @param rank this rank
     * @param expectedLeft the only rank admitted by this rank's listeners
     * @param secret the shared secret, or null
     * @param perConnectionMillis how long one handshake may take before the peer is dropped
     */
    public NativeHandshake(byte[] groupId, int size, int rank, int expectedLeft, byte[] secret,
            long perConnectionMillis) {
        if (groupId.length != 32) {
            throw new IllegalArgumentException("group id must be 32 bytes");
        }
        this.groupId = groupId.clone();
        this.size = size;
        this.rank = rank;
        this.expectedLeft = expectedLeft;
        this.secret = secret == null ? null : secret.clone();
        this.perConnectionMillis = perConnectionMillis;
    }

    @Override
    public void greet(SocketChannel channel, int index, long deadlineNanos) throws IOException {
        byte[] nonceC = nonce();
        ByteBuffer hello = ByteBuffer.allocate(HELLO_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        hello.putInt(HELLO_MAGIC).putShort(VERSION).putShort((short) (secret != null ? 1 : 0)).putInt(size)
                .putInt(rank).putInt(index).put(groupId).put(nonceC).flip();
        writeFully(channel, hello);
        ByteBuffer reply = readFully(channel, REPLY_BYTES, timeout(deadlineNanos));
        if (reply.getInt(0) != REPLY_MAGIC) {
            throw new RingException("rank " + rank + ": the process at " + Connection.remoteLabel(channel)
                    + " is not a ring4j rank speaking the native protocol (wrong reply); is it an MLX rank? "
                    + "then set RING4J_PROTOCOL=mlx on every rank");
        }
        int status = reply.getInt(4);
        if (status != OK) {
            throw refused(status, channel);
        }
        if (secret == null) {
            return;
        }
        byte[] nonceA = new byte[16];
        reply.get(8, nonceA);
        byte[] proofA = new byte[32];
        reply.get(24, proofA);
        if (!MessageDigest.isEqual(proofA, hmac("ring4j-acceptor", nonceC, nonceA))) {
            throw new RingException("rank " + rank + ": the rank at " + Connection.remoteLabel(channel)
                    + " does not know the shared secret; RING4J_SECRET must be the same on every rank");
        }
        writeFully(channel, ByteBuffer.wrap(hmac("ring4j-connector", nonceA, nonceC)));
        ByteBuffer verdict = readFully(channel, 4, timeout(deadlineNanos));
        int v = verdict.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        if (v != OK) {
            throw refused(v, channel);
        }
    }

    @Override
    public int admit(SocketChannel channel, int listenerIndex, long deadlineNanos) throws IOException {
        long millis = Math.min(perConnectionMillis, timeout(deadlineNanos));
        long startNanos = System.nanoTime();
        ByteBuffer hello = readFully(channel, HELLO_BYTES, millis);
        if (hello.getInt(0) != HELLO_MAGIC) {
            throw new IOException("it did not start with a ring4j hello (a stray client, a port scanner,"
                    + " or an MLX rank: set RING4J_PROTOCOL=mlx on every rank to mix with MLX)");
        }
        short version = hello.getShort(4);
        boolean peerHasSecret = (hello.getShort(6) & 1) != 0;
        int peerSize = hello.getInt(8);
        int peerRank = hello.getInt(12);
        int index = hello.getInt(16);
        byte[] peerGroup = new byte[32];
        hello.get(20, peerGroup);
        byte[] nonceC = new byte[16];
        hello.get(52, nonceC);
        int status = OK;
        String why = null;
        if (version != VERSION) {
            status = BAD_VERSION;
            why = "protocol version " + version + ", this rank speaks " + VERSION;
        } else if (peerSize != size || !Arrays.equals(peerGroup, groupId)) {
            status = BAD_GROUP;
            why = "it belongs to another group (a different hostfile, or " + peerSize + " ranks instead of " + size + ")";
        } else if (peerRank != expectedLeft || index != listenerIndex) {
            status = BAD_RANK;
            why = "it says it is rank " + peerRank + " connection " + index + ", but only rank " + expectedLeft
                    + " connection " + listenerIndex + " may connect here";
        } else if (secret != null && !peerHasSecret) {
            status = NEED_SECRET;
            why = "it has no shared secret but this rank requires one (RING4J_SECRET)";
        } else if (secret == null && peerHasSecret) {
            status = UNEXPECTED_SECRET;
            why = "it uses a shared secret but this rank has none (RING4J_SECRET must be set on every rank)";
        }
        byte[] nonceA = nonce();
        ByteBuffer reply = ByteBuffer.allocate(REPLY_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        reply.putInt(REPLY_MAGIC).putInt(status).put(nonceA);
        reply.put(status == OK && secret != null ? hmac("ring4j-acceptor", nonceC, nonceA) : new byte[32]).flip();
        writeFully(channel, reply);
        if (status != OK) {
            throw new IOException(why);
        }
        if (secret == null) {
            return index;
        }
        ByteBuffer proof;
        try {
            // The per-connection time bounds the whole handshake, not each read.
            proof = readFully(channel, PROOF_BYTES, Math.max(1, millis - (System.nanoTime() - startNanos) / 1_000_000));
        } catch (IOException e) {
            throw new IOException("it did not prove that it knows the shared secret (" + e.getMessage()
                    + "); a connector whose RING4J_SECRET differs hangs up here", e);
        }
        byte[] proofC = new byte[32];
        proof.get(0, proofC);
        boolean ok = MessageDigest.isEqual(proofC, hmac("ring4j-connector", nonceA, nonceC));
        ByteBuffer verdict = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(ok ? OK : BAD_PROOF).flip();
        writeFully(channel, verdict);
        if (!ok) {
            throw new IOException("it does not know the shared secret (authentication failed)");
        }
        return index;
    }

    private RingException refused(int status, SocketChannel channel) throws IOException {
        String reason;
        switch (status) {
            case BAD_GROUP: reason = "it belongs to a different group: every rank must use the same hostfile"; break;
            case BAD_RANK: reason = "it expects a different rank or connection index: check the hostfile's order"; break;
            case NEED_SECRET: reason = "it requires a shared secret: set RING4J_SECRET on every rank"; break;
            case UNEXPECTED_SECRET: reason = "it has no shared secret while this rank has one: set RING4J_SECRET on every rank, or on none"; break;
            case BAD_PROOF: reason = "authentication failed: RING4J_SECRET differs between the ranks"; break;
            case BAD_VERSION: reason = "it speaks another ring4j protocol version: use the same ring4j on every rank"; break;
            default: reason = "refusal code " + status;
        }
        return new RingException("rank " + rank + " was refused by its right neighbour at " + Connection.remoteLabel(channel)
                + ": " + reason);
    }

    private byte[] hmac(String label, byte[] first, byte[] second) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(label.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            mac.update(first);
            mac.update(second);
            mac.update(groupId);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }

    private static byte[] nonce() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return b;
    }

    private static long timeout(long deadlineNanos) throws SocketTimeoutException {
        long left = (deadlineNanos - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new SocketTimeoutException("set-up timeout reached during the handshake");
        }
        return left;
    }

    private static void writeFully(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /**
     * Reads exactly {@code n} bytes from a blocking channel, waiting at most {@code millis} in all
     * (not per read: a peer that sends one byte at a time must not stretch it). The channel is
     * blocking again afterwards.
     *
     * <p>Why a selector and not a socket timeout: Unix domain channels have no {@code socket()}
     * view to set one on, and this must work for both kinds.
     */
    static ByteBuffer readFully(SocketChannel ch, int n, long millis) throws IOException {
        long until = System.nanoTime() + Math.max(1, millis) * 1_000_000;
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        ch.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            ch.register(selector, SelectionKey.OP_READ);
            while (b.hasRemaining()) {
                int r = ch.read(b);
                if (r < 0) {
                    throw new EOFException("the connection closed after " + b.position() + " of " + n
                            + " handshake bytes");
                }
                if (r > 0) {
                    continue;
                }
                long left = (until - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new SocketTimeoutException("no handshake within " + millis + " ms (" + b.position() + " of "
                            + n + " bytes)");
                }
                selector.select(left);
                selector.selectedKeys().clear();
            }
        } finally {
            // Closing the selector deregistered the channel, so it may block again.
            if (ch.isOpen()) {
                ch.configureBlocking(true);
            }
        }
        return b.clear();
    }
}
