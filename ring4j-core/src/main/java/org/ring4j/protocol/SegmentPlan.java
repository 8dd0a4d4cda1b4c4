package org.ring4j.protocol;

/**
 * The schedule of one sub-reduce: {@code m} elements, {@code n} ranks, this rank {@code r},
 * direction {@code d}. Mutable and reusable ({@link #reset}) so that running a collective allocates
 * nothing.
 *
 * <pre>
 *  elements 0 ............................................................ m
 *          | segment 0     | segment 1     | ...            | segment n-1 |   seg = ceil(m / n)
 *          | pkt 0 | pkt 1 | pkt 0 | pkt 1 |                                    packet = max(32768,
 *                                                                               min(8 MiB / size, seg / 2))
 *  step t (0 .. 2(n-1)-1): send segment (r + t d) mod n, receive segment (r + d + t d) mod n,
 *  each as nPackets packets; steps 0 .. n-2 reduce what they receive (reduce-scatter),
 *  steps n-1 .. 2n-3 write it straight into the output (all-gather).
 * </pre>
 *
 * Operation {@code i} is packet {@code i % nPackets} of step {@code i / nPackets}. d = -1 sends to
 * the right neighbour and receives from the left; d = +1 the reverse.
 */
public final class SegmentPlan {
    /** MLX's largest packet, in bytes. */
    public static final long MAX_PACKET_BYTES = 8L * 1024 * 1024;
    /** MLX's smallest packet, in elements. */
    public static final long MIN_PACKET_ELEMENTS = 32_768;

    private long m;
    private int n;
    private int rank;
    private int direction;
    private long segment;
    private long packet;
    private long packets;

    /**
     * Sets the plan for a sub-reduce.
     *
     * @param elements elements of the sub-reduce ({@code m})
     * @param elementSize bytes per element
     * @param n ranks, at least 2
     * @param rank this rank
     * @param direction +1 or -1
     * @return this
     */
    public SegmentPlan reset(long elements, int elementSize, int n, int rank, int direction) {
        if (n < 2) {
            throw new IllegalArgumentException("a segment plan needs at least 2 ranks, not " + n);
        }
        if (direction != 1 && direction != -1) {
            throw new IllegalArgumentException("direction must be +1 or -1, not " + direction);
        }
        this.m = elements;
        this.n = n;
        this.rank = rank;
        this.direction = direction;
        this.segment = RingMath.ceilDiv(elements, n);
        this.packet = packetElements(segment, elementSize);
        this.packets = RingMath.ceilDiv(segment, packet);
        return this;
    }

    /** @return MLX's packet size in elements for a segment of {@code segment} elements */
    public static long packetElements(long segment, int elementSize) {
        return Math.max(MIN_PACKET_ELEMENTS, Math.min(MAX_PACKET_BYTES / elementSize, segment / 2));
    }

    /** @return elements per segment */
    public long segment() {
        return segment;
    }

    /** @return elements per packet */
    public long packet() {
        return packet;
    }

    /** @return packets per segment (0 when the sub-reduce is empty) */
    public long packets() {
        return packets;
    }

    /** @return the direction, +1 or -1 */
    public int direction() {
        return direction;
    }

    /** @return the number of operations: 2 (n - 1) steps of {@link #packets()} packets */
    public long operations() {
        return 2L * (n - 1) * packets;
    }

    /**
     * @return how many operations may be in flight: 2 when a segment has several packets (packet i
     *     is posted before packet i-1 is waited for), else 1, as MLX does
     */
    public int window() {
        return packets > 1 ? 2 : 1;
    }

    /** @return true if operation {@code i} reduces what it receives (reduce-scatter phase) */
    public boolean reduces(long i) {
        return i / packets < n - 1;
    }

    /**
     * @return the operation whose received elements operation {@code i} sends (the same packet of
     *     the previous step: what step {@code t} receives, and reduces, is what step {@code t + 1}
     *     sends), or -1 in step 0, which sends this rank's own input
     */
    public long source(long i) {
        return i < packets ? -1 : i - packets;
    }

    /** @return the first element operation {@code i} sends */
    public long sendStart(long i) {
        return packetStart(segmentOf(rank, i), i % packets);
    }

    /** @return one past the last element operation {@code i} sends */
    public long sendEnd(long i) {
        return packetEnd(segmentOf(rank, i), i % packets);
    }

    /** @return the first element operation {@code i} receives */
    public long recvStart(long i) {
        return packetStart(segmentOf(rank + direction, i), i % packets);
    }

    /** @return one past the last element operation {@code i} receives */
    public long recvEnd(long i) {
        return packetEnd(segmentOf(rank + direction, i), i % packets);
    }

    private int segmentOf(long first, long i) {
        long step = i / packets;
        return RingMath.mod(first + step * direction, n);
    }

    private long packetStart(int seg, long j) {
        long start = seg * segment;
        long stop = Math.min((seg + 1) * segment, m);
        return Math.min(start + j * packet, stop);
    }

    private long packetEnd(int seg, long j) {
        long start = seg * segment;
        long stop = Math.min((seg + 1) * segment, m);
        return Math.min(start + (j + 1) * packet, stop);
    }
}
