package org.ring4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ring4j.config.Hostfile;
import org.ring4j.config.LocalHostfiles;

/**
 * Failures injected into rings of separate JVMs ({@link RankMain}): a rank killed or frozen in the
 * middle of a collective, mismatched collectives, mismatched secrets, and a stray client during
 * the set-up. Every wait is bounded, and every process is destroyed at the end.
 *
 * <p>Each measurement is printed as a line starting with {@code MEASURE |} (in
 * {@code target/surefire-reports/org.ring4j.it.FailureIT-output.txt}); docs/failures.md tabulates them.
 */
@Timeout(120)
class FailureIT {
    private static final int OP_TIMEOUT_S = 3;
    private static final int SETUP_TIMEOUT_S = 10;
    /** Margin for a JVM's start and a loaded 2-core machine. */
    private static final int MARGIN_S = 5;
    private static final Pattern FAILED_AFTER = Pattern.compile("FAILED after (\\d+) ms: (.*)");

    @TempDir
    Path dir;

    @Test
    void aKilledRankMakesEveryOtherRankFailNamingItWithinTheOperationTimeout() throws Exception {
        Hostfile hosts = LocalHostfiles.loopback(4, 2);
        Path file = write(hosts, "kill.json");
        try (ProcessRing ring = new ProcessRing("loop", file, 4, sameEnv(4, Map.of("RING4J_OP_TIMEOUT", OP_TIMEOUT_S + "s")),
                "1000000")) {
            for (int r = 0; r < 4; r++) {
                assertThat(ring.awaitLine(r, "ITERATING", 60)).as("rank %d runs its loop\n%s", r, ring.dump()).isTrue();
            }
            long t0 = System.nanoTime();
            ring.processes.get(1).destroyForcibly(); // SIGKILL
            for (int r : new int[] {0, 2, 3}) {
                assertThat(ring.awaitExit(r, OP_TIMEOUT_S + MARGIN_S)).as("rank %d exits with code 3\n%s", r, ring.dump())
                        .isEqualTo(3);
                String failed = ring.line(r, "FAILED");
                long ms = measure("SIGKILL of rank 1 during allSum loop (4 ranks x 2 connections)", ring, r, t0);
                assertThat(ms).isLessThan(TimeUnit.SECONDS.toMillis(OP_TIMEOUT_S + MARGIN_S));
                if (r == 0 || r == 2) {
                    // Its neighbour: names rank 1 and rank 1's address in the hostfile (for rank 2,
                    // a left connection: rank 1 connected to rank 2 from some other port).
                    assertThat(failed).as(ring.dump()).containsAnyOf(
                            "rank 1 (" + hosts.addresses(1).get(0) + ", " + (r == 0 ? "right" : "left") + " connection 0)",
                            "rank 1 (" + hosts.addresses(1).get(1) + ", " + (r == 0 ? "right" : "left") + " connection 1)")
                            .containsAnyOf("closed the connection", "lost rank 1");
                } else {
                    // Not a neighbour of rank 1: it learns from a neighbour that hung up after it failed.
                    assertThat(failed).as(ring.dump()).containsPattern("rank [02] \\(")
                            .containsAnyOf("closed the connection", "lost rank");
                }
            }
        }
    }

    @Test
    void aFrozenRankMakesEveryOtherRankFailAfterTheOperationTimeout() throws Exception {
        Assumptions.assumeTrue(Path.of("/bin/kill").toFile().canExecute() || Path.of("/usr/bin/kill").toFile().canExecute(),
                "needs kill(1) to send SIGSTOP");
        Hostfile hosts = LocalHostfiles.loopback(4, 1);
        Path file = write(hosts, "freeze.json");
        try (ProcessRing ring = new ProcessRing("loop", file, 4, sameEnv(4, Map.of("RING4J_OP_TIMEOUT", OP_TIMEOUT_S + "s")),
                "1000000")) {
            for (int r = 0; r < 4; r++) {
                assertThat(ring.awaitLine(r, "ITERATING", 60)).as("rank %d runs its loop\n%s", r, ring.dump()).isTrue();
            }
            long t0 = System.nanoTime();
            Process stop = new ProcessBuilder("kill", "-STOP", Long.toString(ring.processes.get(1).pid())).start();
            assertThat(stop.waitFor(10, TimeUnit.SECONDS) && stop.exitValue() == 0).as("kill -STOP").isTrue();
            int namingRank1 = 0;
            for (int r : new int[] {0, 2, 3}) {
                assertThat(ring.awaitExit(r, OP_TIMEOUT_S + MARGIN_S + 2)).as("rank %d exits with code 3\n%s", r, ring.dump())
                        .isEqualTo(3);
                long ms = measure("SIGSTOP of rank 1 during allSum loop (4 ranks x 1 connection)", ring, r, t0);
                assertThat(ms).isBetween(TimeUnit.SECONDS.toMillis(OP_TIMEOUT_S) - 500,
                        TimeUnit.SECONDS.toMillis(OP_TIMEOUT_S + MARGIN_S + 2));
                // A frozen rank stalls the whole ring: each rank names the neighbour it waits for,
                // which is rank 1 only for the ranks whose unfinished half of the all-reduce
                // receives from it. The rank that times out first (any of them) hangs up on its
                // neighbours; they report that, and what they had been waiting for since the stall.
                String failed = ring.line(r, "FAILED");
                assertThat(failed).as(ring.dump()).containsAnyOf("made no progress for 3000 ms", "closed the connection");
                if (failed.contains("rank 1 (" + hosts.addresses(1).get(0) + ", ")) {
                    namingRank1++;
                }
            }
            assertThat(namingRank1).as("a rank names the frozen one\n%s", ring.dump()).isPositive();
        }
    }

    @Test
    void mismatchedCollectivesAcrossProcessesFailNamingBothSides() throws Exception {
        Path file = write(LocalHostfiles.loopback(2, 1), "mismatch2.json");
        Map<String, String> env = Map.of("RING4J_OP_TIMEOUT", OP_TIMEOUT_S + "s");
        try (ProcessRing ring = new ProcessRing("mismatch", file, 2, sameEnv(2, env), "1")) {
            awaitConnected(ring, 2);
            long t0 = connectedNanos(ring, 2);
            for (int r = 0; r < 2; r++) {
                assertThat(ring.awaitExit(r, OP_TIMEOUT_S + MARGIN_S)).as("rank %d exits with code 3\n%s", r, ring.dump())
                        .isEqualTo(3);
                measure("mismatch, 2 ranks: rank 0 allSum float32 x1000, rank 1 allGather int8 x64", ring, r, t0);
                int other = 1 - r;
                assertThat(ring.line(r, "FAILED")).as(ring.dump())
                        .contains("rank " + r + " called " + (r == 0 ? SUM_1000 : GATHER_64))
                        .contains(" while rank " + other + " (")
                        .contains(" called " + (r == 0 ? GATHER_64 : SUM_1000))
                        .contains("every rank must call the same collectives");
            }
        }
    }

    @Test
    void mismatchedCollectivesInARingOfThreeFailEverywhereAndTheOddRanksNeighboursNameBothSides() throws Exception {
        Path file = write(LocalHostfiles.loopback(3, 1), "mismatch3.json");
        Map<String, String> env = Map.of("RING4J_OP_TIMEOUT", OP_TIMEOUT_S + "s");
        try (ProcessRing ring = new ProcessRing("mismatch", file, 3, sameEnv(3, env), "2")) {
            awaitConnected(ring, 3);
            long t0 = connectedNanos(ring, 3);
            int namingBoth = 0;
            for (int r = 0; r < 3; r++) {
                assertThat(ring.awaitExit(r, OP_TIMEOUT_S + MARGIN_S)).as("rank %d exits with code 3\n%s", r, ring.dump())
                        .isEqualTo(3);
                measure("mismatch, 3 ranks: ranks 0, 1 allSum float32 x1000, rank 2 allGather int8 x64", ring, r, t0);
                String failed = ring.line(r, "FAILED");
                if (failed.contains(SUM_1000) && failed.contains(GATHER_64)) {
                    namingBoth++;
                } else {
                    // Its neighbours both ran what it ran; it sees one of them hang up after it failed.
                    assertThat(failed).as(ring.dump()).containsAnyOf("closed the connection", "lost rank");
                }
            }
            // Every rank that receives from rank 2, and rank 2 itself, names both operations.
            assertThat(namingBoth).as(ring.dump()).isGreaterThanOrEqualTo(2);
        }
    }

    private static final String SUM_1000 = "allReduce(sum, float32, 1000 elements) as operation #1";
    private static final String GATHER_64 = "allGather(64 bytes) as operation #1";

    @Test
    void mismatchedSecretsFailTheSetUpWithAClearMessageWithinTheSetUpTimeout() throws Exception {
        // Three rings of two at once: rank 0 accepts first, rank 1 connects first.
        // Over TCP, whose messages name the peer's address and port; UnixSocketRingTest checks the same refusal over a Unix socket.
        Map<String, String> base = Map.of("RING4J_SETUP_TIMEOUT", SETUP_TIMEOUT_S + "s", "RING4J_VERBOSE", "1",
                "RING4J_UNIX_SOCKETS", "0");
        String[][] secrets = {{"alpha", "beta"}, {"alpha", null}, {null, "alpha"}};
        String[] names = {"different secrets", "secret on rank 0 only", "secret on rank 1 only"};
        String[][] expected = {
            {"did not prove that it knows the shared secret",
                "does not know the shared secret; RING4J_SECRET must be the same on every rank"},
            {"it has no shared secret but this rank requires one",
                "was refused by its right neighbour at /127.0.0.1:%d: it requires a shared secret: set RING4J_SECRET on every rank"},
            {"it uses a shared secret but this rank has none",
                "was refused by its right neighbour at /127.0.0.1:%d: it has no shared secret while this rank has one"},
        };
        ProcessRing[] rings = new ProcessRing[3];
        Hostfile[] hosts = new Hostfile[3];
        try {
            long[] t0 = new long[3];
            for (int i = 0; i < 3; i++) {
                hosts[i] = LocalHostfiles.loopback(2, 1);
                Map<Integer, Map<String, String>> envs = new HashMap<>();
                for (int r = 0; r < 2; r++) {
                    Map<String, String> env = new HashMap<>(base);
                    if (secrets[i][r] != null) {
                        env.put("RING4J_SECRET", secrets[i][r]);
                    }
                    envs.put(r, env);
                }
                t0[i] = System.nanoTime();
                rings[i] = new ProcessRing("sum", write(hosts[i], "secret" + i + ".json"), 2, envs);
            }
            for (int i = 0; i < 3; i++) {
                ProcessRing ring = rings[i];
                int port0 = hosts[i].addresses(0).get(0).port();
                for (int r = 0; r < 2; r++) {
                    assertThat(ring.awaitExit(r, SETUP_TIMEOUT_S + 3 * MARGIN_S)).as("%s: rank %d exits with code 3\n%s",
                            names[i], r, ring.dump()).isEqualTo(3);
                }
                // Reference points: the JVMs' start, each rank's own clock (from its main method),
                // and the moment rank 0 logged the rejection.
                long rejectedNanos = ring.output.get(0).stream().filter(l -> l.text().contains("rank 0 rejects"))
                        .findFirst().map(ProcessRing.Line::nanos).orElse(-1L);
                for (int r = 0; r < 2; r++) {
                    String failed = ring.line(r, "FAILED");
                    Matcher m = FAILED_AFTER.matcher(failed);
                    assertThat(m.matches()).as(failed).isTrue();
                    System.out.printf("MEASURE | %s (2 ranks, RING4J_SETUP_TIMEOUT=%ds) | rank %d | %d ms after the JVMs' start, "
                            + "%s ms in-process, %d ms after rank 0 logged the rejection | %s%n", names[i], SETUP_TIMEOUT_S, r,
                            millisSince(t0[i], ring.lineNanos(r, "FAILED")), m.group(1),
                            millisSince(rejectedNanos, ring.lineNanos(r, "FAILED")), m.group(2));
                }
                // The connecting rank is refused (or refuses) as soon as it reaches rank 0, with the reason.
                String refused = ring.line(1, "FAILED");
                assertThat(refused).as(ring.dump()).contains(String.format(expected[i][1], port0))
                        .doesNotContain("alpha").doesNotContain("beta");
                assertThat(inProcessMillis(refused)).as(ring.dump()).isLessThan(TimeUnit.SECONDS.toMillis(SETUP_TIMEOUT_S));
                // The accepting rank logs why it rejected the connection, keeps waiting for the real
                // peer, and at the set-up timeout fails naming the last rejection.
                assertThat(ring.lineContaining(0, "rank 0 rejects a connection from /127.0.0.1:")).as(ring.dump())
                        .contains(expected[i][0]);
                String timedOut = ring.line(0, "FAILED");
                assertThat(timedOut).as(ring.dump()).contains("rank 0 waited for rank 1 (its left neighbour) to connect to")
                        .contains("until the set-up timeout (RING4J_SETUP_TIMEOUT)")
                        .contains("The last connection it rejected: from /127.0.0.1:").contains(expected[i][0])
                        .doesNotContain("alpha").doesNotContain("beta");
                // The set-up timeout runs from Ring.connect (after the JVM's start and the hostfile's
                // loading), a little before rank 0 starts to listen.
                assertThat(inProcessMillis(timedOut)).as(ring.dump()).isGreaterThan(TimeUnit.SECONDS.toMillis(SETUP_TIMEOUT_S) - 100);
                long listening = ring.output.get(0).stream().filter(l -> l.text().contains("rank 0 accepting")).findFirst()
                        .orElseThrow().nanos();
                assertThat(millisSince(listening, ring.lineNanos(0, "FAILED"))).as(ring.dump())
                        .isLessThan(TimeUnit.SECONDS.toMillis(SETUP_TIMEOUT_S + MARGIN_S));
            }
        } finally {
            for (ProcessRing ring : rings) {
                if (ring != null) {
                    ring.close();
                }
            }
        }
    }

    @Test
    void aStrayClientThatSendsGarbageIsRejectedAndTheRingStillForms() throws Exception {
        stray(true);
    }

    @Test
    void aStrayClientThatSaysNothingIsDroppedAndTheRingStillForms() throws Exception {
        stray(false);
    }

    /**
     * Starts rank 0 alone; once it listens, a stray client connects to it (and sends garbage or
     * nothing, and stays open); only then does rank 1 start, so that rank 0 meets the stray first.
     */
    private void stray(boolean garbage) throws Exception {
        Hostfile hosts = LocalHostfiles.loopback(2, 1);
        Path file = write(hosts, garbage ? "stray-garbage.json" : "stray-silent.json");
        Map<String, String> env = Map.of("RING4J_VERBOSE", "1", "RING4J_SETUP_TIMEOUT", "30s");
        String what = garbage ? "stray client sends 80 bytes of HTTP and stays open"
                : "stray client connects, sends nothing, stays open";
        try (ProcessRing ring = ProcessRing.prepare("sum", file, 2, sameEnv(2, env));
                SocketChannel stray = SocketChannel.open()) {
            ring.start(0);
            assertThat(ring.awaitLineContaining(0, "rank 0 accepting 1 connection(s) from rank 1", 30))
                    .as("rank 0 listens\n%s", ring.dump()).isTrue();
            InetSocketAddress port0 = hosts.addresses(0).get(0).resolve();
            stray.connect(port0);
            if (garbage) {
                String http = "GET / HTTP/1.1\r\nHost: " + port0.getHostString() + "\r\nUser-Agent: stray\r\n\r\n";
                stray.write(ByteBuffer.wrap(String.format("%-80s", http).getBytes(StandardCharsets.US_ASCII)));
            }
            long t0 = System.nanoTime();
            ring.start(1);
            String rejection = "rank 0 rejects a connection from /127.0.0.1:"
                    + ((InetSocketAddress) stray.getLocalAddress()).getPort() + " on " + hosts.addresses(0).get(0) + ": ";
            for (int r = 0; r < 2; r++) {
                assertThat(ring.awaitExit(r, 30)).as("rank %d completes\n%s", r, ring.dump()).isZero();
                assertThat(ring.line(r, "SUM ")).as(ring.dump()).isEqualTo("SUM 3");
            }
            String logged = ring.lineContaining(0, rejection);
            assertThat(logged).as(ring.dump()).isNotNull()
                    .contains(garbage ? "it did not start with a ring4j hello" : "no handshake within 5000 ms (0 of 68 bytes)");
            assertThat(ring.lineContaining(0, "rank 0 accepted left connection 0 from")).as(ring.dump()).isNotNull();
            long rejectedMs = millisSince(t0, ring.output.get(0).stream().filter(l -> l.text().contains(rejection))
                    .findFirst().orElseThrow().nanos());
            long summedMs = millisSince(t0, Math.max(ring.lineNanos(0, "SUM "), ring.lineNanos(1, "SUM ")));
            System.out.printf("MEASURE | %s | rank 0 (rejection logged) | %d ms | %s%n", what, rejectedMs,
                    logged.substring(logged.indexOf("rank 0 rejects")));
            System.out.printf("MEASURE | %s | ranks 0, 1 (allSum done) | %d ms | SUM 3%n", what, summedMs);
            if (!garbage) {
                assertThat(rejectedMs).isGreaterThanOrEqualTo(4_000);
            }
        }
    }

    // ================================================================ helpers

    private Path write(Hostfile hosts, String name) {
        Path file = dir.resolve(name);
        hosts.write(file);
        return file;
    }

    private static Map<Integer, Map<String, String>> sameEnv(int n, Map<String, String> env) {
        Map<Integer, Map<String, String>> m = new HashMap<>();
        for (int r = 0; r < n; r++) {
            m.put(r, env);
        }
        return m;
    }

    private static void awaitConnected(ProcessRing ring, int n) throws InterruptedException {
        for (int r = 0; r < n; r++) {
            assertThat(ring.awaitLine(r, "CONNECTED", 60)).as("rank %d connects\n%s", r, ring.dump()).isTrue();
        }
    }

    /** @return when the last rank printed CONNECTED: the collective starts about then */
    private static long connectedNanos(ProcessRing ring, int n) {
        long last = 0;
        for (int r = 0; r < n; r++) {
            last = Math.max(last, ring.lineNanos(r, "CONNECTED"));
        }
        return last;
    }

    /** Prints and returns how long after {@code t0} rank {@code r}'s FAILED line arrived. */
    private static long measure(String scenario, ProcessRing ring, int r, long t0) {
        String failed = ring.line(r, "FAILED");
        assertThat(failed).as("rank %d prints FAILED\n%s", r, ring.dump()).isNotNull();
        long ms = millisSince(t0, ring.lineNanos(r, "FAILED"));
        Matcher m = FAILED_AFTER.matcher(failed);
        System.out.printf("MEASURE | %s | rank %d | %d ms | %s%n", scenario, r, ms, m.matches() ? m.group(2) : failed);
        return ms;
    }

    /** @return the milliseconds a FAILED line says the rank ran (from its main method's start) */
    private static long inProcessMillis(String failed) {
        Matcher m = FAILED_AFTER.matcher(failed);
        assertThat(m.matches()).as(failed).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static long millisSince(long t0, long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos - t0);
    }
}
