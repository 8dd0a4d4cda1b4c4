package org.ring4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four ranks, each in its own network namespace, joined by links limited to 1 Gbit/s: a correct run,
 * then a link taken down in the middle of an all-reduce, after which every rank must fail within
 * the operation timeout and exit. Runs as root (CI); skips with the reason otherwise. The lab is
 * removed even when a test fails.
 */
@Tag("netns")
@Timeout(240)
class NetnsIT {
    @TempDir
    Path dir;

    @BeforeAll
    static void needRoot() {
        String why = NetnsLab.unavailable();
        Assumptions.assumeTrue(why == null, () -> "skipped: " + why);
    }

    @Test
    void fourHostsOverRateLimitedLinksAgree() throws Exception {
        try (NetnsLab lab = new NetnsLab()) {
            lab.up(4, 2, "1gbit");
            Path hosts = lab.hostfile(dir, 4, 2, 5000);
            try (ProcessRing ring = new ProcessRing(lab::inHost, "collectives", hosts, 4, Map.of())) {
                Set<String> digests = new HashSet<>();
                for (int r = 0; r < 4; r++) {
                    assertThat(ring.awaitExit(r, 120)).as("rank %d\n%s", r, ring.dump()).isZero();
                    digests.add(ring.line(r, "DIGEST "));
                }
                assertThat(digests).as(ring.dump()).hasSize(1).doesNotContainNull();
            }
        }
    }

    @Test
    void aLinkThatGoesDownMakesEveryRankFailWithinTheTimeout() throws Exception {
        try (NetnsLab lab = new NetnsLab()) {
            lab.up(4, 1, "1gbit");
            Path hosts = lab.hostfile(dir, 4, 1, 5100);
            Map<String, String> env = Map.of("RING4J_OP_TIMEOUT", "3s");
            Map<Integer, Map<String, String>> envs = new HashMap<>();
            for (int r = 0; r < 4; r++) {
                envs.put(r, env);
            }
            try (ProcessRing ring = new ProcessRing(lab::inHost, "loop", hosts, 4, envs, "100000")) {
                for (int r = 0; r < 4; r++) {
                    assertThat(ring.awaitLine(r, "ITERATING", 60)).as("rank %d started\n%s", r, ring.dump()).isTrue();
                }
                long t0 = System.nanoTime();
                lab.link(2, 0, false);
                for (int r = 0; r < 4; r++) {
                    int code = ring.awaitExit(r, 30);
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    System.out.printf("link down: rank %d exited with %d after %d ms: %s%n", r, code, ms,
                            ring.line(r, "FAILED"));
                    assertThat(code).as("rank %d exits with the failure code\n%s", r, ring.dump()).isEqualTo(3);
                    assertThat(ring.line(r, "FAILED")).as(ring.dump()).containsAnyOf("no progress", "lost", "closed");
                    assertThat(ms).as("rank %d failed within timeout + margin", r).isLessThan(20_000);
                }
            }
        }
    }
}
