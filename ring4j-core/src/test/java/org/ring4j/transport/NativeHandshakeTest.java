package org.ring4j.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ring4j.RingException;

/**
 * The native handshake over real loopback sockets: the connector's {@code greet} against the
 * acceptor's {@code admit}, and each of them against hand-made bytes written from the layout in
 * {@link NativeHandshake}'s documentation (so the wire format is checked independently too).
 *
 * <p>Set-up used throughout: a group of 4 ranks; the acceptor is rank 2, which admits only rank 1;
 * the connector is rank 1.
 */
@Timeout(120)
class NativeHandshakeTest {
    private static final byte[] GROUP = sha256("group A");
    private static final byte[] OTHER_GROUP = sha256("group B");
    private static final long FUZZ_SEED = 0x5EED_2024L;
    private static final int FUZZ_COUNT = 2000;

    private ServerSocketChannel server;
    private ExecutorService pool;

    @BeforeEach
    void open() throws IOException {
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        pool = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "handshake-peer");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterEach
    void close() throws IOException {
        server.close();
        pool.shutdownNow();
    }

    // ================================================================ greet against admit

    @Test
    void aCorrectHelloIsAdmittedWithoutASecret() throws Exception {
        Outcome[] o = exchange(connector(GROUP, 4, 1, null), 0, acceptor(null, 5_000), 0);
        assertThat(o[0].error).as("greet").isNull();
        assertThat(o[1].error).as("admit").isNull();
        assertThat(o[1].value).isEqualTo(0);
    }

    @Test
    void aCorrectHelloIsAdmittedWithTheSameSecretOnEveryConnection() throws Exception {
        for (int index = 0; index < 3; index++) {
            Outcome[] o = exchange(connector(GROUP, 4, 1, "s3cret"), index, acceptor("s3cret", 5_000), index);
            assertThat(o[0].error).as("greet %d", index).isNull();
            assertThat(o[1].error).as("admit %d", index).isNull();
            assertThat(o[1].value).isEqualTo(index);
        }
    }

    @Test
    void anotherGroupIdIsRefused() throws Exception {
        Outcome[] o = exchange(connector(OTHER_GROUP, 4, 1, null), 0, acceptor(null, 5_000), 0);
        assertRefused(o, "it belongs to another group (a different hostfile, or 4 ranks instead of 4)",
                "it belongs to a different group: every rank must use the same hostfile");
    }

    @Test
    void anotherGroupSizeIsRefused() throws Exception {
        Outcome[] o = exchange(connector(GROUP, 5, 1, null), 0, acceptor(null, 5_000), 0);
        assertRefused(o, "5 ranks instead of 4", "it belongs to a different group");
    }

    @Test
    void anotherRankIsRefused() throws Exception {
        Outcome[] o = exchange(connector(GROUP, 4, 3, null), 0, acceptor(null, 5_000), 0);
        assertRefused(o, "it says it is rank 3 connection 0, but only rank 1 connection 0 may connect here",
                "it expects a different rank or connection index");
        assertThat(o[0].error).hasMessageStartingWith("rank 3 was refused by its right neighbour at ");
    }

    @Test
    void anotherConnectionIndexIsRefused() throws Exception {
        Outcome[] o = exchange(connector(GROUP, 4, 1, null), 1, acceptor(null, 5_000), 0);
        assertRefused(o, "it says it is rank 1 connection 1, but only rank 1 connection 0 may connect here",
                "it expects a different rank or connection index");
    }

    @Test
    void aConnectorWithASecretIsRefusedByAnAcceptorWithout() throws Exception {
        Outcome[] o = exchange(connector(GROUP, 4, 1, "s3cret"), 0, acceptor(null, 5_000), 0);
        assertRefused(o, "it uses a shared secret but this rank has none",
                "it has no shared secret while this rank has one");
    }

    @Test
    void aConnectorWithoutASecretIsRefusedByAnAcceptorWithOne() throws Exception {
        Outcome[] o = exchange(connector(GROUP, 4, 1, null), 0, acceptor("s3cret", 5_000), 0);
        assertRefused(o, "it has no shared secret but this rank requires one",
                "it requires a shared secret: set RING4J_SECRET on every rank");
    }

    @Test
    void differentSecretsFailOnBothSidesAndTheAcceptorSaysWhy() throws Exception {
        Outcome[] o = exchange(connector(GROUP, 4, 1, "one"), 0, acceptor("two", 5_000), 0);
        // The acceptor proves itself first, so the connector is the one that finds out: it refuses
        // the acceptor and hangs up before it sends its own proof.
        assertThat(o[0].error).isInstanceOf(RingException.class)
                .hasMessageContaining("does not know the shared secret; RING4J_SECRET must be the same on every rank");
        assertThat(o[1].error).isInstanceOf(IOException.class)
                .hasMessageContaining("did not prove that it knows the shared secret")
                .hasMessageContaining("RING4J_SECRET");
    }

    // ================================================================ admit against hand-made bytes

    @Test
    void admitChecksTheMagicAndTheVersionAndAnswersWithTheRefusalCode() throws Exception {
        // Wrong magic: refused without an answer (a stray client gets nothing back).
        try (Pair p = pair()) {
            p.client.write(ByteBuffer.wrap(Arrays.copyOf("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 68)));
            Throwable e = call(() -> acceptor(null, 2_000).admit(p.accepted, 0, deadline(10_000)));
            assertThat(e).isInstanceOf(IOException.class).hasMessageContaining("did not start with a ring4j hello");
        }
        // Wrong version: answered with status 6.
        try (Pair p = pair()) {
            int other = NativeHandshake.VERSION - 1;
            p.client.write(ByteBuffer.wrap(hello(NativeHandshake.HELLO_MAGIC, other, 0, 4, 1, 0, GROUP, new byte[16])));
            Throwable e = call(() -> acceptor(null, 2_000).admit(p.accepted, 0, deadline(10_000)));
            assertThat(e).isInstanceOf(IOException.class)
                    .hasMessageContaining("protocol version " + other + ", this rank speaks " + NativeHandshake.VERSION);
            ByteBuffer reply = NativeHandshake.readFully(p.client, NativeHandshake.REPLY_BYTES, 2_000);
            assertThat(reply.getInt(0)).isEqualTo(NativeHandshake.REPLY_MAGIC);
            assertThat(reply.getInt(4)).isEqualTo(NativeHandshake.BAD_VERSION);
        }
    }

    @Test
    void aWrongProofIsRefusedWithAVerdictAndTheRightProofIsAdmitted() throws Exception {
        for (boolean right : new boolean[] {false, true}) {
            try (Pair p = pair()) {
                byte[] nonceC = new byte[16];
                new Random(7).nextBytes(nonceC);
                p.client.write(ByteBuffer.wrap(hello(NativeHandshake.HELLO_MAGIC, NativeHandshake.VERSION, 1, 4, 1, 0, GROUP, nonceC)));
                Future<Outcome> admit = pool.submit(() -> Outcome.of(
                        () -> acceptor("s3cret", 5_000).admit(p.accepted, 0, deadline(10_000))));
                ByteBuffer reply = NativeHandshake.readFully(p.client, NativeHandshake.REPLY_BYTES, 5_000);
                assertThat(reply.getInt(0)).isEqualTo(NativeHandshake.REPLY_MAGIC);
                assertThat(reply.getInt(4)).isEqualTo(NativeHandshake.OK);
                byte[] nonceA = new byte[16];
                reply.get(8, nonceA);
                byte[] proofA = new byte[32];
                reply.get(24, proofA);
                assertThat(proofA).as("proof A follows the documented formula")
                        .isEqualTo(hmac("s3cret", "ring4j-acceptor", nonceC, nonceA, GROUP));
                byte[] proofC = right ? hmac("s3cret", "ring4j-connector", nonceA, nonceC, GROUP) : new byte[32];
                p.client.write(ByteBuffer.wrap(proofC));
                ByteBuffer verdict = NativeHandshake.readFully(p.client, 4, 5_000);
                Outcome o = admit.get(10, TimeUnit.SECONDS);
                if (right) {
                    assertThat(verdict.getInt(0)).isEqualTo(NativeHandshake.OK);
                    assertThat(o.error).isNull();
                    assertThat(o.value).isEqualTo(0);
                } else {
                    assertThat(verdict.getInt(0)).isEqualTo(NativeHandshake.BAD_PROOF);
                    assertThat(o.error).isInstanceOf(IOException.class)
                            .hasMessageContaining("does not know the shared secret (authentication failed)");
                }
            }
        }
    }

    @Test
    void everyTruncatedHelloIsRejectedAtEndOfStreamAndWithinThePerConnectionTimeWhenLeftOpen() throws Exception {
        byte[] valid = hello(NativeHandshake.HELLO_MAGIC, NativeHandshake.VERSION, 0, 4, 1, 0, GROUP, new byte[16]);
        long perConnection = 50;
        for (int length = 0; length < NativeHandshake.HELLO_BYTES; length++) {
            for (boolean hangUp : new boolean[] {true, false}) {
                try (Pair p = pair()) {
                    p.client.write(ByteBuffer.wrap(valid, 0, length));
                    if (hangUp) {
                        p.client.shutdownOutput();
                    }
                    long t0 = System.nanoTime();
                    Throwable e = call(() -> acceptor(null, perConnection).admit(p.accepted, 0, deadline(10_000)));
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    if (hangUp) {
                        assertThat(e).as("length %d, closed", length).isInstanceOf(EOFException.class)
                                .hasMessage("the connection closed after " + length + " of 68 handshake bytes");
                        assertThat(ms).as("length %d, closed", length).isLessThan(2_000);
                    } else {
                        assertThat(e).as("length %d, left open", length).isInstanceOf(SocketTimeoutException.class)
                                .hasMessage("no handshake within " + perConnection + " ms (" + length + " of 68 bytes)");
                        assertThat(ms).as("length %d, left open", length).isBetween(perConnection - 10, perConnection + 2_000);
                    }
                }
            }
        }
    }

    @Test
    void aSilentClientIsDroppedAfterThePerConnectionTime() throws Exception {
        try (Pair p = pair()) {
            long t0 = System.nanoTime();
            Throwable e = call(() -> acceptor(null, 300).admit(p.accepted, 0, deadline(60_000)));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(e).isInstanceOf(SocketTimeoutException.class).hasMessage("no handshake within 300 ms (0 of 68 bytes)");
            assertThat(ms).isBetween(290L, 2_300L);
        }
    }

    @Test
    void aClientThatSendsAHelloButNoProofIsDroppedWithinThePerConnectionTimeInAll() throws Exception {
        try (Pair p = pair()) {
            p.client.write(ByteBuffer.wrap(hello(NativeHandshake.HELLO_MAGIC, NativeHandshake.VERSION, 1, 4, 1, 0, GROUP, new byte[16])));
            long t0 = System.nanoTime();
            Throwable e = call(() -> acceptor("s3cret", 300).admit(p.accepted, 0, deadline(60_000)));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(e).isInstanceOf(IOException.class).hasMessageContaining("did not prove that it knows the shared secret")
                    .hasMessageContaining("(0 of 32 bytes)");
            assertThat(ms).isBetween(290L, 2_300L);
        }
    }

    @Test
    void aSilentClientIsDroppedAtTheSetUpDeadlineWhenThatComesFirst() throws Exception {
        try (Pair p = pair()) {
            long t0 = System.nanoTime();
            Throwable e = call(() -> acceptor(null, 60_000).admit(p.accepted, 0, deadline(300)));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(e).isInstanceOf(SocketTimeoutException.class);
            assertThat(ms).isLessThan(2_300L);
        }
    }

    @Test
    void aClientThatDribblesItsHelloIsDroppedWithinThePerConnectionTime() throws Exception {
        // One byte every 20 ms: each read returns before the socket timeout, so a timeout per read
        // would let such a client hold the acceptor for 68 x 20 ms (or, at the real 5 s per
        // connection, for minutes); the per-connection time bounds the whole handshake.
        byte[] valid = hello(NativeHandshake.HELLO_MAGIC, NativeHandshake.VERSION, 0, 4, 1, 0, GROUP, new byte[16]);
        try (Pair p = pair()) {
            Future<?> dribble = pool.submit(() -> {
                for (byte b : valid) {
                    p.client.write(ByteBuffer.wrap(new byte[] {b}));
                    Thread.sleep(20);
                }
                return null;
            });
            long t0 = System.nanoTime();
            Throwable e = call(() -> acceptor(null, 200).admit(p.accepted, 0, deadline(60_000)));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(e).isInstanceOf(SocketTimeoutException.class).hasMessageStartingWith("no handshake within 200 ms");
            assertThat(ms).isLessThan(1_000L);
            dribble.cancel(true);
        }
    }

    // ================================================================ greet against hand-made replies

    @Test
    void greetSendsTheDocumentedHelloAndReportsEveryRefusalCode() throws Exception {
        Map<Integer, String> reasons = new TreeMap<>(Map.of(
                NativeHandshake.BAD_GROUP, "it belongs to a different group: every rank must use the same hostfile",
                NativeHandshake.BAD_RANK, "it expects a different rank or connection index: check the hostfile's order",
                NativeHandshake.NEED_SECRET, "it requires a shared secret: set RING4J_SECRET on every rank",
                NativeHandshake.UNEXPECTED_SECRET, "it has no shared secret while this rank has one",
                NativeHandshake.BAD_PROOF, "authentication failed: RING4J_SECRET differs between the ranks",
                NativeHandshake.BAD_VERSION, "it speaks another ring4j protocol version: use the same ring4j on every rank",
                99, "refusal code 99"));
        reasons.put(NativeHandshake.UNEXPECTED_SECRET, reasons.get(NativeHandshake.UNEXPECTED_SECRET)
                + ": set RING4J_SECRET on every rank, or on none");
        for (Map.Entry<Integer, String> r : reasons.entrySet()) {
            try (Pair p = pair()) {
                Future<Outcome> greet = pool.submit(() -> Outcome.of(() -> {
                    connector(GROUP, 4, 1, null).greet(p.client, 2, deadline(10_000));
                    return null;
                }));
                ByteBuffer h = NativeHandshake.readFully(p.accepted, NativeHandshake.HELLO_BYTES, 5_000);
                assertThat(h.getInt(0)).isEqualTo(NativeHandshake.HELLO_MAGIC);
                assertThat(h.getShort(4)).isEqualTo(NativeHandshake.VERSION);
                assertThat(h.getShort(6)).isEqualTo((short) 0);
                assertThat(h.getInt(8)).isEqualTo(4);
                assertThat(h.getInt(12)).isEqualTo(1);
                assertThat(h.getInt(16)).isEqualTo(2);
                byte[] g = new byte[32];
                h.get(20, g);
                assertThat(g).isEqualTo(GROUP);
                p.accepted.write(reply(NativeHandshake.REPLY_MAGIC, r.getKey(), new byte[16], new byte[32]));
                Outcome o = greet.get(10, TimeUnit.SECONDS);
                assertThat(o.error).as("code %d", r.getKey()).isInstanceOf(RingException.class)
                        .hasMessageStartingWith("rank 1 was refused by its right neighbour at ")
                        .hasMessageEndingWith(": " + r.getValue());
            }
        }
    }

    @Test
    void greetRejectsAReplyThatIsNotRing4j() throws Exception {
        try (Pair p = pair()) {
            p.accepted.write(ByteBuffer.wrap(Arrays.copyOf("SSH-2.0-OpenSSH_9.6\r\n".getBytes(StandardCharsets.US_ASCII), 56)));
            Throwable e = call(() -> {
                connector(GROUP, 4, 1, null).greet(p.client, 0, deadline(10_000));
                return null;
            });
            assertThat(e).isInstanceOf(RingException.class).hasMessageContaining("is not a ring4j rank speaking the native protocol")
                    .hasMessageContaining("RING4J_PROTOCOL=mlx");
        }
    }

    @Test
    void greetWithASecretSendsTheDocumentedProofAndReportsARefusedVerdict() throws Exception {
        try (Pair p = pair()) {
            Future<Outcome> greet = pool.submit(() -> Outcome.of(() -> {
                connector(GROUP, 4, 1, "s3cret").greet(p.client, 0, deadline(10_000));
                return null;
            }));
            ByteBuffer h = NativeHandshake.readFully(p.accepted, NativeHandshake.HELLO_BYTES, 5_000);
            assertThat(h.getShort(6) & 1).as("has-a-secret flag").isEqualTo(1);
            byte[] nonceC = new byte[16];
            h.get(52, nonceC);
            byte[] nonceA = new byte[16];
            Arrays.fill(nonceA, (byte) 0x5A);
            p.accepted.write(reply(NativeHandshake.REPLY_MAGIC, NativeHandshake.OK, nonceA,
                    hmac("s3cret", "ring4j-acceptor", nonceC, nonceA, GROUP)));
            ByteBuffer proof = NativeHandshake.readFully(p.accepted, NativeHandshake.PROOF_BYTES, 5_000);
            byte[] proofC = new byte[32];
            proof.get(0, proofC);
            assertThat(proofC).isEqualTo(hmac("s3cret", "ring4j-connector", nonceA, nonceC, GROUP));
            p.accepted.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, NativeHandshake.BAD_PROOF));
            Outcome o = greet.get(10, TimeUnit.SECONDS);
            assertThat(o.error).isInstanceOf(RingException.class).hasMessageEndingWith(
                    ": authentication failed: RING4J_SECRET differs between the ranks");
        }
    }

    // ================================================================ fuzz

    /**
     * Random byte strings (half of them mutations of a valid hello, so that the later checks are
     * reached too) against acceptors with and without a secret: nothing is admitted, and nothing
     * is thrown but IOException or RingException.
     */
    @Test
    void fuzzedHellosAreNeverAdmitted() throws Exception {
        Random random = new Random(FUZZ_SEED);
        Map<String, Integer> outcomes = new TreeMap<>();
        for (int i = 0; i < FUZZ_COUNT; i++) {
            boolean withSecret = random.nextBoolean();
            byte[] bytes = random.nextBoolean() ? randomBytes(random, random.nextInt(201))
                    : mutatedHello(random, withSecret);
            try (Pair p = pair()) {
                p.client.write(ByteBuffer.wrap(bytes));
                p.client.shutdownOutput();
                Outcome o = Outcome.of(() -> acceptor(withSecret ? "s3cret" : null, 2_000)
                        .admit(p.accepted, 0, deadline(10_000)));
                if (o.error == null) {
                    fail("admitted fuzz input %d (secret: %s): %s", i, withSecret, hex(bytes));
                }
                if (!(o.error instanceof IOException || o.error instanceof RingException)) {
                    throw new AssertionError("fuzz input " + i + " threw " + o.error + ": " + hex(bytes), o.error);
                }
                outcomes.merge(kind(o.error), 1, Integer::sum);
            }
        }
        System.out.println("fuzzed hellos (seed " + Long.toHexString(FUZZ_SEED) + ", " + FUZZ_COUNT + " inputs): " + outcomes);
        assertThat(outcomes.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(FUZZ_COUNT);
        // The mutations reach past the magic check.
        assertThat(outcomes.keySet()).anyMatch(k -> k.contains("another group"))
                .anyMatch(k -> k.contains("may connect here")).anyMatch(k -> k.contains("protocol version"))
                .anyMatch(k -> k.contains("does not know the shared secret")).anyMatch(k -> k.contains("did not prove"));
    }

    /** Random replies to a connector: it never completes the handshake, and throws only IOException or RingException. */
    @Test
    void fuzzedRepliesNeverCompleteAGreet() throws Exception {
        Random random = new Random(FUZZ_SEED + 1);
        Map<String, Integer> outcomes = new TreeMap<>();
        for (int i = 0; i < FUZZ_COUNT; i++) {
            boolean withSecret = random.nextBoolean();
            byte[] bytes = randomBytes(random, random.nextInt(201));
            if (withSecret && bytes.length >= 8 && random.nextBoolean()) {
                // A well-formed "go on" with a forged proof: only the secret can make that pass.
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(0, NativeHandshake.REPLY_MAGIC)
                        .putInt(4, NativeHandshake.OK);
            }
            try (Pair p = pair()) {
                p.accepted.write(ByteBuffer.wrap(bytes));
                p.accepted.shutdownOutput();
                Outcome o = Outcome.of(() -> {
                    connector(GROUP, 4, 1, withSecret ? "s3cret" : null).greet(p.client, 0, deadline(10_000));
                    return null;
                });
                if (o.error == null) {
                    fail("greet completed on fuzz reply %d (secret: %s): %s", i, withSecret, hex(bytes));
                }
                if (!(o.error instanceof IOException || o.error instanceof RingException)) {
                    throw new AssertionError("fuzz reply " + i + " threw " + o.error + ": " + hex(bytes), o.error);
                }
                outcomes.merge(kind(o.error), 1, Integer::sum);
            }
        }
        System.out.println("fuzzed replies (seed " + Long.toHexString(FUZZ_SEED + 1) + ", " + FUZZ_COUNT + " inputs): " + outcomes);
        assertThat(outcomes.keySet()).anyMatch(k -> k.contains("does not know the shared secret"));
    }

    /**
     * A valid hello with 1 to 4 bytes changed in the fields admit checks, then cut or extended at
     * random; for an acceptor with a secret, a third are left valid (only the nonce and the unused
     * flag bits vary) and followed by random bytes in place of the proof.
     */
    private static byte[] mutatedHello(Random random, boolean withSecret) {
        byte[] nonce = randomBytes(random, 16);
        byte[] b = hello(NativeHandshake.HELLO_MAGIC, NativeHandshake.VERSION, withSecret ? 1 : 0, 4, 1, 0, GROUP, nonce);
        if (withSecret && random.nextInt(3) == 0) {
            b[6] |= (byte) (random.nextInt(128) << 1);
            b[7] = (byte) random.nextInt(256);
            byte[] out = Arrays.copyOf(b, NativeHandshake.HELLO_BYTES + random.nextInt(2 * NativeHandshake.PROOF_BYTES));
            for (int j = NativeHandshake.HELLO_BYTES; j < out.length; j++) {
                out[j] = (byte) random.nextInt(256);
            }
            return out;
        }
        int flips = 1 + random.nextInt(4);
        for (int f = 0; f < flips; f++) {
            // Checked: magic, version, flag bit 0, size, rank, index, group id (bytes 0-5, 6 bit 0, 8-51).
            int at = random.nextInt(51);
            if (at == 6) {
                b[6] ^= 1;
            } else {
                at = at < 6 ? at : at + 1; // 7 -> 8, ..., 50 -> 51
                b[at] ^= (byte) (1 + random.nextInt(255));
            }
        }
        if (Arrays.equals(b, 0, 52, hello(NativeHandshake.HELLO_MAGIC, NativeHandshake.VERSION, withSecret ? 1 : 0, 4, 1, 0, GROUP, nonce), 0, 52)) {
            b[20] ^= 1; // two flips of the same bit cancelled out
        }
        int length = random.nextInt(4) == 0 ? random.nextInt(NativeHandshake.HELLO_BYTES) : NativeHandshake.HELLO_BYTES;
        byte[] out = Arrays.copyOf(b, length + (length == NativeHandshake.HELLO_BYTES ? random.nextInt(133) : 0));
        for (int j = NativeHandshake.HELLO_BYTES; j < out.length; j++) {
            out[j] = (byte) random.nextInt(256);
        }
        return out;
    }

    private static String kind(Throwable e) {
        String m = String.valueOf(e.getMessage());
        if (m.startsWith("the connection closed after")) {
            return "closed early";
        }
        if (m.contains("ring4j hello")) {
            return "not a ring4j hello";
        }
        int colon = m.indexOf(" at /");
        if (colon >= 0) {
            int after = m.indexOf(": ", colon);
            int space = m.indexOf(' ', colon + 5);
            m = m.substring(0, colon) + " at ..." + (after >= 0 ? m.substring(after) : space >= 0 ? m.substring(space) : "");
        }
        m = m.replaceAll("-?\\b\\d+\\b", "N");
        int paren = m.indexOf(" (");
        return paren > 0 ? m.substring(0, paren) : m;
    }

    // ================================================================ helpers

    private static NativeHandshake connector(byte[] group, int size, int rank, String secret) {
        return new NativeHandshake(group, size, rank, (rank - 1 + size) % size, secret(secret), 5_000);
    }

    /** Rank 2 of 4, which admits only rank 1. */
    private static NativeHandshake acceptor(String secret, long perConnectionMillis) {
        return new NativeHandshake(GROUP, 4, 2, 1, secret(secret), perConnectionMillis);
    }

    private static byte[] secret(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static long deadline(long millis) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    private static void assertRefused(Outcome[] o, String admitSays, String greetSays) {
        assertThat(o[1].error).as("the acceptor refuses").isInstanceOf(IOException.class).hasMessageContaining(admitSays);
        assertThat(o[0].error).as("the connector is told").isInstanceOf(RingException.class)
                .hasMessageContaining("was refused by its right neighbour at /127.0.0.1:")
                .hasMessageContaining(greetSays);
    }

    /** Runs greet on a fresh connection and admit on its other end at once; each side hangs up when it fails. */
    private Outcome[] exchange(NativeHandshake connector, int index, NativeHandshake acceptor, int listener)
            throws Exception {
        try (Pair p = pair()) {
            Future<Outcome> greet = pool.submit(() -> {
                Outcome o = Outcome.of(() -> {
                    connector.greet(p.client, index, deadline(10_000));
                    return null;
                });
                if (o.error != null) {
                    p.client.close();
                }
                return o;
            });
            Outcome admit = Outcome.of(() -> acceptor.admit(p.accepted, listener, deadline(10_000)));
            if (admit.error != null) {
                p.accepted.close();
            }
            return new Outcome[] {greet.get(20, TimeUnit.SECONDS), admit};
        }
    }

    private Pair pair() throws IOException {
        SocketChannel client = SocketChannel.open(server.getLocalAddress());
        SocketChannel accepted = server.accept();
        return new Pair(client, accepted);
    }

    private static Throwable call(Callable<?> c) {
        return Outcome.of(c).error;
    }

    static byte[] hello(int magic, int version, int flags, int size, int rank, int index, byte[] group, byte[] nonce) {
        return ByteBuffer.allocate(68).order(ByteOrder.LITTLE_ENDIAN).putInt(magic).putShort((short) version)
                .putShort((short) flags).putInt(size).putInt(rank).putInt(index).put(group).put(nonce).array();
    }

    private static ByteBuffer reply(int magic, int status, byte[] nonceA, byte[] proofA) {
        return ByteBuffer.allocate(56).order(ByteOrder.LITTLE_ENDIAN).putInt(magic).putInt(status).put(nonceA)
                .put(proofA).flip();
    }

    static byte[] hmac(String secret, String label, byte[] first, byte[] second, byte[] group) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update(label.getBytes(StandardCharsets.US_ASCII));
        mac.update(first);
        mac.update(second);
        mac.update(group);
        return mac.doFinal();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static String hex(byte[] b) {
        return java.util.HexFormat.of().formatHex(b);
    }

    private record Outcome(Object value, Throwable error) {
        static Outcome of(Callable<?> c) {
            try {
                return new Outcome(c.call(), null);
            } catch (Throwable t) {
                return new Outcome(null, t);
            }
        }
    }

    private record Pair(SocketChannel client, SocketChannel accepted) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try {
                client.close();
            } finally {
                accepted.close();
            }
        }
    }
}
