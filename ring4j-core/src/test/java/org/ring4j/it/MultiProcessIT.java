package org.ring4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ring4j.config.LocalHostfiles;

/** Four ranks in four JVMs, two connections each, in both protocols: every rank gets the same bits. */
@Timeout(180)
class MultiProcessIT {
    @TempDir
    Path dir;

    @Test
    void fourJvmsAgreeBitForBitNative() throws Exception {
        runAndCompare(Map.of());
    }

    @Test
    void fourJvmsAgreeBitForBitMlxProtocol() throws Exception {
        runAndCompare(Map.of("RING4J_PROTOCOL", "mlx"));
    }

    private void runAndCompare(Map<String, String> env) throws Exception {
        Path hostfile = dir.resolve("hosts.json");
        LocalHostfiles.loopback(4, 2).write(hostfile);
        assertThat(Files.size(hostfile)).isPositive();
        try (ProcessRing ring = new ProcessRing("collectives", hostfile, 4,
                Map.of(0, env, 1, env, 2, env, 3, env))) {
            Set<String> digests = new HashSet<>();
            for (int r = 0; r < 4; r++) {
                assertThat(ring.awaitExit(r, 120)).as("rank %d exit code\n%s", r, ring.dump()).isZero();
                String d = ring.line(r, "DIGEST ");
                assertThat(d).as("rank %d digest\n%s", r, ring.dump()).isNotNull();
                digests.add(d);
            }
            assertThat(digests).as("every rank received the same bits\n%s", ring.dump()).hasSize(1);
        }
    }
}
