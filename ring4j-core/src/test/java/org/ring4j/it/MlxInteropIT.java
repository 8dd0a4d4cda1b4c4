package org.ring4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ring4j.DType;
import org.ring4j.ReduceOp;
import org.ring4j.it.InteropScenario.Case;
import org.ring4j.it.MixedRing.Impl;
import org.ring4j.it.MixedRing.RankResult;
import org.ring4j.kernel.Kernels;
import org.ring4j.kernel.ReduceKernel;
import org.ring4j.kernel.ScalarReference;

/**
 * ring4j's MLX protocol against MLX's own ring code: rings that mix ranks of the C++ port of MLX's
 * ring backend ({@code interop/mlx-ring-peer}, built here with g++) and ring4j JVMs
 * ({@link InteropRankMain}, {@code Protocol.MLX}) run the "interop" scenario (every dtype and op of
 * all-reduce, all-gather, send/recv; see {@link InteropScenario}), and every rank must print the
 * same per-case hashes as an all-C++ ring of the same size and connection count.
 *
 * <p>Before any ring: the Java inputs must hash as the peer's do, and ring4j's kernels must give
 * what the seed's SumOp/MaxOp/MinOp give, so that a ring mismatch points at the wire.
 *
 * <p>Skipped (with the reason shown) when no C++ compiler is installed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class MlxInteropIT {
    /** The most one ring may take; it is killed then. On an idle 2-core machine each takes under 10 s. */
    private static final Duration RING_LIMIT = Duration.ofSeconds(60);
    /** The mixed rings: who runs each rank ("cpp" or "java", rank 0 first) and the connection count. */
    private static final List<Arguments> MIXED = List.of(
            Arguments.of("java-cpp", 1),
            Arguments.of("cpp-java", 2),
            Arguments.of("java-cpp-java", 1),
            Arguments.of("cpp-java-cpp", 2),
            Arguments.of("cpp-java-cpp-java", 1),
            Arguments.of("java-cpp-java-cpp", 2));
    /** The all-C++ ring whose ranks also check every output against the wire protocol's model. */
    private static final String SELF_CHECKED = "3/2";

    private static Path peer;
    /** Why every test is skipped (no C++ compiler), or null. */
    private static String skipped;
    /** The all-C++ rings, by "n/k", all started at once after the build. */
    private static final Map<String, Future<MixedRing.Result>> CONTROLS = new ConcurrentHashMap<>();
    private static ExecutorService controlRunner;

    @TempDir
    static Path work;

    @BeforeAll
    @Timeout(value = 330, unit = TimeUnit.SECONDS)
    static void buildPeerAndStartControls() throws Exception {
        PeerBuild.Result b = PeerBuild.ensure();
        if (b.noCompiler()) {
            // Reported per test (below): Surefire shows nothing at all for a class skipped here.
            skipped = "MLX interop test skipped: " + b.message();
            System.out.println("[MlxInteropIT] " + skipped);
            return;
        }
        peer = b.binary();
        // The all-C++ rings run alongside the tests below: they spend much of their time waiting
        // (MLX's 1 s connect retries, round trips), which the tests' JVMs fill. One at a time, in
        // the order the tests need them: every C++ rank spins a thread per socket (MLX's design),
        // and all rings at once on 2 cores once starved one past its 60 s limit.
        controlRunner = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "all-cpp-ring");
            t.setDaemon(true);
            return t;
        });
        for (Arguments a : MIXED) {
            int n = ((String) a.get()[0]).split("-").length;
            int k = (Integer) a.get()[1];
            CONTROLS.computeIfAbsent(n + "/" + k, key -> controlRunner.submit(() -> runControl(n, k)));
        }
    }

    @AfterAll
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    static void awaitControls() throws InterruptedException {
        // Every ring kills its processes within RING_LIMIT; wait for that, so that none outlives the class.
        for (Future<MixedRing.Result> f : CONTROLS.values()) {
            try {
                f.get(RING_LIMIT.toSeconds() + 30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // reported by the test that needed it
            }
        }
        if (controlRunner != null) {
            controlRunner.shutdownNow();
        }
    }

    @BeforeEach
    void skipWithoutCompiler() {
        Assumptions.assumeTrue(skipped == null, skipped);
    }

    // ---------------------------------------------------------------- without a ring

    @Test
    @Order(1)
    void javaInputsHashLikeThePeers() throws Exception {
        // The largest ring: ranks 0 to 3, every kind, op, dtype and size (smaller rings only add
        // counts n-1, n, n+1, drawn by the same code).
        int n = 4;
        Map<String, String> want = new LinkedHashMap<>();
        for (String line : runPeer("inputs", Integer.toString(n))) {
            String[] f = line.split(" ");
            if (f.length == 4 && f[0].equals("INPUT")) {
                want.put(f[1] + " rank " + f[2], f[3]);
            }
        }
        Map<String, String> got = new LinkedHashMap<>();
        ByteBuffer buf = ByteBuffer.allocateDirect(InteropScenario.LARGE_SUM * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (Case c : InteropScenario.cases(n)) {
            for (int r = 0; r < n; r++) {
                InteropScenario.fillInput(buf, c, r);
                got.put(c.name() + " rank " + r, InteropScenario.hex64(
                        InteropScenario.fnv1a(buf, c.inputBytes(), InteropScenario.FNV_OFFSET)));
            }
        }
        assertThat(got).as("inputs for n = %d: Java (InteropScenario) vs mlx_ring_peer inputs", n)
                .containsExactlyEntriesOf(want);
    }

    @Test
    @Order(2)
    void ring4jKernelsMatchTheSeedsReduceOps() throws Exception {
        Map<String, String> want = new LinkedHashMap<>();
        for (String line : runPeer("kernels")) {
            String[] f = line.split(" ");
            if (f.length == 3 && f[0].equals("KERNEL")) {
                want.put(f[1], f[2]);
            }
        }
        List<String> wrong = new ArrayList<>();
        Map<String, String> reference = new LinkedHashMap<>();
        int count = 1000;
        for (ReduceOp op : InteropScenario.OPS) {
            for (DType t : DType.values()) {
                String name = "all_" + op.label() + "." + t.label() + "." + count;
                ByteBuffer out = ByteBuffer.allocateDirect(count * t.size()).order(ByteOrder.LITTLE_ENDIAN);
                ByteBuffer in = ByteBuffer.allocateDirect(count * t.size()).order(ByteOrder.LITTLE_ENDIAN);
                InteropScenario.fillElements(out, t, count, name, 0, op == ReduceOp.SUM);
                InteropScenario.fillElements(in, t, count, name, 1, op == ReduceOp.SUM);
                ByteBuffer before = copy(out);
                ByteBuffer model = copy(out);
                for (int i = 0; i < count; i++) {
                    setElement(model, i, t, ScalarReference.apply(t, op, element(model, i, t), element(in, i, t)));
                }
                reference.put(name, hash(model));
                ReduceKernel kernel = Kernels.of(t, op);
                kernel.reduce(in, 0, out, 0, count);
                if (!hash(out).equals(want.get(name))) {
                    wrong.add(name + ": " + firstDifferences(t, before, in, out, model, count));
                }
            }
        }
        // The kernel tests' scalar oracle must agree with the seed before it can explain anything.
        assertThat(reference).as("ScalarReference (the kernel tests' oracle) vs the seed's ops").containsExactlyEntriesOf(want);
        if (!wrong.isEmpty()) {
            fail("ring4j's kernels differ from the seed's SumOp/MaxOp/MinOp (out = op(out = rank 0's input, "
                    + "in = rank 1's input), 1000 elements):\n  " + String.join("\n  ", wrong));
        }
    }

    // ---------------------------------------------------------------- rings

    @Test
    @Order(3)
    void controlAllCppRingMatchesTheModel() throws Exception {
        // The reference itself: C++ ranks only, each also checking every output against a
        // socket-free model of the wire protocol (exit 4 if any case differs).
        MixedRing.Result r = control(SELF_CHECKED);
        assertThat(r.ranks()).extracting(RankResult::stderr).allSatisfy(
                e -> assertThat(e).as("self-check").contains("SELFCHECK ok"));
    }

    /**
     * Rings of 2, 3 and 4 ranks with 1 and 2 connections, C++ and Java ranks alternating (Java
     * ranks first, last and next to each other across the ring's seam, so that a Java rank
     * plays each role of MLX's set-up: the last rank connects before it accepts).
     */
    @ParameterizedTest(name = "{0} k={1}")
    @MethodSource("mixedRings")
    @Order(4)
    void mixedRingMatchesTheAllCppRing(String ranks, int k) throws Exception {
        List<Impl> impls = new ArrayList<>();
        for (String r : ranks.split("-")) {
            impls.add(r.equals("cpp") ? Impl.CPP : Impl.JAVA);
        }
        int n = impls.size();
        MixedRing.Result mixed = MixedRing.run(impls, k, peer, work.resolve("mixed-" + ranks + "-k" + k), RING_LIMIT,
                Map.of());
        MixedRing.Result control = control(n + "/" + k);
        Map<String, String> expected = control.ranks().get(0).cases();
        String expectedDigest = control.ranks().get(0).digest();
        List<String> problems = new ArrayList<>();
        for (RankResult r : mixed.ranks()) {
            List<String> differing = new ArrayList<>();
            for (Map.Entry<String, String> e : expected.entrySet()) {
                String got = r.cases().get(e.getKey());
                if (got == null) {
                    differing.add(e.getKey() + " missing (the rank did not finish it)");
                    break;
                }
                if (!got.equals(e.getValue())) {
                    differing.add(e.getKey() + " " + got + " != " + e.getValue());
                }
            }
            if (!differing.isEmpty() || !expectedDigest.equals(r.digest())) {
                problems.add(r.describe() + "; cases that differ from the all-C++ ring ("
                        + differing.size() + "):\n      " + String.join("\n      ", differing));
            }
        }
        if (!problems.isEmpty() || !mixed.completed()) {
            fail("mixed ring " + ranks + " with " + k + " connection(s) differs from the all-C++ ring (DIGEST "
                    + expectedDigest + "):\n  " + String.join("\n  ", problems) + "\n" + mixed.report());
        }
        System.out.println("[MlxInteropIT] " + ranks + " k=" + k + ": all " + n + " ranks DIGEST "
                + expectedDigest + " (= all-C++), " + mixed.millis() + " ms");
    }

    static Stream<Arguments> mixedRings() {
        return MIXED.stream();
    }

    // ---------------------------------------------------------------- helpers

    /** @return the all-C++ ring of "n/k", once it has run; fails unless all its ranks agree */
    private static MixedRing.Result control(String nk) throws Exception {
        Future<MixedRing.Result> f = CONTROLS.get(nk);
        assertThat(f).as("all-C++ ring " + nk + " was started").isNotNull();
        MixedRing.Result r;
        try {
            r = f.get(RING_LIMIT.toSeconds() + 30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("all-C++ ring " + nk + " could not run: " + e.getCause(), e.getCause());
        }
        assertThat(r.completed()).as("all-C++ ring " + nk + ": " + r.report()).isTrue();
        assertThat(r.ranks()).extracting(RankResult::digest).as("all-C++ ring " + nk + " digests: " + r.report())
                .containsOnly(r.ranks().get(0).digest());
        return r;
    }

    private static MixedRing.Result runControl(int n, int k) throws IOException, InterruptedException {
        boolean selfCheck = SELF_CHECKED.equals(n + "/" + k);
        MixedRing.Result r = MixedRing.run(Collections.nCopies(n, Impl.CPP), k, peer,
                work.resolve("control-n" + n + "-k" + k), RING_LIMIT,
                selfCheck ? Map.of("MLX_PEER_SELFCHECK", "1") : Map.of());
        System.out.println("[MlxInteropIT] all-C++ n=" + n + " k=" + k + (selfCheck ? " (self-checked)" : "")
                + ": DIGEST " + r.ranks().get(0).digest() + ", " + r.millis() + " ms");
        return r;
    }

    private static List<String> runPeer(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(peer.toString());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(work, "peer", ".out");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", cmd) + " finished in 60 s").isTrue();
            assertThat(p.exitValue()).as(String.join(" ", cmd) + " exit status").isZero();
        } finally {
            p.destroyForcibly();
        }
        return Files.readAllLines(out, StandardCharsets.UTF_8);
    }

    private static ByteBuffer copy(ByteBuffer b) {
        ByteBuffer c = ByteBuffer.allocateDirect(b.capacity()).order(ByteOrder.LITTLE_ENDIAN);
        c.put(0, b, 0, b.capacity());
        return c;
    }

    /** Describes up to three elements where ring4j's kernel and the seed (via ScalarReference) disagree. */
    private static String firstDifferences(DType t, ByteBuffer out0, ByteBuffer in, ByteBuffer got, ByteBuffer want,
            int count) {
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        int differing = 0;
        String hex = "0x%0" + 2 * t.size() + "x";
        for (int i = 0; i < count; i++) {
            if (element(got, i, t) != element(want, i, t)) {
                differing++;
                if (shown < 3) {
                    sb.append(shown == 0 ? "" : "; ").append("element ").append(i).append(": op(out=")
                            .append(String.format(hex, element(out0, i, t))).append(", in=")
                            .append(String.format(hex, element(in, i, t))).append(") = ")
                            .append(String.format(hex, element(got, i, t))).append(", seed gives ")
                            .append(String.format(hex, element(want, i, t)));
                    shown++;
                }
            }
        }
        return differing + " of " + count + " elements differ; " + sb;
    }

    private static String hash(ByteBuffer b) {
        return InteropScenario.hex64(InteropScenario.fnv1a(b, b.capacity(), InteropScenario.FNV_OFFSET));
    }

    /** @return the raw little-endian bits of element {@code i} of type {@code t} in {@code b} */
    private static long element(ByteBuffer b, int i, DType t) {
        long v = 0;
        for (int x = 0; x < t.size(); x++) {
            v |= (b.get(i * t.size() + x) & 0xFFL) << (8 * x);
        }
        return v;
    }

    private static void setElement(ByteBuffer b, int i, DType t, long bits) {
        for (int x = 0; x < t.size(); x++) {
            b.put(i * t.size() + x, (byte) (bits >>> (8 * x)));
        }
    }
}
