package org.ring4j.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.ring4j.Group;
import org.ring4j.Ring;
import org.ring4j.RingException;
import org.ring4j.RingOptions;
import org.ring4j.config.HostAddress;
import org.ring4j.config.Hostfile;
import org.ring4j.config.LocalHostfiles;
import org.ring4j.testing.LocalRing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Neighbours on this machine connect over Unix domain sockets (native protocol), fall back to TCP
 * when the socket cannot be used, and compute the same results either way.
 */
class UnixSocketRingTest {
    private static final Path DIRECTORY = UnixSocketPaths.defaultDirectory();

    @Test
    void neighboursOnThisMachineConnectOverUnixSocketsAndTheFilesAreGoneAfterTheSetUp() throws Exception {
        try (LocalRing ring = LocalRing.start(3, 2, RingOptions.defaults())) {
            ring.run(g -> {
                assertThat(g.transport()).isEqualTo("unix");
                assertSumsCorrectly(g);
            }, 60);
            // Every listening address had a socket file while the ring was set up; none is left.
            UnixSocketPaths paths = UnixSocketPaths.in(DIRECTORY, m -> { });
            for (int r = 0; r < 3; r++) {
                for (HostAddress a : ring.hostfile().addresses(r)) {
                    assertThat(paths.pathFor(a.resolve())).as("rank %d, %s", r, a).isNotNull().doesNotExist();
                }
            }
        }
    }

    static Stream<Arguments> tcpOnly() {
        return Stream.of(Arguments.of("unix sockets off", RingOptions.builder().unixSockets(false).build()),
                Arguments.of("MLX protocol", RingOptions.builder().protocol(org.ring4j.Protocol.MLX).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tcpOnly")
    void everyConnectionIsTcpWhenTurnedOffOrSpeakingMlx(String why, RingOptions options) throws Exception {
        try (LocalRing ring = LocalRing.start(3, 1, options)) {
            ring.run(g -> {
                assertThat(g.transport()).as(why).isEqualTo("tcp");
                assertSumsCorrectly(g);
            }, 60);
        }
    }

    @Test
    void aRingMixesUnixSocketsAndTcpAsEachPairAllowsAndComputesTheSameSums() throws Exception {
        // Rank 1 keeps to TCP, like a neighbour on another machine: it neither listens on a Unix
        // socket (so rank 0 reaches it over TCP) nor connects to one (so it reaches rank 2 over TCP).
        Hostfile hosts = LocalHostfiles.loopback(3, 1);
        RingOptions off = RingOptions.builder().unixSockets(false).build();
        List<Group> groups = connectAll(hosts, RingOptions.defaults(), off, RingOptions.defaults());
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            assertThat(groups.stream().map(Group::transport)).containsExactly("unix+tcp", "tcp", "unix+tcp");
            List<Future<?>> sums = new ArrayList<>();
            for (Group g : groups) {
                sums.add(pool.submit(() -> assertSumsCorrectly(g)));
            }
            for (Future<?> f : sums) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            groups.forEach(Group::close);
        }
    }

    @Test
    void aCrashedRunsSocketFileIsReplaced() throws Exception {
        Hostfile hosts = LocalHostfiles.loopback(2, 1);
        UnixSocketPaths paths = UnixSocketPaths.in(DIRECTORY, m -> { });
        for (int r = 0; r < 2; r++) {
            HostAddress a = hosts.addresses(r).get(0);
            Path stale = paths.pathFor(a.resolve());
            // A listener that closes without removing its file: what a killed rank leaves behind.
            try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                dead.bind(UnixDomainSocketAddress.of(stale));
            }
            assertThat(stale).exists();
        }
        List<Group> groups = connectAll(hosts, RingOptions.defaults(), RingOptions.defaults());
        try {
            for (Group g : groups) {
                assertThat(g.transport()).isEqualTo("unix");
            }
        } finally {
            groups.forEach(Group::close);
        }
    }

    @Test
    void aDifferentSecretIsRefusedOverAUnixSocketNamingTheSecret() throws Exception {
        Hostfile hosts = LocalHostfiles.loopback(2, 1);
        RingOptions.Builder b = RingOptions.builder().setupTimeout(Duration.ofSeconds(4)).connectAttempts(1);
        RingOptions alpha = b.secret("alpha".getBytes(java.nio.charset.StandardCharsets.UTF_8)).build();
        RingOptions beta = b.secret("beta".getBytes(java.nio.charset.StandardCharsets.UTF_8)).build();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Group> rank0 = pool.submit(() -> Ring.connect(hosts, 0, alpha));
            // Rank 1 starts once rank 0 listens on its Unix socket, so that it connects there.
            Path socket = UnixSocketPaths.in(DIRECTORY, m -> { }).pathFor(hosts.addresses(0).get(0).resolve());
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Files.exists(socket) && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            assertThat(socket).as("rank 0 listens on its Unix socket").exists();
            Future<Group> rank1 = pool.submit(() -> Ring.connect(hosts, 1, beta));
            // Rank 1 connects first and is refused: the secret, not the transport, is named.
            assertThatThrownBy(() -> rank1.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(RingException.class)
                    .cause().hasMessageContaining("does not know the shared secret; RING4J_SECRET must be the same on every rank")
                    .hasMessageContaining("a Unix socket of this machine");
            assertThatThrownBy(() -> rank0.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(RingException.class)
                    .cause().hasMessageContaining("did not prove that it knows the shared secret");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void onlyThisMachinesAddressesGetAPathThatFitsASocketAddress(@TempDir Path tmp) throws Exception {
        UnixSocketPaths paths = UnixSocketPaths.in(tmp.resolve("socks"), m -> { });
        assertThat(paths).isNotNull();
        assertThat(paths.pathFor(new InetSocketAddress("127.0.0.1", 5000))).isEqualTo(tmp.resolve("socks/127.0.0.1-5000.sock"));
        assertThat(paths.pathFor(new InetSocketAddress("::1", 5000)).getFileName().toString()).isEqualTo("0_0_0_0_0_0_0_1-5000.sock");
        assertThat(paths.pathFor(new InetSocketAddress("192.0.2.7", 5000))).as("TEST-NET-1 is no one's").isNull();
        assertThat(paths.pathFor(InetSocketAddress.createUnresolved("node7", 5000))).isNull();
        Path deep = tmp.resolve("d".repeat(UnixSocketPaths.MAX_PATH_BYTES));
        Files.createDirectories(deep.getParent());
        UnixSocketPaths tooLong = UnixSocketPaths.in(deep, m -> { });
        assertThat(tooLong.pathFor(new InetSocketAddress("127.0.0.1", 5000))).as("longer than a sockaddr_un holds").isNull();
    }

    @Test
    void aFreshDirectoryIsPrivateAndOneOthersCanEnterIsNotUsed(@TempDir Path tmp) throws Exception {
        Path fresh = tmp.resolve("fresh");
        assertThat(UnixSocketPaths.in(fresh, m -> { })).isNotNull();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh))).isEqualTo("rwx------");

        Path open = Files.createDirectory(tmp.resolve("open"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x")); // past the umask
        List<String> log = new ArrayList<>();
        assertThat(UnixSocketPaths.in(open, log::add)).isNull();
        assertThat(log).singleElement().asString().contains(open.toString()).contains("rwxr-xr-x")
                .contains("connections use TCP");

        Path file = Files.writeString(tmp.resolve("file"), "x");
        log.clear();
        assertThat(UnixSocketPaths.in(file, log::add)).isNull();
        assertThat(log).singleElement().asString().contains("is not a directory");
    }

    private static List<Group> connectAll(Hostfile hosts, RingOptions... options) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(options.length);
        try {
            List<Future<Group>> fs = new ArrayList<>();
            for (int r = 0; r < options.length; r++) {
                int rank = r;
                fs.add(pool.submit(() -> Ring.connect(hosts, rank, options[rank])));
            }
            List<Group> groups = new ArrayList<>();
            for (Future<Group> f : fs) {
                groups.add(f.get(60, TimeUnit.SECONDS));
            }
            return groups;
        } finally {
            pool.shutdown();
        }
    }

    /** Sums rank-dependent values over more than one packet and checks every element. */
    private static void assertSumsCorrectly(Group g) {
        int n = 300_000;
        float[] src = new float[n];
        float[] dst = new float[n];
        for (int i = 0; i < n; i++) {
            src[i] = (i % 1000) + g.rank();
        }
        g.allSum(src, dst);
        float ranks = 0;
        for (int r = 0; r < g.size(); r++) {
            ranks += r;
        }
        for (int i = 0; i < n; i++) {
            float want = g.size() * (float) (i % 1000) + ranks;
            if (dst[i] != want) {
                throw new AssertionError("rank " + g.rank() + " element " + i + ": " + dst[i] + " != " + want);
            }
        }
    }
}
