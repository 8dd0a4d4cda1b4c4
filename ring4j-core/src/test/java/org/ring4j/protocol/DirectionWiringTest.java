package org.ring4j.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Which connection carries each direction: the sender's and the receiver's choice must name the
 * same connection in every ring; with 2 ranks in the native protocol each direction keeps to one
 * connection, both ways; everywhere else it is MLX's rule.
 */
class DirectionWiringTest {

    /** A connection is named by the rank that opened it: rank r opens its right one, its left one was opened by its left neighbour. */
    private static int opener(RingTopology t, boolean right) {
        return right ? t.rank() : t.left();
    }

    @Test
    void whatARankSendsIsReadFromTheSameConnectionByTheRankItIsFor() {
        for (boolean nativeProtocol : new boolean[] {true, false}) {
            for (int n = 2; n <= 6; n++) {
                for (int r = 0; r < n; r++) {
                    RingTopology self = new RingTopology(r, n);
                    DirectionWiring wiring = new DirectionWiring(self, nativeProtocol);
                    for (int direction : new int[] {1, -1}) {
                        // Direction +1 moves data to the left neighbour, -1 to the right one.
                        RingTopology target = new RingTopology(direction > 0 ? self.left() : self.right(), n);
                        DirectionWiring targetWiring = new DirectionWiring(target, nativeProtocol);
                        assertThat(opener(target, targetWiring.receivesRight(direction)))
                                .as("n=%d native=%s rank %d direction %d", n, nativeProtocol, r, direction)
                                .isEqualTo(opener(self, wiring.sendsRight(direction)));
                    }
                }
            }
        }
    }

    @Test
    void twoNativeRanksCarryEachDirectionBothWaysOnOneConnection() {
        for (int r = 0; r < 2; r++) {
            RingTopology self = new RingTopology(r, 2);
            DirectionWiring wiring = new DirectionWiring(self, true);
            for (int direction : new int[] {1, -1}) {
                assertThat(opener(self, wiring.receivesRight(direction))).as("rank %d direction %d", r, direction)
                        .isEqualTo(opener(self, wiring.sendsRight(direction)));
            }
            assertThat(opener(self, wiring.sendsRight(1))).as("direction +1 on the connection rank 0 opened").isZero();
            assertThat(opener(self, wiring.sendsRight(-1))).as("direction -1 on the one rank 1 opened").isEqualTo(1);
        }
    }

    @Test
    void mlxsRuleEverywhereElse() {
        for (int n = 2; n <= 5; n++) {
            for (int r = 0; r < n; r++) {
                for (boolean nativeProtocol : new boolean[] {true, false}) {
                    if (n == 2 && nativeProtocol) {
                        continue;
                    }
                    DirectionWiring wiring = new DirectionWiring(new RingTopology(r, n), nativeProtocol);
                    assertThat(wiring.sendsRight(1)).as("+1 goes left").isFalse();
                    assertThat(wiring.receivesRight(1)).as("+1 comes from the right").isTrue();
                    assertThat(wiring.sendsRight(-1)).as("-1 goes right").isTrue();
                    assertThat(wiring.receivesRight(-1)).as("-1 comes from the left").isFalse();
                }
            }
        }
    }
}
