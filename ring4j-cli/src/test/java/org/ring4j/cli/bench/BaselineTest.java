package org.ring4j.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(60)
class BaselineTest {

    @ParameterizedTest(name = "unix={0}")
    @ValueSource(booleans = {false, true})
    void theStreamAndDuplexLimitsMoveBytesOverEitherWireAndEnd(boolean unix) {
        // A measurement that moves nothing in its window (an exception, a closed socket, a window
        // that never opens) reads 0, and every xSTR or xDPX ratio would print as 0.
        assertThat(Baseline.duplex(Duration.ofMillis(300), unix)).as("GB/s each way").isGreaterThan(0.01);
        assertThat(Baseline.stream(Duration.ofMillis(300), unix)).as("GB/s one way").isGreaterThan(0.01);
    }

    @Test
    void theLimitsTravelToRanksUnchanged() {
        for (String wire : new String[] {"tcp", "unix"}) {
            Baseline b = new Baseline(wire, 7.25, 4.5, 21.0);
            assertThat(Baseline.parse(b.format())).isEqualTo(b);
        }
        assertThat(new Baseline("unix", 1, 1, 1).wireName()).isEqualTo("Unix socket");
        assertThat(new Baseline("tcp", 1, 1, 1).wireName()).isEqualTo("loopback TCP");
    }
}
