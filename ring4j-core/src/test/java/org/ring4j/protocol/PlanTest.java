package org.ring4j.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The protocol arithmetic against cases worked out by hand from MLX's ring.cpp. */
class PlanTest {

    @Test
    void topologyAndConnectionOrder() {
        RingTopology r0 = new RingTopology(0, 4);
        assertThat(r0.right()).isEqualTo(1);
        assertThat(r0.left()).isEqualTo(3);
        assertThat(r0.acceptsFirst()).isTrue();
        RingTopology r3 = new RingTopology(3, 4);
        assertThat(r3.right()).isEqualTo(0);
        assertThat(r3.left()).isEqualTo(2);
        assertThat(r3.acceptsFirst()).as("the last rank connects first").isFalse();
        RingTopology two = new RingTopology(1, 2);
        assertThat(two.left()).isEqualTo(0);
        assertThat(two.right()).isEqualTo(0);
        assertThat(new RingTopology(0, 1).isNeighbour(0)).as("a group of one has no neighbour").isFalse();
        assertThat(r0.isNeighbour(2)).isFalse();
        assertThatThrownBy(() -> new RingTopology(4, 4)).hasMessageContaining("rank 4 is out of range")
                .hasMessageContaining("0 to 3");
    }

    @Test
    void subReduceSplit() {
        // 4 ranks, 1 connection, 32 MiB of float32: 33554432 / (4 * 262144) = 32 -> min(2, 32) = 2.
        assertThat(AllReducePlan.subReduces(8L << 20, 4, 4, 1, false)).isEqualTo(2);
        // Small data: one sub-reduce.
        assertThat(AllReducePlan.subReduces(1000, 4, 4, 3, false)).isEqualTo(1);
        // 2 ranks, 3 connections, 1 MiB float32: 1048576 / 524288 = 2 -> 2 sub-reduces.
        assertThat(AllReducePlan.subReduces(262144, 4, 2, 3, false)).isEqualTo(2);
        // 2 ranks, 3 connections, 64 MiB: min(6, 128) = 6.
        assertThat(AllReducePlan.subReduces(16L << 20, 4, 2, 3, false)).isEqualTo(6);
        // The native protocol splits from 128 KiB per rank and sub-reduce: 4 ranks, 1 MiB of float32:
        // 1048576 / (4 * 131072) = 2 -> 2, where MLX's 1048576 / (4 * 262144) = 1.
        assertThat(AllReducePlan.subReduces(262144, 4, 4, 1, true)).isEqualTo(2);
        assertThat(AllReducePlan.subReduces(262144, 4, 4, 1, false)).isEqualTo(1);
        // Just below 2 x 4 x 128 KiB: one sub-reduce in either protocol.
        assertThat(AllReducePlan.subReduces(262143, 4, 4, 1, true)).isEqualTo(1);
        // 2 ranks, 3 connections, 1 MiB: 1048576 / 262144 = 4 -> 4 (MLX: 2, above).
        assertThat(AllReducePlan.subReduces(262144, 4, 2, 3, true)).isEqualTo(4);
        // 10 elements in 4 pieces: step 3 -> 3, 3, 3, 1.
        assertThat(AllReducePlan.step(10, 4)).isEqualTo(3);
        assertThat(List.of(AllReducePlan.length(10, 4, 0), AllReducePlan.length(10, 4, 1),
                AllReducePlan.length(10, 4, 2), AllReducePlan.length(10, 4, 3))).containsExactly(3L, 3L, 3L, 1L);
        assertThat(AllReducePlan.start(10, 4, 3)).isEqualTo(9);
        // Even sub-reduces go +1, odd -1, two per connection.
        assertThat(AllReducePlan.direction(0)).isEqualTo(1);
        assertThat(AllReducePlan.direction(1)).isEqualTo(-1);
        assertThat(AllReducePlan.connection(3)).isEqualTo(1);
        assertThat(AllReducePlan.padded(3, 4)).isTrue();
        assertThat(AllReducePlan.padded(4, 4)).isFalse();
        assertThat(AllReducePlan.padded(0, 2)).as("zero elements still exchange a padded block, as MLX").isTrue();
    }

    @Test
    void segmentsAndPacketsOfASmallReduce() {
        // 10 float32 on 3 ranks, rank 1, direction -1: seg = 4, packet = max(32768, min(2M, 2)) = 32768, 1 packet.
        SegmentPlan p = new SegmentPlan().reset(10, 4, 3, 1, -1);
        assertThat(p.segment()).isEqualTo(4);
        assertThat(p.packet()).isEqualTo(32768);
        assertThat(p.packets()).isEqualTo(1);
        assertThat(p.operations()).isEqualTo(4);
        assertThat(p.window()).isEqualTo(1);
        // Steps: send segments 1, 0, 2, 1; receive 0, 2, 1, 0 (each moves by -1).
        assertThat(ranges(p, true)).containsExactly("4-8", "0-4", "8-10", "4-8");
        assertThat(ranges(p, false)).containsExactly("0-4", "8-10", "4-8", "0-4");
        assertThat(List.of(p.reduces(0), p.reduces(1), p.reduces(2), p.reduces(3)))
                .containsExactly(true, true, false, false);
    }

    @Test
    void packetsOfALargeReduce() {
        // 4 ranks, 1M float32, direction +1, rank 0: seg = 262144, packet = max(32768, min(2097152, 131072))
        // = 131072 -> 2 packets per segment, window 2.
        SegmentPlan p = new SegmentPlan().reset(1 << 20, 4, 4, 0, 1);
        assertThat(p.segment()).isEqualTo(262144);
        assertThat(p.packet()).isEqualTo(131072);
        assertThat(p.packets()).isEqualTo(2);
        assertThat(p.window()).isEqualTo(2);
        assertThat(p.operations()).isEqualTo(2 * 3 * 2);
        // op 0: send seg 0 packet 0; op 1: seg 0 packet 1; op 2: seg 1 packet 0 (moved by +1).
        assertThat(p.sendStart(0)).isEqualTo(0);
        assertThat(p.sendEnd(1)).isEqualTo(262144);
        assertThat(p.sendStart(2)).isEqualTo(262144);
        // Receive starts at segment r + d = 1.
        assertThat(p.recvStart(0)).isEqualTo(262144);
        assertThat(p.recvEnd(0)).isEqualTo(262144 + 131072);
        // float64: the packet is capped by 8 MiB / 8 = 1M elements only for segments above 2M elements.
        assertThat(SegmentPlan.packetElements(10_000_000, 8)).isEqualTo(1 << 20);
        assertThat(SegmentPlan.packetElements(10, 1)).isEqualTo(32768);
    }

    @Test
    void lastSegmentsMayBeShortOrEmpty() {
        // 5 elements on 4 ranks: seg = 2 -> segments [0,2) [2,4) [4,5) [5,5).
        SegmentPlan p = new SegmentPlan().reset(5, 4, 4, 2, 1);
        assertThat(p.segment()).isEqualTo(2);
        // rank 2 sends segment 2 first: [4, 5); then segment 3: empty at 5.
        assertThat(p.sendStart(0)).isEqualTo(4);
        assertThat(p.sendEnd(0)).isEqualTo(5);
        assertThat(p.sendStart(1)).isEqualTo(5);
        assertThat(p.sendEnd(1)).isEqualTo(5);
    }

    @Test
    void allGatherSplit() {
        assertThat(AllGatherPlan.gathers(100, 2, false)).isEqualTo(1);
        assertThat(AllGatherPlan.gathers(1 << 20, 1, false)).isEqualTo(2);
        assertThat(AllGatherPlan.gathers(1 << 20, 3, false)).isEqualTo(4);
        assertThat(AllGatherPlan.gathers(0, 3, false)).isEqualTo(1);
        // Native: both directions from 256 KiB per rank (MLX: 512 KiB).
        assertThat(AllGatherPlan.gathers(262144, 1, true)).isEqualTo(2);
        assertThat(AllGatherPlan.gathers(262144, 1, false)).isEqualTo(1);
        assertThat(AllGatherPlan.gathers(262143, 1, true)).isEqualTo(1);
        // 1 MiB in 4: 262144 each.
        assertThat(AllGatherPlan.offset(1 << 20, 4, 3)).isEqualTo(786432);
        assertThat(AllGatherPlan.length(1 << 20, 4, 3)).isEqualTo(262144);
        // Rank 1 of 4, direction -1: sends blocks 1, 0, 3; receives 0, 3, 2.
        assertThat(List.of(AllGatherPlan.sendBlock(1, 4, -1, 0), AllGatherPlan.sendBlock(1, 4, -1, 1),
                AllGatherPlan.sendBlock(1, 4, -1, 2))).containsExactly(1, 0, 3);
        assertThat(List.of(AllGatherPlan.recvBlock(1, 4, -1, 0), AllGatherPlan.recvBlock(1, 4, -1, 1),
                AllGatherPlan.recvBlock(1, 4, -1, 2))).containsExactly(0, 3, 2);
    }

    @Test
    void sendPieces() {
        // 3000 bytes on 2 connections: pieces of 1500.
        assertThat(PointToPointPlan.piece(3000, 2)).isEqualTo(1500);
        assertThat(PointToPointPlan.length(3000, 2, 1)).isEqualTo(1500);
        // 1500 bytes on 3 connections: max(1024, 500) = 1024 -> 1024, 476, 0.
        assertThat(List.of(PointToPointPlan.length(1500, 3, 0), PointToPointPlan.length(1500, 3, 1),
                PointToPointPlan.length(1500, 3, 2))).containsExactly(1024L, 476L, 0L);
        assertThat(PointToPointPlan.start(1500, 3, 2)).isEqualTo(1500);
        assertThat(PointToPointPlan.length(0, 2, 0)).isZero();
    }

    @Test
    void everyElementIsSentAndReceivedOncePerStep() {
        // Property over many shapes: in each step the packets of a segment tile it exactly.
        for (int n = 2; n <= 6; n++) {
            for (long m : new long[] {n, n + 1, 1000, 65537, 300_001}) {
                for (int d : new int[] {-1, 1}) {
                    for (int r = 0; r < n; r++) {
                        SegmentPlan p = new SegmentPlan().reset(m, 4, n, r, d);
                        long covered = 0;
                        for (long i = 0; i < p.packets() * (n - 1); i++) {
                            covered += p.recvEnd(i) - p.recvStart(i);
                        }
                        // Reduce-scatter receives every segment except the one this rank starts with.
                        long own = Math.min(m, (r + 1) * p.segment()) - Math.min(m, r * p.segment());
                        assertThat(covered).as("n=%d m=%d d=%d r=%d", n, m, d, r).isEqualTo(m - own);
                    }
                }
            }
        }
    }

    private static List<String> ranges(SegmentPlan p, boolean send) {
        List<String> out = new ArrayList<>();
        for (long i = 0; i < p.operations(); i++) {
            out.add(send ? p.sendStart(i) + "-" + p.sendEnd(i) : p.recvStart(i) + "-" + p.recvEnd(i));
        }
        return out;
    }

    /**
     * The contract that lets a step forward bytes while they still arrive: an operation's source
     * received exactly the range it sends, and comes before it; step 0 sends the rank's own input.
     */
    @Test
    void forwardedOperationsSendExactlyWhatTheirSourceReceived() {
        SegmentPlan p = new SegmentPlan();
        long checked = 0;
        for (int n = 2; n <= 6; n++) {
            for (long m : new long[] {0, 1, 7, 100, (1 << 18) + 3, 3_000_017}) {
                for (int esize : new int[] {1, 2, 4, 8}) {
                    for (int rank = 0; rank < n; rank++) {
                        for (int d : new int[] {1, -1}) {
                            p.reset(m, esize, n, rank, d);
                            for (long i = 0; i < p.operations(); i++) {
                                long s = p.source(i);
                                if (i < p.packets()) {
                                    assertThat(s).as("step 0 sends the rank's own input").isEqualTo(-1);
                                    continue;
                                }
                                assertThat(s).isBetween(0L, i - 1);
                                assertThat(p.sendStart(i)).isEqualTo(p.recvStart(s));
                                assertThat(p.sendEnd(i)).isEqualTo(p.recvEnd(s));
                                checked++;
                            }
                        }
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(1000);
        for (int n = 2; n <= 6; n++) {
            for (int rank = 0; rank < n; rank++) {
                for (int d : new int[] {1, -1}) {
                    for (int t = 1; t < n - 1; t++) {
                        assertThat(AllGatherPlan.sendBlock(rank, n, d, t)).isEqualTo(AllGatherPlan.recvBlock(rank, n, d, t - 1));
                    }
                }
            }
        }
    }
}
