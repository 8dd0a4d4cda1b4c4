package org.ring4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The environment variables behind {@link RingOptions}. */
class RingOptionsTest {
    @Test
    void unixSocketsAreOnByDefaultAndTheVariableTurnsThemOff() {
        assertThat(RingOptions.defaults().unixSockets()).isTrue();
        assertThat(RingOptions.fromEnvironment(Map.of()).unixSockets()).isTrue();
        for (String off : new String[] {"0", "false", "OFF", " no "}) {
            assertThat(RingOptions.fromEnvironment(Map.of(RingOptions.UNIX_SOCKETS_ENV, off)).unixSockets()).as(off).isFalse();
        }
        for (String on : new String[] {"1", "true", "yes", "on"}) {
            assertThat(RingOptions.fromEnvironment(Map.of(RingOptions.UNIX_SOCKETS_ENV, on)).unixSockets()).as(on).isTrue();
        }
        assertThat(RingOptions.builder().unixSockets(false).build().toBuilder().build().unixSockets()).isFalse();
    }

    @Test
    void aValueThatIsNeitherOnNorOffNamesTheVariable() {
        assertThatThrownBy(() -> RingOptions.fromEnvironment(Map.of(RingOptions.UNIX_SOCKETS_ENV, "tcp")))
                .isInstanceOf(RingConfigException.class)
                .hasMessage("RING4J_UNIX_SOCKETS=\"tcp\" is neither on nor off; write 1 or 0 (true/false)");
    }
}
