package org.ring4j.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class BaselineTest {

    @Test
    void theDuplexLimitMovesBytesBothWaysAndEnds() {
        // A measurement that moves nothing in its window (an exception, a closed socket, a window
        // that never opens) reads 0, and every xDPX ratio would print as 0.
        double duplex = Baseline.tcpDuplex(Duration.ofMillis(300));
        assertThat(duplex).as("GB/s each way").isGreaterThan(0.01);
    }

    @Test
    void theLimitsTravelToRanksUnchanged() {
        Baseline b = new Baseline(7.25, 4.5, 21.0);
        assertThat(Baseline.parse(b.format())).isEqualTo(b);
    }
}
