package org.ring4j.transport;

import java.io.IOException;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.List;
import org.ring4j.RingException;
import org.ring4j.RingTimeoutException;

/**
 * Drives a set of {@link IoTask}s to completion on the calling thread.
 *
 * <p>Why the caller's thread: a collective's tasks are small state machines over non-blocking
 * sockets, so one thread moves every connection in both directions, and running them where the
 * call is made avoids a hand-off to another thread on every operation (tens of microseconds when it
 * has to wake up). When no task can move, the loop polls for a bounded time, spinning (or,
 * with more ranks than cores, yielding the core between polls; see {@link #BUSY_SPIN_NANOS}),
 * because peers on loopback often answer within microseconds, then parks in a {@link Selector} until a socket is ready, so an idle
 * rank does not burn a core that its peers need.
 *
 * <p>Not thread-safe: one collective runs at a time per group.
 */
public final class ProgressLoop implements AutoCloseable {
    private static final long MAX_PARK_MILLIS = 200;
    /** A stall at least this long is added to the message of a connection that fails ({@link #withStall}). */
    private static final long STALL_CONTEXT_MILLIS = 500;
    /**
     * When yielding, the first part of the spin that only pauses the core. Why yield at all: with
     * more ranks than cores (4 ranks on 2 here), a rank that spins holds the core its peer needs to
     * produce the data it waits for, and every hop then waits for the scheduler; Open MPI yields
     * when oversubscribed too (mpi_yield_when_idle). Why not always: on this project's virtual
     * machines a yield with a core per rank still cost about 40 us per hop (2-rank 8 B all-sum
     * p50 28 us spinning, 65-73 us yielding).
     */
    private static final long BUSY_SPIN_NANOS = 5_000;
    private static final java.util.function.Consumer<java.nio.channels.SelectionKey> IGNORE = key -> { };

    private final Selector selector;
    /** An array, not a List: iterating a List in {@link #park} allocates an iterator when C2 does not elide it. */
    private final Connection[] connections;
    private final long spinNanos;
    private final long busySpinNanos;
    private final long timeoutNanos;
    private final int selfRank;

    /**
     * @param connections every connection of the group; registered with a new selector
     * @param spin how long to poll before parking
     * @param yieldWhenIdle whether to yield the core between polls after {@link #BUSY_SPIN_NANOS}
     *     (more ranks than cores) instead of spinning all along
     * @param operationTimeout longest wait without progress; zero = none
     * @param selfRank this rank, for messages
     * @throws IOException if the selector cannot be opened or a channel registered
     */
    public ProgressLoop(List<Connection> connections, Duration spin, boolean yieldWhenIdle, Duration operationTimeout,
            int selfRank) throws IOException {
        this.selector = Selector.open();
        this.connections = connections.toArray(new Connection[0]);
        this.spinNanos = spin.toNanos();
        this.busySpinNanos = yieldWhenIdle ? BUSY_SPIN_NANOS : Long.MAX_VALUE;
        this.timeoutNanos = operationTimeout.toNanos();
        this.selfRank = selfRank;
        for (Connection c : this.connections) {
            c.register(selector);
        }
    }

    /**
     * Runs {@code tasks[0..count)} until all are done.
     *
     * @param what the operation, for messages (e.g. {@code allReduce(float32, 1000) #17}); turned into
     *     text only when a message needs it, so that running an operation allocates nothing
     * @throws RingTimeoutException if nothing moves for the operation timeout
     * @throws RingException if a connection fails or the thread is interrupted
     */
    public void run(IoTask[] tasks, int count, Object what) {
        long lastProgress = System.nanoTime();
        long spinStart = 0;
        boolean spinning = false;
        while (true) {
            boolean moved = false;
            boolean allDone = true;
            for (int i = 0; i < count; i++) {
                IoTask t = tasks[i];
                if (!t.isDone()) {
                    try {
                        moved |= t.advance();
                    } catch (RingException e) {
                        throw withStall(e, tasks, count, lastProgress);
                    }
                    allDone &= t.isDone();
                }
            }
            if (allDone) {
                return;
            }
            long now = System.nanoTime();
            if (moved) {
                lastProgress = now;
                spinning = false;
                continue;
            }
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new RingException("rank " + selfRank + ": interrupted during " + what
                        + " while waiting for " + waits(tasks, count));
            }
            if (timeoutNanos > 0 && now - lastProgress > timeoutNanos) {
                throw new RingTimeoutException("rank " + selfRank + ": " + what + " made no progress for "
                        + Duration.ofNanos(timeoutNanos).toMillis() + " ms (the operation timeout, "
                        + "RING4J_OP_TIMEOUT) while waiting for " + waits(tasks, count)
                        + "; that rank may be stuck, dead or running a different operation");
            }
            if (!spinning) {
                spinning = true;
                spinStart = now;
            }
            long idle = now - spinStart;
            if (idle < spinNanos) {
                if (idle < busySpinNanos) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
                continue;
            }
            park(tasks, count, now, lastProgress);
            spinning = false;
        }
    }

    private void park(IoTask[] tasks, int count, long now, long lastProgress) {
        for (int i = 0; i < count; i++) {
            if (!tasks[i].isDone()) {
                tasks[i].declareInterest();
            }
        }
        for (int i = 0; i < connections.length; i++) {
            connections[i].applyInterest();
        }
        long millis = MAX_PARK_MILLIS;
        if (timeoutNanos > 0) {
            long left = (timeoutNanos - (now - lastProgress)) / 1_000_000 + 1;
            millis = Math.max(1, Math.min(millis, left));
        }
        try {
            // The consumer form does not fill the selected-key set, so parking allocates nothing.
            selector.select(IGNORE, millis);
        } catch (IOException e) {
            throw new RingException("rank " + selfRank + ": the selector failed: " + e.getMessage(), e);
        } catch (java.nio.channels.ClosedSelectorException e) {
            throw new RingException("rank " + selfRank + ": the group was closed", e);
        }
    }

    /**
     * @return {@code e}, or, when this rank had been stalled for {@link #STALL_CONTEXT_MILLIS} or
     *     more before it, {@code e} with what the rank was waiting for. Why: when a rank freezes, the
     *     rank that times out first may not be its neighbour, and hangs up on its own neighbours; they
     *     then report that hang-up, and only this context still names the frozen rank they waited for.
     */
    private static RingException withStall(RingException e, IoTask[] tasks, int count, long lastProgress) {
        long stalledMillis = (System.nanoTime() - lastProgress) / 1_000_000;
        if (stalledMillis < STALL_CONTEXT_MILLIS || e.getClass() != RingException.class) {
            return e;
        }
        return new RingException(e.getMessage() + "; before that, this rank had made no progress for " + stalledMillis
                + " ms while waiting for " + waits(tasks, count), e);
    }

    private static String waits(IoTask[] tasks, int count) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count; i++) {
            if (!tasks[i].isDone()) {
                String w = tasks[i].describeWait();
                if (sb.indexOf(w) < 0) {
                    sb.append(sb.length() == 0 ? "" : "; ").append(w);
                }
            }
        }
        return sb.toString();
    }

    /** Wakes a thread parked in {@link #run}, e.g. when the group is closed from another thread. */
    public void wakeup() {
        selector.wakeup();
    }

    /** Closes the selector; idempotent. */
    @Override
    public void close() {
        try {
            selector.close();
        } catch (IOException ignored) {
            // Nothing to do: the channels are closed separately.
        }
    }
}
