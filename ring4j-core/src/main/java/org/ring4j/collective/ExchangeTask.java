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
    /**
     * Scratch for received bytes awaiting reduction, when each rank has a core: one read takes up
     * to this much, and one reduction reduces it. Why 1 MiB: a receiver that falls behind finds
     * far more than 256 KiB queued, and reading it in fewer, larger calls made 2-rank all-sums
     * faster (8 MiB: 2057 us against 2542 us with 256 KiB, mean of 4 interleaved runs; 32 MiB
     * 9.6 against 11.1 ms; 2 MiB 513 against 558 us).
     */
    static final int SCRATCH_BYTES = 1024 * 1024;
    /**
     * Scratch when ranks share cores. There 1 MiB was slower (4 ranks on 2 cores, 8 MiB: 7822 us
     * against 7335 us; 2 MiB: 2104 against 1888), likely because four ranks' scratch then
     * competes for the same caches.
     */
    static final int SHARED_CORE_SCRATCH_BYTES = 256 * 1024;
    /**
     * Smallest part of a forwarded operation sent before its source has received all of it: less
     * would spend a system call per read's worth of bytes; this much keeps a link busy across steps.
     */
    static final int MIN_FORWARD_BYTES = 64 * 1024;

    private final int scratchBytes;
    private ByteBuffer scratch;
    private final ByteBuffer headerOut = ByteBuffer.allocateDirect(OpHeader.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer headerIn = ByteBuffer.allocateDirect(OpHeader.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private HeaderCheck headerCheck;
    private int headerSent;
    private int headerReceived;
    private Connection sendConn;
    private Connection recvConn;
    private ByteBuffer data;
    /** Where sends without a source read and reducing receives take the local operand; {@link #data} unless {@link #readsInput} set it. */
    private ByteBuffer input;
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

    /** @param scratchBytes the scratch to reduce through: {@link #SCRATCH_BYTES} or {@link #SHARED_CORE_SCRATCH_BYTES} */
    ExchangeTask(int scratchBytes) {
        this.scratchBytes = scratchBytes;
    }

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
        this.input = data;
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
            scratch = ByteBuffer.allocateDirect(scratchBytes).order(ByteOrder.LITTLE_ENDIAN);
        }
        return this;
    }

    /**
     * Makes the task take its local values from {@code input} instead of the working buffer, which
     * then needs no copy of them beforehand: operations without a {@link Schedule#source} send from
     * {@code input}, and a reducing receive copies the bytes it is about to reduce from
     * {@code input} into the working buffer just before it reduces them, while they are in cache.
     *
     * <p>Why: an out-of-place all-reduce used to copy the whole input into the output first. That is
     * one more pass over memory than the ring needs, and above the cache size a pass that reads and
     * writes main memory (32 MiB, 2 ranks: about 2 ms of a 14 ms operation).
     *
     * <p>Correct only for schedules in which every byte of the working buffer that is read before
     * it is received is covered by exactly one reducing receive (an all-reduce's reduce-scatter:
     * each segment but the rank's own is reduced once, and the all-gather overwrites the rest), and
     * only if {@code input} and the working buffer do not share memory.
     *
     * @param input the local values, laid out as the working buffer (same offsets), direct and
     *     little-endian
     * @return this
     */
    ExchangeTask readsInput(ByteBuffer input) {
        this.input = input;
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

    /**
     * Reads what is left of the neighbour's operation header, if it has arrived, and checks it:
     * for a rank whose operation failed on a connection, to learn whether the root cause was a
     * neighbour running a different operation. Why: the rank that finds a mismatch hangs up, the
     * hang-up travels round the ring, and a rank may see a broken connection to one neighbour
     * before it reads the mismatched header the other neighbour sent it first.
     *
     * @throws org.ring4j.RingException naming both operations if the header arrived and differs;
     *     nothing when it has not arrived, or the connection fails while reading it
     */
    void checkArrivedHeader() {
        if (recvConn == null || headerCheck == null || headerReceived >= OpHeader.BYTES) {
            return;
        }
        try {
            headerReceived += recvConn.read(headerIn, headerReceived, OpHeader.BYTES);
        } catch (org.ring4j.RingException gone) {
            return; // Closed before the whole header came: nothing to learn from it.
        }
        if (headerReceived == OpHeader.BYTES) {
            headerCheck.check(headerOut, headerIn, recvConn);
        }
    }

    /** Drops references to user buffers so they can be collected. */
    void release() {
        data = null;
        input = null;
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

    /**
     * Sends what can be sent. The operation header goes out in one gathering write with the first
     * operation's bytes when they are ready: one system call instead of two per operation.
     */
    private boolean advanceSend() {
        sendWaitsForSocket = false;
        boolean moved = false;
        while (true) {
            boolean open = sendOpen || (sendIdx < ops && openSend());
            int limit = open ? sendLimit() : sendPos;
            boolean dataReady = open && sendPos < limit && (limit == sendEnd || limit - sendPos >= MIN_FORWARD_BYTES);
            int headerLeft = OpHeader.BYTES - headerSent;
            if (dataReady || headerLeft > 0) {
                ByteBuffer from = sendSource < 0 ? input : data;
                long n = headerLeft == 0 ? sendConn.write(from, sendPos, limit)
                        : dataReady ? sendConn.write(headerOut, headerSent, OpHeader.BYTES, from, sendPos, limit)
                        : sendConn.write(headerOut, headerSent, OpHeader.BYTES);
                int h = (int) Math.min(n, headerLeft);
                headerSent += h;
                sendPos += (int) (n - h);
                if (headerSent < OpHeader.BYTES || (dataReady && sendPos < limit)) {
                    sendWaitsForSocket = true;
                    return moved | n > 0;
                }
                moved = true;
            }
            if (!open || sendPos < sendEnd) {
                return moved; // nothing left to send, or the source has not made more bytes final yet
            }
            sendOpen = false;
            sendIdx++;
            moved = true;
        }
    }

    /** Opens send operation {@code sendIdx} if what it sends may go out (see {@link Schedule}). */
    private boolean openSend() {
        long source = schedule.source(sendIdx);
        if (source < 0 ? sendIdx >= recvIdx + window : source > recvIdx || (source == recvIdx && !recvOpen)) {
            return false;
        }
        sendSource = source;
        sendPos = schedule.sendFrom(sendIdx);
        sendEnd = schedule.sendTo(sendIdx);
        sendOpen = true;
        return true;
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

    /**
     * Receives what has arrived. The operation header is read in one scattering read with the
     * first operation's bytes, and checked before those bytes are used.
     */
    private boolean advanceRecv() {
        boolean moved = false;
        while (true) {
            boolean open = recvOpen || (recvIdx < ops && recvIdx < sendIdx + window && openRecv());
            boolean wantsData = open && recvPos < recvEnd;
            int headerLeft = OpHeader.BYTES - headerReceived;
            if (headerLeft > 0) {
                long n = !wantsData ? recvConn.read(headerIn, headerReceived, OpHeader.BYTES)
                        : recvReduces ? recvConn.read(headerIn, headerReceived, OpHeader.BYTES, scratch, scratchFill,
                                scratchFill + scratchWanted())
                        : recvConn.read(headerIn, headerReceived, OpHeader.BYTES, data, recvPos, recvEnd);
                int h = (int) Math.min(n, headerLeft);
                headerReceived += h;
                if (headerReceived < OpHeader.BYTES) {
                    return moved | n > 0;
                }
                headerCheck.check(headerOut, headerIn, recvConn);
                moved = true;
                received((int) (n - h));
            } else if (wantsData) {
                int n = recvReduces ? recvConn.read(scratch, scratchFill, scratchFill + scratchWanted())
                        : recvConn.read(data, recvPos, recvEnd);
                if (n == 0) {
                    return moved;
                }
                received(n);
                moved = true;
            }
            if (!open || recvPos < recvEnd) {
                return moved;
            }
            recvOpen = false;
            recvIdx++;
            moved = true;
        }
    }

    private boolean openRecv() {
        recvPos = schedule.recvFrom(recvIdx);
        recvEnd = schedule.recvTo(recvIdx);
        recvReduces = schedule.reduces(recvIdx);
        recvOpen = true;
        return true;
    }

    /** @return how many bytes scratch may take now for the open reducing receive */
    private int scratchWanted() {
        return Math.min(recvEnd - recvPos - scratchFill, scratchBytes - scratchFill);
    }

    /**
     * Accounts for {@code n} bytes read for the open receive: straight into the buffer, or into
     * scratch, in which case the whole elements are reduced into {@code data[recvPos..]} and a
     * trailing partial element is kept for the next read.
     */
    private void received(int n) {
        if (!recvReduces) {
            recvPos += n;
            return;
        }
        scratchFill += n;
        int elements = scratchFill / elementSize;
        if (elements > 0) {
            int bytes = elements * elementSize;
            if (input != data) {
                data.put(recvPos, input, recvPos, bytes);
            }
            kernel.reduce(scratch, 0, data, recvPos, elements);
            recvPos += bytes;
            int rest = scratchFill - bytes;
            for (int b = 0; b < rest; b++) {
                scratch.put(b, scratch.get(bytes + b));
            }
            scratchFill = rest;
        }
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
