package org.ring4j.collective;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.ring4j.DType;
import org.ring4j.Group;
import org.ring4j.Protocol;
import org.ring4j.ReduceOp;
import org.ring4j.RingException;
import org.ring4j.RingOptions;
import org.ring4j.kernel.Kernels;
import org.ring4j.protocol.AllGatherPlan;
import org.ring4j.protocol.AllReducePlan;
import org.ring4j.protocol.DirectionWiring;
import org.ring4j.protocol.OpHeader;
import org.ring4j.protocol.PointToPointPlan;
import org.ring4j.protocol.RingTopology;
import org.ring4j.transport.Connection;
import org.ring4j.transport.IoTask;
import org.ring4j.transport.ProgressLoop;
import org.ring4j.transport.RingConnections;

/**
 * The {@link Group} of a connected rank: checks arguments, brings every input to a direct
 * little-endian working buffer, runs the collective's {@link ExchangeTask}s in the
 * {@link ProgressLoop}, and keeps the group's state (failed, closed) and operation order.
 *
 * <p>Operations run one at a time under a lock, on the calling thread; asynchronous ones on a
 * single operation thread, started on first use.
 */
public final class RingGroup implements Group {
    private static final System.Logger LOG = System.getLogger(RingGroup.class.getName());

    private final RingTopology topology;
    private final DirectionWiring wiring;
    private final RingOptions options;
    private final RingConnections connections;
    private final ProgressLoop loop;
    private final int k;

    private final ExchangeTask[] tasks;
    private final AllReduceSchedule[] reduceSchedules;
    private final AllGatherSchedule[] gatherSchedules;
    private final TransferSchedule[] transferSchedules;
    private final Staging staging = new Staging();
    private final BufferViews views = new BufferViews();
    private final OperationInfo info = new OperationInfo();
    private ByteBuffer pad;
    /** The blocks of a small all-reduce ({@link #reduceByGathering}); allocated on first use. */
    private ByteBuffer gatherInputs;

    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicInteger pendingAsync = new AtomicInteger();
    private volatile ExecutorService opThread;
    private volatile Thread opThreadInstance;
    private volatile RingException failure;
    private volatile boolean closed;
    private long sequence;
    private long collectives;
    /** The native protocol (operation headers, gathering small all-reduces, its own wiring and split), not MLX's. */
    private final boolean nativeProtocol;
    private final HeaderCheck headerCheck = this::checkHeader;

    /**
     * Takes ownership of {@code connections} (closed by {@link #close()}).
     *
     * @param topology this rank and the ring size
     * @param connections {@code k} left and {@code k} right connections, or none for a group of one
     * @param options the settings
     * @throws RingException if the progress loop cannot be set up
     */
    public RingGroup(RingTopology topology, RingConnections connections, RingOptions options) {
        this(topology, connections, options, false);
    }

    /**
     * @param topology this rank and the ring size
     * @param connections {@code k} left and {@code k} right connections, or none for a group of one
     * @param options the settings
     * @param yieldWhenIdle whether a waiting operation yields its core between polls (more ranks
     *     than cores on this host) instead of spinning
     * @throws RingException if the progress loop cannot be set up
     */
    public RingGroup(RingTopology topology, RingConnections connections, RingOptions options, boolean yieldWhenIdle) {
        this.topology = topology;
        this.options = options;
        this.connections = connections;
        this.k = connections.right().size();
        this.nativeProtocol = options.protocol() == Protocol.NATIVE;
        this.wiring = new DirectionWiring(topology, nativeProtocol);
        try {
            this.loop = new ProgressLoop(connections.all(), options.spin(), yieldWhenIdle,
                    options.operationTimeout(), topology.rank());
        } catch (IOException e) {
            connections.closeAll();
            throw new RingException("rank " + topology.rank() + " cannot set up its I/O selector: " + e.getMessage(), e);
        }
        int slots = Math.max(1, 2 * k);
        this.tasks = new ExchangeTask[slots];
        this.reduceSchedules = new AllReduceSchedule[slots];
        this.gatherSchedules = new AllGatherSchedule[slots];
        this.transferSchedules = new TransferSchedule[slots];
        for (int i = 0; i < slots; i++) {
            tasks[i] = new ExchangeTask(yieldWhenIdle ? ExchangeTask.SHARED_CORE_SCRATCH_BYTES : ExchangeTask.SCRATCH_BYTES);
            reduceSchedules[i] = new AllReduceSchedule();
            gatherSchedules[i] = new AllGatherSchedule();
            transferSchedules[i] = new TransferSchedule();
        }
    }

    @Override
    public int rank() {
        return topology.rank();
    }

    @Override
    public int size() {
        return topology.size();
    }

    @Override
    public Protocol protocol() {
        return options.protocol();
    }

    @Override
    public String transport() {
        boolean unix = false;
        boolean tcp = false;
        for (Connection c : connections.all()) {
            unix |= c.transport().equals("unix");
            tcp |= c.transport().equals("tcp");
        }
        return unix && tcp ? "unix+tcp" : unix ? "unix" : tcp ? "tcp" : "none";
    }

    /** @return the number of connections to each neighbour */
    public int connectionsPerNeighbour() {
        return k;
    }

    // ================================================================ all-reduce

    @Override
    public void allReduce(ByteBuffer src, ByteBuffer dst, DType dtype, ReduceOp op) {
        requireNonNull(src, "src");
        requireNonNull(dst, "dst");
        requireNonNull(dtype, "dtype");
        requireNonNull(op, "op");
        int bytes = src.limit();
        if (dst.limit() != bytes) {
            throw new IllegalArgumentException("allReduce: src has " + bytes + " bytes (its limit) but dst has "
                    + dst.limit() + "; they must be equal");
        }
        if (bytes % dtype.size() != 0) {
            throw new IllegalArgumentException("allReduce: " + bytes + " bytes is not a whole number of "
                    + dtype.label() + " elements (" + dtype.size() + " bytes each)");
        }
        requireWritable(dst);
        enter();
        try {
            info.set("allReduce", dtype, op, bytes / dtype.size(), -1, sequence);
            ByteBuffer work;
            ByteBuffer input;
            if (dst.isDirect()) {
                work = views.of(dst);
                input = src == dst ? work : src.isDirect() && !mayOverlap(src, dst, bytes) ? views.of(src) : null;
                if (input == null) {
                    work.put(0, src, 0, bytes);
                    input = work;
                }
            } else {
                work = staging.ensure(bytes);
                work.put(0, src, 0, bytes);
                input = work;
            }
            reduce(work, input, bytes, dtype, op);
            if (!dst.isDirect()) {
                dst.put(0, work, 0, bytes);
            }
        } catch (RuntimeException e) {
            throw failed(e);
        } finally {
            exit();
        }
    }

    @Override
    public void allReduce(byte[] src, byte[] dst, ReduceOp op) {
        reduceArray(src, dst, src == null ? 0 : src.length, dst == null ? 0 : dst.length, DType.INT8, op);
    }

    @Override
    public void allReduce(short[] src, short[] dst, ReduceOp op) {
        reduceArray(src, dst, src == null ? 0 : src.length, dst == null ? 0 : dst.length, DType.INT16, op);
    }

    @Override
    public void allReduce(int[] src, int[] dst, ReduceOp op) {
        reduceArray(src, dst, src == null ? 0 : src.length, dst == null ? 0 : dst.length, DType.INT32, op);
    }

    @Override
    public void allReduce(long[] src, long[] dst, ReduceOp op) {
        reduceArray(src, dst, src == null ? 0 : src.length, dst == null ? 0 : dst.length, DType.INT64, op);
    }

    @Override
    public void allReduce(float[] src, float[] dst, ReduceOp op) {
        reduceArray(src, dst, src == null ? 0 : src.length, dst == null ? 0 : dst.length, DType.FLOAT32, op);
    }

    @Override
    public void allReduce(double[] src, double[] dst, ReduceOp op) {
        reduceArray(src, dst, src == null ? 0 : src.length, dst == null ? 0 : dst.length, DType.FLOAT64, op);
    }

    @Override
    public void allReduce(boolean[] src, boolean[] dst, ReduceOp op) {
        reduceArray(src, dst, src == null ? 0 : src.length, dst == null ? 0 : dst.length, DType.BOOL, op);
    }

    private void reduceArray(Object src, Object dst, int srcLength, int dstLength, DType dtype, ReduceOp op) {
        requireNonNull(src, "src");
        requireNonNull(dst, "dst");
        requireNonNull(op, "op");
        if (srcLength != dstLength) {
            throw new IllegalArgumentException("allReduce: src has " + srcLength + " elements but dst has "
                    + dstLength + "; they must be equal");
        }
        long bytes = (long) srcLength * dtype.size();
        requireAddressable(bytes, "allReduce");
        enter();
        try {
            info.set("allReduce", dtype, op, srcLength, -1, sequence);
            ByteBuffer work = staging.ensure((int) bytes);
            staging.copyIn(src, 0);
            reduce(work, work, (int) bytes, dtype, op);
            staging.copyOut(0, dst);
        } catch (RuntimeException e) {
            throw failed(e);
        } finally {
            exit();
        }
    }

    /**
     * Whether two direct buffers of a collective might share memory over their first {@code bytes}
     * bytes. Java 17 has no public way to read a direct buffer's address, but
     * {@link ByteBuffer#alignmentOffset} with the largest unit gives its address modulo 2^30: two
     * ranges closer than {@code bytes} in that ring may overlap (or lie a multiple of 1 GiB apart,
     * which costs only the copy that overlapping buffers need anyway).
     */
    private static boolean mayOverlap(ByteBuffer a, ByteBuffer b, int bytes) {
        int unit = 1 << 30;
        if (bytes >= unit / 2) {
            return true;
        }
        int distance = Math.floorMod(a.alignmentOffset(0, unit) - b.alignmentOffset(0, unit), unit);
        return distance < bytes || unit - distance < bytes;
    }

    /**
     * All-reduce of {@code input} into the direct little-endian buffer {@code work}, bytes
     * [0, bytes). {@code input} is {@code work} (in place) or a buffer that shares no memory with
     * it, which the large path reads without copying it into {@code work} first.
     */
    private void reduce(ByteBuffer work, ByteBuffer input, int bytes, DType dtype, ReduceOp op) {
        collectives++;
        int n = topology.size();
        if (n == 1) {
            if (input != work) {
                work.put(0, input, 0, bytes);
            }
            return;
        }
        int es = dtype.size();
        long count = bytes / es;
        boolean large = !(nativeProtocol && AllReducePlan.gathersInputs(bytes, n)) && !AllReducePlan.padded(count, n);
        if (input != work && !large) {
            work.put(0, input, 0, bytes); // small: the copy costs less than a change of plan
        }
        if (nativeProtocol && AllReducePlan.gathersInputs(bytes, n)) {
            reduceByGathering(work, bytes, dtype, op);
            return;
        }
        if (AllReducePlan.padded(count, n)) {
            // Too few elements for a segment per rank: reduce n zero-padded elements (MLX does the same,
            // but only up to 1024 bytes; any size works here).
            ByteBuffer p = padBuffer(n * es);
            p.put(0, work, 0, bytes);
            runSubReduces(p, p, n, dtype, op, 1, true, count);
            work.put(0, p, 0, bytes);
            return;
        }
        runSubReduces(work, input, count, dtype, op, AllReducePlan.subReduces(count, es, n, k, nativeProtocol), false, count);
    }

    private void runSubReduces(ByteBuffer work, ByteBuffer input, long count, DType dtype, ReduceOp op,
            int subReduces, boolean padded, long reducedCount) {
        int n = topology.size();
        int es = dtype.size();
        var kernel = Kernels.of(dtype, op);
        for (int i = 0; i < subReduces; i++) {
            int direction = padded ? -1 : AllReducePlan.direction(i);
            int conn = padded ? 0 : AllReducePlan.connection(i);
            long start = padded ? 0 : AllReducePlan.start(count, subReduces, i);
            long length = padded ? count : AllReducePlan.length(count, subReduces, i);
            reduceSchedules[i].reset(length, es, n, topology.rank(), direction, (int) (start * es));
            tasks[i].reset(work, reduceSchedules[i], sender(direction, conn), receiver(direction, conn), kernel, es)
                    .readsInput(input);
        }
        headers(0, subReduces, OpHeader.ALL_REDUCE, dtype, op, collectives, reducedCount);
        run(subReduces);
    }

    /**
     * The small all-reduce of the native protocol ({@link AllReducePlan#gathersInputs}): every
     * input travels half the ring each way into a buffer of {@code n} blocks, then each rank
     * reduces block 0, 1, ..., n-1 in that order into {@code work}.
     */
    private void reduceByGathering(ByteBuffer work, int bytes, DType dtype, ReduceOp op) {
        int n = topology.size();
        int rank = topology.rank();
        if (gatherInputs == null || gatherInputs.capacity() < n * bytes) {
            gatherInputs = ByteBuffer.allocateDirect((int) AllReducePlan.GATHER_INPUTS_MAX_BYTES)
                    .order(ByteOrder.LITTLE_ENDIAN);
        }
        ByteBuffer blocks = gatherInputs;
        blocks.put(rank * bytes, work, 0, bytes);
        int used = 0;
        for (int direction = 1; direction >= -1; direction -= 2) {
            int steps = AllReducePlan.gatherSteps(n, direction);
            if (steps > 0) {
                gatherSchedules[used].reset(n, rank, direction, bytes, 0, bytes, steps);
                tasks[used].reset(blocks, gatherSchedules[used], sender(direction, 0), receiver(direction, 0), null, 1);
                used++;
            }
        }
        headers(0, used, OpHeader.ALL_REDUCE, dtype, op, collectives, bytes / dtype.size());
        run(used);
        work.put(0, blocks, 0, bytes);
        var kernel = Kernels.of(dtype, op);
        int count = bytes / dtype.size();
        for (int r = 1; r < n; r++) {
            kernel.reduce(blocks, r * bytes, work, 0, count);
        }
    }

    private ByteBuffer padBuffer(int bytes) {
        if (pad == null || pad.capacity() < bytes) {
            pad = ByteBuffer.allocateDirect(Math.max(bytes, 1024)).order(ByteOrder.LITTLE_ENDIAN);
        }
        for (int i = 0; i < bytes; i++) {
            pad.put(i, (byte) 0);
        }
        return pad;
    }

    // ================================================================ all-gather

    @Override
    public void allGather(ByteBuffer src, ByteBuffer dst) {
        requireNonNull(src, "src");
        requireNonNull(dst, "dst");
        int block = src.limit();
        long total = (long) block * topology.size();
        if (dst.limit() != total) {
            throw new IllegalArgumentException("allGather: dst has " + dst.limit() + " bytes (its limit) but needs "
                    + total + " = " + topology.size() + " ranks x " + block + " bytes of src");
        }
        requireWritable(dst);
        enter();
        try {
            info.set("allGather", null, null, block, -1, sequence);
            ByteBuffer work = dst.isDirect() ? views.of(dst) : staging.ensure((int) total);
            work.put(topology.rank() * block, src, 0, block);
            gather(work, block);
            if (!dst.isDirect()) {
                dst.put(0, work, 0, (int) total);
            }
        } catch (RuntimeException e) {
            throw failed(e);
        } finally {
            exit();
        }
    }

    @Override
    public void allGather(byte[] src, byte[] dst) {
        gatherArray(src, dst, src == null ? 0 : src.length, dst == null ? 0 : dst.length, DType.INT8);
    }

    @Override
    public void allGather(short[] src, short[] dst) {
        gatherArray(src, dst, src == null ? 0 : src.length, dst == null ? 0 : dst.length, DType.INT16);
    }

    @Override
    public void allGather(int[] src, int[] dst) {
        gatherArray(src, dst, src == null ? 0 : src.length, dst == null ? 0 : dst.length, DType.INT32);
    }

    @Override
    public void allGather(long[] src, long[] dst) {
        gatherArray(src, dst, src == null ? 0 : src.length, dst == null ? 0 : dst.length, DType.INT64);
    }

    @Override
    public void allGather(float[] src, float[] dst) {
        gatherArray(src, dst, src == null ? 0 : src.length, dst == null ? 0 : dst.length, DType.FLOAT32);
    }

    @Override
    public void allGather(double[] src, double[] dst) {
        gatherArray(src, dst, src == null ? 0 : src.length, dst == null ? 0 : dst.length, DType.FLOAT64);
    }

    @Override
    public void allGather(boolean[] src, boolean[] dst) {
        gatherArray(src, dst, src == null ? 0 : src.length, dst == null ? 0 : dst.length, DType.BOOL);
    }

    private void gatherArray(Object src, Object dst, int srcLength, int dstLength, DType dtype) {
        requireNonNull(src, "src");
        requireNonNull(dst, "dst");
        long expected = (long) srcLength * topology.size();
        if (dstLength != expected) {
            throw new IllegalArgumentException("allGather: dst has " + dstLength + " elements but needs " + expected
                    + " = " + topology.size() + " ranks x " + srcLength + " elements of src");
        }
        long total = expected * dtype.size();
        requireAddressable(total, "allGather");
        int block = srcLength * dtype.size();
        enter();
        try {
            info.set("allGather", dtype, null, srcLength, -1, sequence);
            ByteBuffer work = staging.ensure((int) total);
            staging.copyIn(src, topology.rank() * block);
            gather(work, block);
            staging.copyOut(0, dst);
        } catch (RuntimeException e) {
            throw failed(e);
        } finally {
            exit();
        }
    }

    /** All-gather on {@code work}, whose block {@code rank} already holds this rank's bytes. */
    private void gather(ByteBuffer work, int block) {
        collectives++;
        int n = topology.size();
        if (n == 1) {
            return;
        }
        int gathers = AllGatherPlan.gathers(block, k, nativeProtocol);
        for (int i = 0; i < gathers; i++) {
            int direction = AllReducePlan.direction(i);
            int conn = AllReducePlan.connection(i);
            int offset = (int) AllGatherPlan.offset(block, gathers, i);
            int length = (int) AllGatherPlan.length(block, gathers, i);
            gatherSchedules[i].reset(n, topology.rank(), direction, block, offset, length);
            tasks[i].reset(work, gatherSchedules[i], sender(direction, conn), receiver(direction, conn), null, 1);
        }
        headers(0, gathers, OpHeader.ALL_GATHER, null, null, collectives, block);
        run(gathers);
    }

    // ================================================================ send / recv

    @Override
    public void send(ByteBuffer src, int dstRank) {
        requireNonNull(src, "src");
        List<Connection> conns = sendConnections(dstRank);
        int bytes = src.limit();
        enter();
        try {
            info.set("send", null, null, bytes, dstRank, sequence);
            ByteBuffer work;
            if (src.isDirect()) {
                work = views.of(src);
            } else {
                work = staging.ensure(bytes);
                work.put(0, src, 0, bytes);
            }
            transfer(work, bytes, conns, true);
        } catch (RuntimeException e) {
            throw failed(e);
        } finally {
            exit();
        }
    }

    @Override
    public void recv(ByteBuffer dst, int srcRank) {
        requireNonNull(dst, "dst");
        requireWritable(dst);
        List<Connection> conns = recvConnections(srcRank);
        int bytes = dst.limit();
        enter();
        try {
            info.set("recv", null, null, bytes, srcRank, sequence);
            ByteBuffer work = dst.isDirect() ? views.of(dst) : staging.ensure(bytes);
            transfer(work, bytes, conns, false);
            if (!dst.isDirect()) {
                dst.put(0, work, 0, bytes);
            }
        } catch (RuntimeException e) {
            throw failed(e);
        } finally {
            exit();
        }
    }

    @Override
    public void sendRecv(ByteBuffer src, int dstRank, ByteBuffer dst, int srcRank) {
        requireNonNull(src, "src");
        requireNonNull(dst, "dst");
        requireWritable(dst);
        List<Connection> out = sendConnections(dstRank);
        List<Connection> in = recvConnections(srcRank);
        int sendBytes = src.limit();
        int recvBytes = dst.limit();
        requireAddressable((long) sendBytes + recvBytes, "sendRecv");
        enter();
        try {
            info.set("sendRecv", null, null, sendBytes, dstRank, sequence);
            ByteBuffer sendWork;
            ByteBuffer recvWork;
            int recvAt = 0;
            boolean staged = !(src.isDirect() && dst.isDirect());
            if (!staged) {
                sendWork = views.of(src);
                recvWork = views.of(dst);
            } else {
                // One staging buffer holds both: what goes out first, then what comes in.
                ByteBuffer s = staging.ensure(sendBytes + recvBytes);
                s.put(0, src, 0, sendBytes);
                sendWork = s;
                recvWork = s;
                recvAt = sendBytes;
            }
            int sends = addTransfers(sendWork, 0, sendBytes, out, true, 0);
            int used = addTransfers(recvWork, recvAt, recvBytes, in, false, sends);
            headers(0, sends, OpHeader.SEND_RECV, null, null, 0, sendBytes);
            headers(sends, used, OpHeader.SEND_RECV, null, null, 0, recvBytes);
            run(used);
            if (staged) {
                dst.put(0, recvWork, recvAt, recvBytes);
            }
        } catch (RuntimeException e) {
            throw failed(e);
        } finally {
            exit();
        }
    }

    @Override
    public void send(byte[] src, int dstRank) {
        sendArray(src, src == null ? 0 : src.length, DType.INT8, dstRank);
    }

    @Override
    public void recv(byte[] dst, int srcRank) {
        recvArray(dst, dst == null ? 0 : dst.length, DType.INT8, srcRank);
    }

    @Override
    public void send(short[] src, int dstRank) {
        sendArray(src, src == null ? 0 : src.length, DType.INT16, dstRank);
    }

    @Override
    public void recv(short[] dst, int srcRank) {
        recvArray(dst, dst == null ? 0 : dst.length, DType.INT16, srcRank);
    }

    @Override
    public void send(int[] src, int dstRank) {
        sendArray(src, src == null ? 0 : src.length, DType.INT32, dstRank);
    }

    @Override
    public void recv(int[] dst, int srcRank) {
        recvArray(dst, dst == null ? 0 : dst.length, DType.INT32, srcRank);
    }

    @Override
    public void send(long[] src, int dstRank) {
        sendArray(src, src == null ? 0 : src.length, DType.INT64, dstRank);
    }

    @Override
    public void recv(long[] dst, int srcRank) {
        recvArray(dst, dst == null ? 0 : dst.length, DType.INT64, srcRank);
    }

    @Override
    public void send(float[] src, int dstRank) {
        sendArray(src, src == null ? 0 : src.length, DType.FLOAT32, dstRank);
    }

    @Override
    public void recv(float[] dst, int srcRank) {
        recvArray(dst, dst == null ? 0 : dst.length, DType.FLOAT32, srcRank);
    }

    @Override
    public void send(double[] src, int dstRank) {
        sendArray(src, src == null ? 0 : src.length, DType.FLOAT64, dstRank);
    }

    @Override
    public void recv(double[] dst, int srcRank) {
        recvArray(dst, dst == null ? 0 : dst.length, DType.FLOAT64, srcRank);
    }

    @Override
    public void send(boolean[] src, int dstRank) {
        sendArray(src, src == null ? 0 : src.length, DType.BOOL, dstRank);
    }

    @Override
    public void recv(boolean[] dst, int srcRank) {
        recvArray(dst, dst == null ? 0 : dst.length, DType.BOOL, srcRank);
    }

    private void sendArray(Object src, int length, DType dtype, int dstRank) {
        requireNonNull(src, "src");
        List<Connection> conns = sendConnections(dstRank);
        long bytes = (long) length * dtype.size();
        requireAddressable(bytes, "send");
        enter();
        try {
            info.set("send", dtype, null, length, dstRank, sequence);
            ByteBuffer work = staging.ensure((int) bytes);
            staging.copyIn(src, 0);
            transfer(work, (int) bytes, conns, true);
        } catch (RuntimeException e) {
            throw failed(e);
        } finally {
            exit();
        }
    }

    private void recvArray(Object dst, int length, DType dtype, int srcRank) {
        requireNonNull(dst, "dst");
        List<Connection> conns = recvConnections(srcRank);
        long bytes = (long) length * dtype.size();
        requireAddressable(bytes, "recv");
        enter();
        try {
            info.set("recv", dtype, null, length, srcRank, sequence);
            ByteBuffer work = staging.ensure((int) bytes);
            transfer(work, (int) bytes, conns, false);
            staging.copyOut(0, dst);
        } catch (RuntimeException e) {
            throw failed(e);
        } finally {
            exit();
        }
    }

    /** MLX checks the right neighbour first when sending, so that a 2-rank ring pairs sockets up. */
    private List<Connection> sendConnections(int dstRank) {
        requirePeer(dstRank, "send to");
        return dstRank == topology.right() ? connections.right() : connections.left();
    }

    /** ... and the left neighbour first when receiving. */
    private List<Connection> recvConnections(int srcRank) {
        requirePeer(srcRank, "receive from");
        return srcRank == topology.left() ? connections.left() : connections.right();
    }

    private void transfer(ByteBuffer work, int bytes, List<Connection> conns, boolean sending) {
        int used = addTransfers(work, 0, bytes, conns, sending, 0);
        headers(0, used, OpHeader.SEND_RECV, null, null, 0, bytes);
        run(used);
    }

    /**
     * Prepares the tasks of one send or receive of {@code bytes} at {@code at} in {@code work}, split
     * over {@code conns} as MLX does, in task slots from {@code firstSlot}.
     *
     * @return the next free task slot
     */
    private int addTransfers(ByteBuffer work, int at, int bytes, List<Connection> conns, boolean sending,
            int firstSlot) {
        int slot = firstSlot;
        for (int i = 0; i < conns.size(); i++) {
            long start = at + PointToPointPlan.start(bytes, conns.size(), i);
            long length = PointToPointPlan.length(bytes, conns.size(), i);
            if (length == 0) {
                break;
            }
            TransferSchedule s = transferSchedules[slot];
            if (sending) {
                s.sending((int) start, (int) (start + length));
                tasks[slot].reset(work, s, conns.get(i), null, null, 1);
            } else {
                s.receiving((int) start, (int) (start + length));
                tasks[slot].reset(work, s, null, conns.get(i), null, 1);
            }
            slot++;
        }
        return slot;
    }

    // ================================================================ running and state

    private Connection sender(int direction, int conn) {
        return wiring.sendsRight(direction) ? connections.right().get(conn) : connections.left().get(conn);
    }

    private Connection receiver(int direction, int conn) {
        return wiring.receivesRight(direction) ? connections.right().get(conn) : connections.left().get(conn);
    }

    /** In the native protocol, makes tasks [from, to) send and check the header of this operation. */
    private void headers(int from, int to, int kind, DType dtype, ReduceOp op, long seq, long count) {
        if (!nativeProtocol) {
            return;
        }
        for (int i = from; i < to; i++) {
            OpHeader.write(tasks[i].header(), kind, dtype, op, seq, count);
            tasks[i].expectHeader(headerCheck);
        }
    }

    private void checkHeader(ByteBuffer own, ByteBuffer received, Connection from) {
        if (!OpHeader.same(own, received)) {
            throw new RingException("rank " + rank() + " called " + OpHeader.describe(own) + " while "
                    + from.describe() + " called " + OpHeader.describe(received)
                    + "; every rank must call the same collectives, with the same types and sizes, in the same order");
        }
    }

    private void run(int count) {
        try {
            loop.run(tasks, count, info);
        } catch (RingException e) {
            // A broken connection may be the echo of a mismatch that another neighbour already
            // announced; report the cause, which names both operations, rather than the echo.
            for (int i = 0; i < count; i++) {
                try {
                    tasks[i].checkArrivedHeader();
                } catch (RingException mismatch) {
                    if (mismatch != e) {
                        mismatch.addSuppressed(e);
                    }
                    throw mismatch;
                }
            }
            throw e;
        } finally {
            for (int i = 0; i < count; i++) {
                tasks[i].release();
            }
        }
    }

    /** Waits for earlier asynchronous operations, takes the operation lock, and checks the state. */
    private void enter() {
        if (pendingAsync.get() > 0 && Thread.currentThread() != opThreadInstance) {
            ExecutorService ex = opThread;
            if (ex != null) {
                try {
                    CompletableFuture.runAsync(() -> { }, ex).join();
                } catch (RuntimeException ignored) {
                    // The executor was shut down by close(); the state check below reports it.
                }
            }
        }
        lock.lock();
        try {
            checkUsable();
        } catch (RuntimeException e) {
            lock.unlock();
            throw e;
        }
        sequence++;
    }

    private void exit() {
        lock.unlock();
    }

    private void checkUsable() {
        RingException f = failure;
        if (f != null) {
            throw new RingException("rank " + rank() + ": the group failed earlier and cannot be used: "
                    + f.getMessage(), f);
        }
        if (closed) {
            throw new RingException("rank " + rank() + ": the group is closed");
        }
    }

    /**
     * Marks the group failed with {@code e} (a transport failure) and closes its connections, so
     * that the neighbours notice at once instead of waiting; returns the exception to throw.
     */
    private RuntimeException failed(RuntimeException e) {
        if (e instanceof IllegalArgumentException) {
            return e;
        }
        RingException re = e instanceof RingException ? (RingException) e
                : new RingException("rank " + rank() + ": " + info + " failed: " + e, e);
        if (closed && failure == null) {
            re = new RingException("rank " + rank() + ": the group was closed during " + info, e);
        }
        if (failure == null) {
            failure = re;
            if (options.verbose()) {
                System.err.println("[ring4j] rank " + rank() + " failed: " + re.getMessage());
            }
            LOG.log(System.Logger.Level.DEBUG, "rank {0} failed", rank(), re);
            connections.closeAll();
        }
        return re;
    }

    @Override
    public CompletableFuture<Void> async(Consumer<Group> operation) {
        requireNonNull(operation, "operation");
        ExecutorService ex = operationThread();
        pendingAsync.incrementAndGet();
        try {
            return CompletableFuture.runAsync(() -> {
                try {
                    operation.accept(this);
                } finally {
                    pendingAsync.decrementAndGet();
                }
            }, ex);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            pendingAsync.decrementAndGet();
            throw new RingException("rank " + rank() + ": the group is closed", e);
        }
    }

    private ExecutorService operationThread() {
        ExecutorService ex = opThread;
        if (ex == null) {
            synchronized (this) {
                ex = opThread;
                if (ex == null) {
                    if (closed) {
                        throw new RingException("rank " + rank() + ": the group is closed");
                    }
                    ex = Executors.newSingleThreadExecutor(r -> {
                        Thread t = new Thread(r, "ring4j-rank" + rank() + "-ops");
                        t.setDaemon(true);
                        opThreadInstance = t;
                        return t;
                    });
                    opThread = ex;
                }
            }
        }
        return ex;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        connections.closeAll();
        loop.wakeup();
        ExecutorService ex = opThread;
        if (ex != null) {
            ex.shutdownNow();
        }
        // If an operation is running in another thread it fails on the closed sockets; wait a little
        // for it so the selector is not closed under it, but never block close() for long.
        boolean locked = false;
        try {
            locked = lock.tryLock(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            loop.close();
            views.clear();
        } finally {
            if (locked) {
                lock.unlock();
            }
        }
    }

    // ================================================================ argument checks

    private static void requireNonNull(Object o, String name) {
        if (o == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
    }

    private static void requireWritable(ByteBuffer b) {
        if (b.isReadOnly()) {
            throw new IllegalArgumentException("the output buffer is read-only");
        }
    }

    private static void requireAddressable(long bytes, String what) {
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(what + ": " + bytes + " bytes is more than one operation can move"
                    + " (2 GiB); split the data into several calls");
        }
    }

    private void requirePeer(int peer, String what) {
        int n = topology.size();
        if (peer < 0 || peer >= n) {
            throw new IllegalArgumentException("rank " + rank() + " cannot " + what + " rank " + peer
                    + ": out of range for a group of " + n + " (valid: 0 to " + (n - 1) + ")");
        }
        if (!topology.isNeighbour(peer)) {
            throw new IllegalArgumentException("rank " + rank() + " cannot " + what + " rank " + peer
                    + ": only the neighbours " + topology.left() + " and " + topology.right()
                    + " are reachable in a ring" + (n == 1 ? " (a group of one has no neighbour)" : ""));
        }
    }
}
