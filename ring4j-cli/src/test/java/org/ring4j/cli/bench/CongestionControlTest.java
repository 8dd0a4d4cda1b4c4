package org.ring4j.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.ring4j.config.HostAddress;
import org.ring4j.config.Hostfile;

class CongestionControlTest {
    private static final Hostfile LOOPBACK = Hostfile.of(List.of(
            List.of(HostAddress.of("127.0.0.1", 5000)), List.of(HostAddress.of("localhost", 5001))));
    private static final Hostfile MIXED = Hostfile.of(List.of(
            List.of(HostAddress.of("127.0.0.1", 5000)), List.of(HostAddress.of("192.0.2.7", 5001))));

    @Test
    void bbrOnLoopbackGetsAHintThatSaysWhatToRun() {
        assertThat(CongestionControl.loopbackHint("bbr", LOOPBACK)).hasValueSatisfying(h -> assertThat(h)
                .startsWith("TCP congestion control is bbr").contains("congctl cubic")
                .contains("docs/performance.md"));
    }

    @Test
    void noHintForOtherAlgorithmsOrRingsThatLeaveTheHost() {
        assertThat(CongestionControl.loopbackHint("cubic", LOOPBACK)).isEmpty();
        assertThat(CongestionControl.loopbackHint("bbr", MIXED)).isEmpty();
        assertThat(CongestionControl.allLoopback(MIXED)).isFalse();
        assertThat(CongestionControl.allLoopback(LOOPBACK)).isTrue();
    }

    @Test
    void readsTheRoutesCongctlFromIpRouteOutput() {
        assertThat(CongestionControl.parseCongctl("local 127.0.0.1 dev lo src 127.0.0.1 uid 0 \n    cache <local> congctl cubic \n"))
                .hasValue("cubic");
        assertThat(CongestionControl.parseCongctl("local 127.0.0.1 dev lo src 127.0.0.1 uid 0 \n    cache <local> \n")).isEmpty();
        assertThat(CongestionControl.parseCongctl("")).isEmpty();
    }
}
