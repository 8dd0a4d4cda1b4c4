package org.ring4j.protocol;

import java.nio.ByteBuffer;
import org.ring4j.DType;
import org.ring4j.ReduceOp;

/**
 * The header that precedes the payload of every collective on every connection direction it uses,
 * in the native protocol only; the receiver compares it with what it runs itself before it reads
 * any payload, so two ranks running different collectives fail with a message instead of
 * exchanging garbage.
 *
 * <pre>
 *   0        4      5       6    7       8              16           24
 *   | "R4JO" | kind | dtype | op | flags | sequence u64  | count u64  |     little-endian
 *   kind: 1 all-reduce, 2 all-gather, 3 send/recv; dtype, op: ordinal + 1, 0 = none;
 *   sequence: collectives this rank ran before (0 for send/recv, which only two ranks run);
 *   count: elements for typed operations, else bytes
 * </pre>
 */
public final class OpHeader {
    /** Bytes of a header. */
    public static final int BYTES = 24;
    /** "R4JO", little-endian. */
    public static final int MAGIC = 0x4F4A3452;
    /** An all-reduce. */
    public static final int ALL_REDUCE = 1;
    /** An all-gather. */
    public static final int ALL_GATHER = 2;
    /** A send paired with a recv. */
    public static final int SEND_RECV = 3;

    private OpHeader() {
    }

    /** Writes a header at index 0 of {@code b} (little-endian). */
    public static void write(ByteBuffer b, int kind, DType dtype, ReduceOp op, long sequence, long count) {
        b.putInt(0, MAGIC);
        b.put(4, (byte) kind);
        b.put(5, (byte) (dtype == null ? 0 : dtype.ordinal() + 1));
        b.put(6, (byte) (op == null ? 0 : op.ordinal() + 1));
        b.put(7, (byte) 0);
        b.putLong(8, sequence);
        b.putLong(16, count);
    }

    /** @return true if the headers at index 0 of {@code a} and {@code b} are byte-for-byte equal */
    public static boolean same(ByteBuffer a, ByteBuffer b) {
        return a.getLong(0) == b.getLong(0) && a.getLong(8) == b.getLong(8) && a.getLong(16) == b.getLong(16);
    }

    /**
     * @return the operation a header describes, e.g. {@code allReduce(sum, float32, 1000 elements) #17},
     *     or a description of bytes that are no header at all
     */
    public static String describe(ByteBuffer b) {
        if (b.getInt(0) != MAGIC) {
            return String.format("something that is no ring4j operation header (first bytes %08x %08x): "
                    + "the ranks are out of step, or a peer speaks the MLX protocol", b.getInt(0), b.getInt(4));
        }
        int kind = b.get(4);
        int dt = b.get(5);
        int op = b.get(6);
        long seq = b.getLong(8);
        long count = b.getLong(16);
        String name;
        switch (kind) {
            case ALL_REDUCE: name = "allReduce"; break;
            case ALL_GATHER: name = "allGather"; break;
            case SEND_RECV: name = "send/recv"; break;
            default: name = "operation kind " + kind;
        }
        StringBuilder sb = new StringBuilder(name).append('(');
        if (op > 0 && op <= ReduceOp.values().length) {
            sb.append(ReduceOp.values()[op - 1].label()).append(", ");
        }
        if (dt > 0 && dt <= DType.values().length) {
            sb.append(DType.values()[dt - 1].label()).append(", ").append(count).append(" elements");
        } else {
            sb.append(count).append(" bytes");
        }
        sb.append(')');
        if (kind != SEND_RECV) {
            sb.append(" as operation #").append(seq);
        }
        return sb.toString();
    }
}
