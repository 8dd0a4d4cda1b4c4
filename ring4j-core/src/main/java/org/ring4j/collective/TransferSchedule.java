package org.ring4j.collective;

/** A single transfer in one direction: bytes {@code [from, to)} sent, or received, or nothing. */
final class TransferSchedule implements Schedule {
    private int sendFrom;
    private int sendTo;
    private int recvFrom;
    private int recvTo;

    TransferSchedule sending(int from, int to) {
        sendFrom = from;
        sendTo = to;
        recvFrom = 0;
        recvTo = 0;
        return this;
    }

    TransferSchedule receiving(int from, int to) {
        sendFrom = 0;
        sendTo = 0;
        recvFrom = from;
        recvTo = to;
        return this;
    }

    @Override
    public long operations() {
        return 1;
    }

    @Override
    public int window() {
        return 1;
    }

    @Override
    public int sendFrom(long i) {
        return sendFrom;
    }

    @Override
    public int sendTo(long i) {
        return sendTo;
    }

    @Override
    public int recvFrom(long i) {
        return recvFrom;
    }

    @Override
    public int recvTo(long i) {
        return recvTo;
    }

    @Override
    public boolean reduces(long i) {
        return false;
    }
}
