package org.ring4j.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link Hostfile#ranksOnHostOf}: the count that decides whether waiting ranks yield their core. */
class HostfileHostCountTest {

    @Test
    void countsRanksByTheHostOfTheirFirstAddress() {
        // Second addresses (other networks) do not count: a host is named by a rank's first address.
        Hostfile h = Hostfile.parse("[[\"10.0.0.1:5000\", \"10.1.0.1:5000\"], [\"10.0.0.2:5000\", \"10.0.0.1:6000\"], "
                + "[\"10.0.0.1:5001\", \"10.1.0.1:5001\"], [\"10.0.0.3:5000\", \"10.1.0.3:5000\"], "
                + "[\"10.0.0.1:5002\", \"10.1.0.1:5002\"]]", "test");
        assertThat(h.ranksOnHostOf(0)).isEqualTo(3);
        assertThat(h.ranksOnHostOf(1)).isEqualTo(1);
        assertThat(h.ranksOnHostOf(4)).isEqualTo(3);
    }

    @Test
    void everyLoopbackNameIsOneHost() {
        Hostfile h = Hostfile.parse("[[\"127.0.0.1:5000\"], [\"localhost:5001\"], [\"[::1]:5002\"], "
                + "[\"127.0.0.2:5003\"], [\"192.168.1.9:5000\"]]", "test");
        assertThat(h.ranksOnHostOf(0)).isEqualTo(4);
        assertThat(h.ranksOnHostOf(2)).isEqualTo(4);
        assertThat(h.ranksOnHostOf(4)).isEqualTo(1);
    }
}
