package org.ring4j.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ring4j.RingException;

/** What {@link ProgressLoop} says when a task fails, with tasks that need no sockets. */
@Timeout(30)
class ProgressLoopTest {

    /** Never moves, never finishes; says what it waits for. */
    private static class Stuck implements IoTask {
        private final String waitsFor;

        Stuck(String waitsFor) {
            this.waitsFor = waitsFor;
        }

        @Override
        public boolean advance() {
            return false;
        }

        @Override
        public boolean isDone() {
            return false;
        }

        @Override
        public void declareInterest() {
        }

        @Override
        public String describeWait() {
            return waitsFor;
        }
    }

    /** Stuck, then fails with a hang-up once {@code failAfterNanos} have passed since it was created. */
    private static final class HangsUp extends Stuck {
        private final long failAt;

        HangsUp(long failAfterNanos) {
            super("data from rank 3");
            this.failAt = System.nanoTime() + failAfterNanos;
        }

        @Override
        public boolean advance() {
            if (System.nanoTime() >= failAt) {
                throw new RingException("rank 0: rank 3 closed the connection");
            }
            return false;
        }
    }

    private static ProgressLoop loop() throws Exception {
        return new ProgressLoop(List.of(), Duration.ofMillis(1), false, Duration.ofSeconds(20), 0);
    }

    @Test
    void aFailureAfterAStallSaysWhatTheRankWasWaitingFor() throws Exception {
        try (ProgressLoop loop = loop()) {
            IoTask[] tasks = {new HangsUp(Duration.ofMillis(800).toNanos()), new Stuck("data from rank 1 (frozen)")};
            assertThatThrownBy(() -> loop.run(tasks, 2, "allReduce #1")).isExactlyInstanceOf(RingException.class)
                    .hasMessageStartingWith("rank 0: rank 3 closed the connection; before that, this rank had made no "
                            + "progress for ")
                    .hasMessageContaining("ms while waiting for data from rank 3; data from rank 1 (frozen)");
        }
    }

    @Test
    void aFailureWithoutAStallIsReportedAsItIs() throws Exception {
        try (ProgressLoop loop = loop()) {
            IoTask[] tasks = {new HangsUp(0), new Stuck("data from rank 1 (frozen)")};
            assertThatThrownBy(() -> loop.run(tasks, 2, "allReduce #1")).isExactlyInstanceOf(RingException.class)
                    .hasMessage("rank 0: rank 3 closed the connection");
        }
    }
}
