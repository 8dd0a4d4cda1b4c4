package org.ring4j.collective;

import org.ring4j.protocol.SegmentPlan;

/** One sub-reduce of an all-reduce as byte ranges of the working buffer (see {@link SegmentPlan}). */
final class AllReduceSchedule implements Schedule {
    private final SegmentPlan plan = new SegmentPlan();
    private int base;
    private int elementSize;

    /**
     * @param elements elements of this sub-reduce
     * @param elementSize bytes per element
     * @param n ranks
     * @param rank this rank
     * @param direction +1 or -1
     * @param baseByte where the sub-reduce starts in the working buffer
     * @return this
     */
    AllReduceSchedule reset(long elements, int elementSize, int n, int rank, int direction, int baseByte) {
        plan.reset(elements, elementSize, n, rank, direction);
        this.base = baseByte;
        this.elementSize = elementSize;
        return this;
    }

    @Override
    public long operations() {
        return plan.operations();
    }

    @Override
    public int window() {
        return plan.window();
    }

    @Override
    public int sendFrom(long i) {
        return base + (int) (plan.sendStart(i) * elementSize);
    }

    @Override
    public int sendTo(long i) {
        return base + (int) (plan.sendEnd(i) * elementSize);
    }

    @Override
    public int recvFrom(long i) {
        return base + (int) (plan.recvStart(i) * elementSize);
    }

    @Override
    public int recvTo(long i) {
        return base + (int) (plan.recvEnd(i) * elementSize);
    }

    @Override
    public boolean reduces(long i) {
        return plan.reduces(i);
    }

    @Override
    public long source(long i) {
        return plan.source(i);
    }
}
