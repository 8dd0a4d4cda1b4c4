package org.ring4j;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A ring of {@link #size()} ranks, of which this process is rank {@link #rank()}, and the collectives
 * that run on it. Obtain one from {@link Ring#connect(java.nio.file.Path, int)} or {@link Ring#init(boolean)}.
 *
 * <h2>Rules for callers</h2>
 * <ul>
 *   <li>Every rank must call the same collectives in the same order with the same element counts and
 *       types (send on one rank pairs with recv on the other). In the native protocol a mismatch is
 *       detected and throws; in the MLX protocol it cannot be detected.</li>
 *   <li>Arrays are Java-typed and need no dtype: {@code byte[]} is int8, {@code short[]} int16,
 *       {@code int[]} int32, {@code long[]} int64, {@code float[]} float32, {@code double[]} float64,
 *       {@code boolean[]} bool. Unsigned and 16-bit float types use the {@link ByteBuffer} forms.</li>
 *   <li>{@link ByteBuffer}s are used from index 0 to {@code limit()} ({@code position()} is ignored
 *       and never changed) and hold little-endian elements, whatever their {@code order()}; heap or
 *       direct. Direct buffers are used in place, without a copy: pass them for the fewest copies.</li>
 *   <li>{@code src == dst} (the same array or buffer) means in place.</li>
 *   <li>Buffers must not be touched by other threads while a collective on them runs.</li>
 *   <li>Operations run one at a time, in the order they are called; asynchronous ones in the order
 *       they were submitted, and before any synchronous one called after them.</li>
 * </ul>
 *
 * <h2>Errors</h2>
 * Bad arguments (null, mismatched lengths, a rank out of range, send to a rank that is not a
 * neighbour) throw {@link IllegalArgumentException} before anything is sent and leave the group
 * usable. A failure of the transport (a peer died, a link broke, a timeout) throws
 * {@link RingException} naming the peer; the group is then failed and every later call throws a
 * {@code RingException} carrying the original cause.
 */
public interface Group extends AutoCloseable {

    /** @return this process's rank, from 0 to {@code size() - 1} */
    int rank();

    /** @return the number of ranks in the ring */
    int size();

    /** @return the protocol this group speaks on the wire */
    Protocol protocol();

    /**
     * @return how this rank reaches its neighbours: {@code tcp}; {@code unix} when every connection
     *     is a Unix domain socket (neighbours on this machine, see {@link RingOptions.Builder#unixSockets});
     *     {@code unix+tcp} when some are; {@code none} in a group of one
     */
    String transport();

    // ---------------------------------------------------------------- all-reduce

    /**
     * Reduces {@code src} of every rank element-wise with {@code op} into {@code dst} of every rank.
     *
     * @param src the local input, {@code src.limit()} bytes, a multiple of {@code dtype.size()}
     * @param dst the output, with the same limit as {@code src}; may be {@code src} itself. Out of
     *     place with direct buffers, {@code src} is read where it is, never copied whole; buffers
     *     that share memory in another way (overlapping slices) are copied first, so they work too
     * @param dtype the element type
     * @param op the reduction
     * @throws IllegalArgumentException if an argument is null, the limits differ or are not a multiple
     *     of the element size, or {@code dst} is read-only
     * @throws RingException if the transport fails; the group is failed afterwards
     */
    void allReduce(ByteBuffer src, ByteBuffer dst, DType dtype, ReduceOp op);

    /**
     * All-reduce of int8 arrays; see {@link #allReduce(ByteBuffer, ByteBuffer, DType, ReduceOp)}.
     *
     * @throws IllegalArgumentException if an array is null or their lengths differ
     * @throws RingException if the transport fails
     */
    void allReduce(byte[] src, byte[] dst, ReduceOp op);

    /**
     * All-reduce of int16 arrays; see {@link #allReduce(ByteBuffer, ByteBuffer, DType, ReduceOp)}.
     *
     * @throws IllegalArgumentException if an array is null or their lengths differ
     * @throws RingException if the transport fails
     */
    void allReduce(short[] src, short[] dst, ReduceOp op);

    /**
     * All-reduce of int32 arrays; see {@link #allReduce(ByteBuffer, ByteBuffer, DType, ReduceOp)}.
     *
     * @throws IllegalArgumentException if an array is null or their lengths differ
     * @throws RingException if the transport fails
     */
    void allReduce(int[] src, int[] dst, ReduceOp op);

    /**
     * All-reduce of int64 arrays; see {@link #allReduce(ByteBuffer, ByteBuffer, DType, ReduceOp)}.
     *
     * @throws IllegalArgumentException if an array is null or their lengths differ
     * @throws RingException if the transport fails
     */
    void allReduce(long[] src, long[] dst, ReduceOp op);

    /**
     * All-reduce of float32 arrays; see {@link #allReduce(ByteBuffer, ByteBuffer, DType, ReduceOp)}.
     *
     * @throws IllegalArgumentException if an array is null or their lengths differ
     * @throws RingException if the transport fails
     */
    void allReduce(float[] src, float[] dst, ReduceOp op);

    /**
     * All-reduce of float64 arrays; see {@link #allReduce(ByteBuffer, ByteBuffer, DType, ReduceOp)}.
     *
     * @throws IllegalArgumentException if an array is null or their lengths differ
     * @throws RingException if the transport fails
     */
    void allReduce(double[] src, double[] dst, ReduceOp op);

    /**
     * All-reduce of bool arrays; see {@link #allReduce(ByteBuffer, ByteBuffer, DType, ReduceOp)}.
     *
     * @throws IllegalArgumentException if an array is null or their lengths differ
     * @throws RingException if the transport fails
     */
    void allReduce(boolean[] src, boolean[] dst, ReduceOp op);

    /** Sum over all ranks of {@code src} into {@code dst}; see {@link #allReduce(ByteBuffer, ByteBuffer, DType, ReduceOp)}. */
    default void allSum(ByteBuffer src, ByteBuffer dst, DType dtype) {
        allReduce(src, dst, dtype, ReduceOp.SUM);
    }

    /** Sum over all ranks of {@code src} into {@code dst}; see {@link #allReduce(ByteBuffer, ByteBuffer, DType, ReduceOp)}. */
    default void allSum(byte[] src, byte[] dst) {
        allReduce(src, dst, ReduceOp.SUM);
    }

    /** Sum over all ranks of {@code src} into {@code dst}; see {@link #allReduce(ByteBuffer, ByteBuffer, DType, ReduceOp)}. */
    default void allSum(short[] src, short[] dst) {
        allReduce(src, dst, ReduceOp.SUM);
    }

    /** Sum over all ranks of {@code src} into {@code dst}; see {@link #allReduce(ByteBuffer, ByteBuffer, DType, ReduceOp)}. */
    default void allSum(int[] src, int[] dst) {
        allReduce(src, dst, ReduceOp.SUM);
    }

    /** Sum over all ranks of {@code src} into {@code dst}; see {@link #allReduce(ByteBuffer, ByteBuffer, DType, ReduceOp)}. */
    default void allSum(long[] src, long[] dst) {
        allReduce(src, dst, ReduceOp.SUM);
    }

    /** Sum over all ranks of {@code src} into {@code dst}; see {@link #allReduce(ByteBuffer, ByteBuffer, DType, ReduceOp)}. */
    default void allSum(float[] src, float[] dst) {
        allReduce(src, dst, ReduceOp.SUM);
    }

    /** Sum over all ranks of {@code src} into {@code dst}; see {@link #allReduce(ByteBuffer, ByteBuffer, DType, ReduceOp)}. */
    default void allSum(double[] src, double[] dst) {
        allReduce(src, dst, ReduceOp.SUM);
    }

    /** Sum over all ranks of {@code src} into {@code dst}; see {@link #allReduce(ByteBuffer, ByteBuffer, DType, ReduceOp)}. */
    default void allSum(boolean[] src, boolean[] dst) {
        allReduce(src, dst, ReduceOp.SUM);
    }

    /** Max over all ranks of {@code src} into {@code dst}; see {@link #allReduce(ByteBuffer, ByteBuffer, DType, ReduceOp)}. */
    default void allMax(ByteBuffer src, ByteBuffer dst, DType dtype) {
        allReduce(src, dst, dtype, ReduceOp.MAX);
    }

    /** Max over all ranks of {@code src} into {@code dst}; see {@link #allReduce(ByteBuffer, ByteBuffer, DType, ReduceOp)}. */
    default void allMax(byte[] src, byte[] dst) {
        allReduce(src, dst, ReduceOp.MAX);
    }

    /** Max over all ranks of {@code src} into {@code dst}; see {@link #allReduce(ByteBuffer, ByteBuffer, DType, ReduceOp)}. */
    default void allMax(short[] src, short[] dst) {
        allReduce(src, dst, ReduceOp.MAX);
    }

    /** Max over all ranks of {@code src} into {@code dst}; see {@link #allReduce(ByteBuffer, ByteBuffer, DType, ReduceOp)}. */
    default void allMax(int[] src, int[] dst) {
        allReduce(src, dst, ReduceOp.MAX);
    }

    /** Max over all ranks of {@code src} into {@code dst}; see {@link #allReduce(ByteBuffer, ByteBuffer, DType, ReduceOp)}. */
    default void allMax(long[] src, long[] dst) {
        allReduce(src, dst, ReduceOp.MAX);
    }

    /** Max over all ranks of {@code src} into {@code dst}; see {@link #allReduce(ByteBuffer, ByteBuffer, DType, ReduceOp)}. */
    default void allMax(float[] src, float[] dst) {
        allReduce(src, dst, ReduceOp.MAX);
    }

    /** Max over all ranks of {@code src} into {@code dst}; see {@link #allReduce(ByteBuffer, ByteBuffer, DType, ReduceOp)}. */
    default void allMax(double[] src, double[] dst) {
        allReduce(src, dst, ReduceOp.MAX);
    }

    /** Max over all ranks of {@code src} into {@code dst}; see {@link #allReduce(ByteBuffer, ByteBuffer, DType, ReduceOp)}. */
    default void allMax(boolean[] src, boolean[] dst) {
        allReduce(src, dst, ReduceOp.MAX);
    }

    /** Min over all ranks of {@code src} into {@code dst}; see {@link #allReduce(ByteBuffer, ByteBuffer, DType, ReduceOp)}. */
    default void allMin(ByteBuffer src, ByteBuffer dst, DType dtype) {
        allReduce(src, dst, dtype, ReduceOp.MIN);
    }

    /** Min over all ranks of {@code src} into {@code dst}; see {@link #allReduce(ByteBuffer, ByteBuffer, DType, ReduceOp)}. */
    default void allMin(byte[] src, byte[] dst) {
        allReduce(src, dst, ReduceOp.MIN);
    }

    /** Min over all ranks of {@code src} into {@code dst}; see {@link #allReduce(ByteBuffer, ByteBuffer, DType, ReduceOp)}. */
    default void allMin(short[] src, short[] dst) {
        allReduce(src, dst, ReduceOp.MIN);
    }

    /** Min over all ranks of {@code src} into {@code dst}; see {@link #allReduce(ByteBuffer, ByteBuffer, DType, ReduceOp)}. */
    default void allMin(int[] src, int[] dst) {
        allReduce(src, dst, ReduceOp.MIN);
    }

    /** Min over all ranks of {@code src} into {@code dst}; see {@link #allReduce(ByteBuffer, ByteBuffer, DType, ReduceOp)}. */
    default void allMin(long[] src, long[] dst) {
        allReduce(src, dst, ReduceOp.MIN);
    }

    /** Min over all ranks of {@code src} into {@code dst}; see {@link #allReduce(ByteBuffer, ByteBuffer, DType, ReduceOp)}. */
    default void allMin(float[] src, float[] dst) {
        allReduce(src, dst, ReduceOp.MIN);
    }

    /** Min over all ranks of {@code src} into {@code dst}; see {@link #allReduce(ByteBuffer, ByteBuffer, DType, ReduceOp)}. */
    default void allMin(double[] src, double[] dst) {
        allReduce(src, dst, ReduceOp.MIN);
    }

    /** Min over all ranks of {@code src} into {@code dst}; see {@link #allReduce(ByteBuffer, ByteBuffer, DType, ReduceOp)}. */
    default void allMin(boolean[] src, boolean[] dst) {
        allReduce(src, dst, ReduceOp.MIN);
    }

    // ---------------------------------------------------------------- all-gather

    /**
     * Gathers every rank's {@code src} into {@code dst}: {@code dst} holds {@code size()} blocks of
     * {@code src.limit()} bytes, rank r's at block r.
     *
     * @throws IllegalArgumentException if an argument is null, {@code dst.limit() != size() * src.limit()},
     *     or {@code dst} is read-only
     * @throws RingException if the transport fails
     */
    void allGather(ByteBuffer src, ByteBuffer dst);

    /**
     * All-gather of int8 arrays: {@code dst.length == size() * src.length}, rank r's block at {@code r * src.length}.
     *
     * @throws IllegalArgumentException if an array is null or {@code dst} has the wrong length
     * @throws RingException if the transport fails
     */
    void allGather(byte[] src, byte[] dst);

    /**
     * All-gather of int16 arrays: {@code dst.length == size() * src.length}, rank r's block at {@code r * src.length}.
     *
     * @throws IllegalArgumentException if an array is null or {@code dst} has the wrong length
     * @throws RingException if the transport fails
     */
    void allGather(short[] src, short[] dst);

    /**
     * All-gather of int32 arrays: {@code dst.length == size() * src.length}, rank r's block at {@code r * src.length}.
     *
     * @throws IllegalArgumentException if an array is null or {@code dst} has the wrong length
     * @throws RingException if the transport fails
     */
    void allGather(int[] src, int[] dst);

    /**
     * All-gather of int64 arrays: {@code dst.length == size() * src.length}, rank r's block at {@code r * src.length}.
     *
     * @throws IllegalArgumentException if an array is null or {@code dst} has the wrong length
     * @throws RingException if the transport fails
     */
    void allGather(long[] src, long[] dst);

    /**
     * All-gather of float32 arrays: {@code dst.length == size() * src.length}, rank r's block at {@code r * src.length}.
     *
     * @throws IllegalArgumentException if an array is null or {@code dst} has the wrong length
     * @throws RingException if the transport fails
     */
    void allGather(float[] src, float[] dst);

    /**
     * All-gather of float64 arrays: {@code dst.length == size() * src.length}, rank r's block at {@code r * src.length}.
     *
     * @throws IllegalArgumentException if an array is null or {@code dst} has the wrong length
     * @throws RingException if the transport fails
     */
    void allGather(double[] src, double[] dst);

    /**
     * All-gather of bool arrays: {@code dst.length == size() * src.length}, rank r's block at {@code r * src.length}.
     *
     * @throws IllegalArgumentException if an array is null or {@code dst} has the wrong length
     * @throws RingException if the transport fails
     */
    void allGather(boolean[] src, boolean[] dst);

    // ---------------------------------------------------------------- send / recv

    /**
     * Sends {@code src} (bytes 0 to {@code limit()}) to a neighbour, which must call
     * {@link #recv(ByteBuffer, int)} with a buffer of the same size.
     *
     * @param dstRank the left or right neighbour of this rank
     * @throws IllegalArgumentException if {@code src} is null or {@code dstRank} is not a neighbour
     * @throws RingException if the transport fails
     */
    void send(ByteBuffer src, int dstRank);

    /**
     * Sends {@code src} to one neighbour and receives {@code dst} from one neighbour at the same time
     * (MPI's {@code Sendrecv}): the deadlock-free way to shift data around the ring, where every rank
     * sends to its right and receives from its left. On the wire it is exactly a
     * {@link #send(ByteBuffer, int)} and a {@link #recv(ByteBuffer, int)}, so the peers may use either.
     *
     * @param src bytes 0 to {@code src.limit()} to send
     * @param dstRank the neighbour to send to
     * @param dst receives {@code dst.limit()} bytes; must not overlap {@code src}
     * @param srcRank the neighbour to receive from
     * @throws IllegalArgumentException if a buffer is null, {@code dst} is read-only, or a rank is not a neighbour
     * @throws RingException if the transport fails
     */
    void sendRecv(ByteBuffer src, int dstRank, ByteBuffer dst, int srcRank);

    /**
     * Receives {@code dst.limit()} bytes from a neighbour that calls {@link #send(ByteBuffer, int)}.
     *
     * @param srcRank the left or right neighbour of this rank
     * @throws IllegalArgumentException if {@code dst} is null or read-only, or {@code srcRank} is not a neighbour
     * @throws RingException if the transport fails
     */
    void recv(ByteBuffer dst, int srcRank);

    /** Sends a int8 array to a neighbour; see {@link #send(ByteBuffer, int)}. */
    void send(byte[] src, int dstRank);

    /** Receives a int8 array from a neighbour; see {@link #recv(ByteBuffer, int)}. */
    void recv(byte[] dst, int srcRank);

    /** Sends a int16 array to a neighbour; see {@link #send(ByteBuffer, int)}. */
    void send(short[] src, int dstRank);

    /** Receives a int16 array from a neighbour; see {@link #recv(ByteBuffer, int)}. */
    void recv(short[] dst, int srcRank);

    /** Sends a int32 array to a neighbour; see {@link #send(ByteBuffer, int)}. */
    void send(int[] src, int dstRank);

    /** Receives a int32 array from a neighbour; see {@link #recv(ByteBuffer, int)}. */
    void recv(int[] dst, int srcRank);

    /** Sends a int64 array to a neighbour; see {@link #send(ByteBuffer, int)}. */
    void send(long[] src, int dstRank);

    /** Receives a int64 array from a neighbour; see {@link #recv(ByteBuffer, int)}. */
    void recv(long[] dst, int srcRank);

    /** Sends a float32 array to a neighbour; see {@link #send(ByteBuffer, int)}. */
    void send(float[] src, int dstRank);

    /** Receives a float32 array from a neighbour; see {@link #recv(ByteBuffer, int)}. */
    void recv(float[] dst, int srcRank);

    /** Sends a float64 array to a neighbour; see {@link #send(ByteBuffer, int)}. */
    void send(double[] src, int dstRank);

    /** Receives a float64 array from a neighbour; see {@link #recv(ByteBuffer, int)}. */
    void recv(double[] dst, int srcRank);

    /** Sends a bool array to a neighbour; see {@link #send(ByteBuffer, int)}. */
    void send(boolean[] src, int dstRank);

    /** Receives a bool array from a neighbour; see {@link #recv(ByteBuffer, int)}. */
    void recv(boolean[] dst, int srcRank);

    // ---------------------------------------------------------------- asynchronous forms

    /**
     * Runs {@code operation} on this group's operation thread, after every operation submitted
     * before it, and completes the future when it returns (exceptionally if it throws). Any
     * collective can be made asynchronous this way: {@code group.async(g -> g.allSum(a, b))}.
     * Synchronous calls made later wait for it. The operation must not wait for futures of this group.
     *
     * @throws IllegalArgumentException if {@code operation} is null
     */
    CompletableFuture<Void> async(Consumer<Group> operation);

    /** Asynchronous {@link #allReduce(ByteBuffer, ByteBuffer, DType, ReduceOp)}. */
    default CompletableFuture<Void> allReduceAsync(ByteBuffer src, ByteBuffer dst, DType dtype, ReduceOp op) {
        return async(g -> g.allReduce(src, dst, dtype, op));
    }

    /** Asynchronous {@link #allGather(ByteBuffer, ByteBuffer)}. */
    default CompletableFuture<Void> allGatherAsync(ByteBuffer src, ByteBuffer dst) {
        return async(g -> g.allGather(src, dst));
    }

    /** Asynchronous {@link #send(ByteBuffer, int)}. */
    default CompletableFuture<Void> sendAsync(ByteBuffer src, int dstRank) {
        return async(g -> g.send(src, dstRank));
    }

    /** Asynchronous {@link #recv(ByteBuffer, int)}. */
    default CompletableFuture<Void> recvAsync(ByteBuffer dst, int srcRank) {
        return async(g -> g.recv(dst, srcRank));
    }

    /**
     * Closes every connection and stops the operation thread. Returns promptly, even when peers are
     * gone, and may be called more than once. An operation running in another thread fails with
     * {@link RingException}.
     */
    @Override
    void close();
}
