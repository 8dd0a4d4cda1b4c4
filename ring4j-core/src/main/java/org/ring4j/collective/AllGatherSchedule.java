package org.ring4j.collective;

import org.ring4j.protocol.AllGatherPlan;

/**
 * One gather of an all-gather: in step {@code t} it sends part {@code [offset, offset + length)} of
 * block {@code (r + t d) mod n} and receives the same part of block {@code (r + (t+1) d) mod n};
 * step {@code t + 1} forwards what step {@code t} received ({@link #source}), as it arrives.
 */
final class AllGatherSchedule implements Schedule {
    private int n;
    private int rank;
    private int direction;
    private int blockBytes;
    private int offset;
    private int length;
    private int steps;

    /** A full all-gather: {@code n - 1} steps, after which every block has arrived. */
    AllGatherSchedule reset(int n, int rank, int direction, int blockBytes, int offset, int length) {
        return reset(n, rank, direction, blockBytes, offset, length, n - 1);
    }

    /**
     * Only the first {@code steps} steps: the blocks of the {@code steps} nearest ranks on the side
     * data comes from (the other direction brings the rest).
     */
    AllGatherSchedule reset(int n, int rank, int direction, int blockBytes, int offset, int length, int steps) {
        this.n = n;
        this.rank = rank;
        this.direction = direction;
        this.blockBytes = blockBytes;
        this.offset = offset;
        this.length = length;
        this.steps = steps;
        return this;
    }

    @Override
    public long operations() {
        return steps;
    }

    @Override
    public int window() {
        return 1;
    }

    @Override
    public int sendFrom(long t) {
        return AllGatherPlan.sendBlock(rank, n, direction, (int) t) * blockBytes + offset;
    }

    @Override
    public int sendTo(long t) {
        return sendFrom(t) + length;
    }

    @Override
    public int recvFrom(long t) {
        return AllGatherPlan.recvBlock(rank, n, direction, (int) t) * blockBytes + offset;
    }

    @Override
    public int recvTo(long t) {
        return recvFrom(t) + length;
    }

    @Override
    public boolean reduces(long i) {
        return false;
    }

    @Override
    public long source(long t) {
        return t - 1;
    }
}
