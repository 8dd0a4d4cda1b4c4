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
        boolean moved = false;
        if (headerSent < OpHeader.BYTES) {
            int n = sendConn.write(headerOut, headerSent, OpHeader.BYTES);
            headerSent += n;
            if (headerSent < OpHeader.BYTES) {
                return n > 0;
            }
            moved = true;
        }
        while (sendIdx < ops && sendIdx < recvIdx + window) {
            if (!sendOpen) {
                sendPos = schedule.sendFrom(sendIdx);
                sendEnd = schedule.sendTo(sendIdx);
                sendOpen = true;
            }
            if (sendPos < sendEnd) {
                int n = sendConn.write(data, sendPos, sendEnd);
                if (n == 0) {
                    return moved;
                }
                sendPos += n;
                moved = true;
                if (sendPos < sendEnd) {
                    return moved;
                }
            }
            sendOpen = false;
            sendIdx++;
            moved = true;
        }
        return moved;
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
        if (headerSent < OpHeader.BYTES) {
            sendConn.want(SelectionKey.OP_WRITE);
        }
        if (headerReceived < OpHeader.BYTES) {
            recvConn.want(SelectionKey.OP_READ);
        }
        if (sendIdx < ops && sendIdx < recvIdx + window && sendConn != null) {
            sendConn.want(SelectionKey.OP_WRITE);
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
