package org.ring4j.collective;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import org.ring4j.kernel.ReduceKernel;
import org.ring4j.protocol.OpHeader;
import org.ring4j.transport.Connection;
import org.ring4j.transport.IoTask;

/**
 * Runs a {@link Schedule} over one outgoing and one incoming connection without blocking: the
 * send side writes operation after operation, the receive side reads them, and received bytes
 * that must be reduced are reduced as soon as they arrive, a bounded chunk at a time.
 *
 * <p>Why reduce on arrival: it overlaps the reduction with the wire, keeps the chunk in cache, and
 * needs only {@link #SCRATCH_BYTES} of scratch instead of MLX's two 8 MiB packets. The bytes on the
 * wire are the same: TCP carries a stream, and the schedule fixes its order.
 *
 * <p>Reusable: {@link #reset} prepares it for the next collective, so nothing is allocated per
 * operation once the scratch buffer exists.
 */
final class ExchangeTask implements IoTask {
    /** Scratch for received bytes awaiting reduction: big enough to amortise a read, small enough for L2. */
    static final int SCRATCH_BYTES = 256 * 1024;
    /**
     * Smallest part of a forwarded operation sent before its source has received all of it: less
     * would spend a system call per read's worth of bytes; this much keeps a link busy across steps.
     */
    static final int MIN_FORWARD_BYTES = 64 * 1024;

    private ByteBuffer scratch;
    private final ByteBuffer headerOut = ByteBuffer.allocateDirect(OpHeader.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer headerIn = ByteBuffer.allocateDirect(OpHeader.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private HeaderCheck headerCheck;
    private int headerSent;
    private int headerReceived;
    private Connection sendConn;
    private Connection recvConn;
    private ByteBuffer data;
    private Schedule schedule;
    private ReduceKernel kernel;
    private int elementSize;

    private long ops;
    private int window;
    private long sendIdx;
    private long recvIdx;
    private boolean sendOpen;
    private int sendPos;
    private int sendEnd;
    private long sendSource;
    /** Whether the last send attempt stopped because the socket took no more (so parking waits for OP_WRITE). */
    private boolean sendWaitsForSocket;
    private boolean recvOpen;
    private int recvPos;
    private int recvEnd;
    private boolean recvReduces;
    private int scratchFill;

    /**
     * Prepares the task for one collective.
     *
     * @param data the working buffer (direct, little-endian)
     * @param schedule its operations
     * @param sendConn where operations send, or null if they never send
     * @param recvConn where operations receive from, or null if they never receive
     * @param kernel the reduction for operations that reduce, or null
     * @param elementSize bytes per element (1 when nothing is reduced)
     * @return this
     */
    ExchangeTask reset(ByteBuffer data, Schedule schedule, Connection sendConn, Connection recvConn,
            ReduceKernel kernel, int elementSize) {
        this.data = data;
        this.schedule = schedule;
        this.sendConn = sendConn;
        this.recvConn = recvConn;
        this.kernel = kernel;
        this.elementSize = elementSize;
        this.ops = schedule.operations();
        this.window = schedule.window();
        this.sendIdx = 0;
        this.recvIdx = 0;
        this.sendOpen = false;
        this.sendWaitsForSocket = false;
        this.recvOpen = false;
        this.scratchFill = 0;
        this.headerCheck = null;
        this.headerSent = OpHeader.BYTES;
        this.headerReceived = OpHeader.BYTES;
        if (kernel != null && scratch == null) {
            scratch = ByteBuffer.allocateDirect(SCRATCH_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        }
        return this;
    }

    /**
     * Makes the task send the header in {@link #header()} before its first byte and check the
     * header it receives with {@code check} before its first received byte (native protocol).
     */
    void expectHeader(HeaderCheck check) {
        this.headerCheck = check;
        this.headerSent = sendConn == null ? OpHeader.BYTES : 0;
        this.headerReceived = recvConn == null ? OpHeader.BYTES : 0;
    }

    /** @return the buffer holding the header this task sends */
    ByteBuffer header() {
        return headerOut;
    }

    /** Drops references to user buffers so they can be collected. */
    void release() {
        data = null;
        schedule = null;
        sendConn = null;
        recvConn = null;
        kernel = null;
    }

    @Override
    public boolean isDone() {
        return sendIdx >= ops && recvIdx >= ops && headerSent == OpHeader.BYTES && headerReceived == OpHeader.BYTES;
    }

    @Override
    public boolean advance() {
        boolean moved = false;
        // Alternate until neither side can move: a finished receive may open the window for a send.
        while (true) {
            boolean step = advanceSend() | advanceRecv();
            if (!step) {
                return moved;
            }
            moved = true;
        }
    }

    private boolean advanceSend() {
        sendWaitsForSocket = false;
        boolean moved = false;
        if (headerSent < OpHeader.BYTES) {
            int n = sendConn.write(headerOut, headerSent, OpHeader.BYTES);
            headerSent += n;
            if (headerSent < OpHeader.BYTES) {
                sendWaitsForSocket = true;
                return n > 0;
            }
            moved = true;
        }
        while (sendIdx < ops) {
            if (!sendOpen) {
                long source = schedule.source(sendIdx);
                if (source < 0 ? sendIdx >= recvIdx + window : source > recvIdx || (source == recvIdx && !recvOpen)) {
                    return moved;
                }
                sendSource = source;
                sendPos = schedule.sendFrom(sendIdx);
                sendEnd = schedule.sendTo(sendIdx);
                sendOpen = true;
            }
            int limit = sendLimit();
            if (sendPos < limit && (limit == sendEnd || limit - sendPos >= MIN_FORWARD_BYTES)) {
                int n = sendConn.write(data, sendPos, limit);
                sendPos += n;
                if (sendPos < limit) {
                    sendWaitsForSocket = true;
                    return moved | n > 0;
                }
                moved = true;
            }
            if (sendPos < sendEnd) {
                return moved; // waits for the source operation to make more bytes final
            }
            sendOpen = false;
            sendIdx++;
            moved = true;
        }
        return moved;
    }

    /**
     * @return one past the last byte of the open send that is final: all of it, or, while its
     *     source operation is still receiving, as much as that operation has received (and reduced)
     */
    private int sendLimit() {
        if (sendSource < 0 || sendSource < recvIdx) {
            return sendEnd;
        }
        // The source is the operation being received; its range has the open send's length.
        return sendEnd - (recvEnd - recvPos);
    }

    private boolean advanceRecv() {
        boolean moved = false;
        if (headerReceived < OpHeader.BYTES) {
            int n = recvConn.read(headerIn, headerReceived, OpHeader.BYTES);
            headerReceived += n;
            if (headerReceived < OpHeader.BYTES) {
                return n > 0;
            }
            headerCheck.check(headerOut, headerIn, recvConn);
            moved = true;
        }
        while (recvIdx < ops && recvIdx < sendIdx + window) {
            if (!recvOpen) {
                recvPos = schedule.recvFrom(recvIdx);
                recvEnd = schedule.recvTo(recvIdx);
                recvReduces = schedule.reduces(recvIdx);
                recvOpen = true;
            }
            if (recvPos < recvEnd) {
                int n = recvReduces ? readAndReduce() : recvConn.read(data, recvPos, recvEnd);
                if (n == 0) {
                    return moved;
                }
                if (!recvReduces) {
                    recvPos += n;
                }
                moved = true;
                if (recvPos < recvEnd) {
                    return moved;
                }
            }
            recvOpen = false;
            recvIdx++;
            moved = true;
        }
        return moved;
    }

    /**
     * Reads into scratch, reduces the whole elements that arrived into {@code data[recvPos..]},
     * and keeps a trailing partial element for the next read.
     *
     * @return bytes read
     */
    private int readAndReduce() {
        int wanted = recvEnd - recvPos - scratchFill;
        int room = SCRATCH_BYTES - scratchFill;
        int n = recvConn.read(scratch, scratchFill, scratchFill + Math.min(wanted, room));
        if (n == 0) {
            return 0;
        }
        scratchFill += n;
        int elements = scratchFill / elementSize;
        if (elements > 0) {
            int bytes = elements * elementSize;
            kernel.reduce(scratch, 0, data, recvPos, elements);
            recvPos += bytes;
            int rest = scratchFill - bytes;
            for (int b = 0; b < rest; b++) {
                scratch.put(b, scratch.get(bytes + b));
            }
            scratchFill = rest;
        }
        return n;
    }

    @Override
    public void declareInterest() {
        // A send that waits for data, not for the socket, is woken by the receive that makes it.
        if (sendWaitsForSocket) {
            sendConn.want(SelectionKey.OP_WRITE);
        }
        if (headerReceived < OpHeader.BYTES) {
            recvConn.want(SelectionKey.OP_READ);
        }
        if (recvIdx < ops && recvIdx < sendIdx + window && recvConn != null) {
            recvConn.want(SelectionKey.OP_READ);
        }
    }

    @Override
    public String describeWait() {
        if (headerReceived < OpHeader.BYTES) {
            return "the operation header from " + recvConn.describe();
        }
        if (recvIdx < ops && recvIdx < sendIdx + window && recvConn != null) {
            return "data from " + recvConn.describe();
        }
        if (sendConn != null) {
            return sendConn.describe() + " to take data";
        }
        return "nothing";
    }
}
