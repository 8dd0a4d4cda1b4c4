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

    /** The fields of a header, as {@link #decode} reads them; dtype and op are null for "none". */
    public record Fields(int kind, DType dtype, ReduceOp op, long sequence, long count) {
    }

    /**
     * Reads the header at index 0 of {@code b} (a little-endian buffer, as {@link #write} fills).
     *
     * @return its fields, or null where {@code b} holds no valid header: fewer than {@link #BYTES}
     *     bytes before its limit, another magic, an unknown kind, dtype or op, or flags set
     */
    public static Fields decode(ByteBuffer b) {
        if (b.limit() < BYTES || b.getInt(0) != MAGIC) {
            return null;
        }
        int kind = b.get(4);
        int dt = b.get(5) & 0xFF;
        int op = b.get(6) & 0xFF;
        DType[] dtypes = DType.values();
        ReduceOp[] ops = ReduceOp.values();
        if (kind < ALL_REDUCE || kind > SEND_RECV || dt > dtypes.length || op > ops.length || b.get(7) != 0) {
            return null;
        }
        return new Fields(kind, dt == 0 ? null : dtypes[dt - 1], op == 0 ? null : ops[op - 1], b.getLong(8),
                b.getLong(16));
    }

    /**
     * @return the operation a header describes, e.g. {@code allReduce(sum, float32, 1000 elements) #17},
     *     or a description of bytes that are no header at all
     */
    public static String describe(ByteBuffer b) {
        if (b.limit() < BYTES) {
            return "a truncated operation header (" + b.limit() + " of " + BYTES + " bytes)";
        }
        if (b.getInt(0) != MAGIC) {
            return String.format("something that is no ring4j operation header (first bytes %08x %08x): "
                    + "the ranks are out of step, or a peer speaks the MLX protocol", b.getInt(0), b.getInt(4));
        }
        Fields f = decode(b);
        if (f == null) {
            return String.format("a malformed ring4j operation header (kind %d, dtype %d, op %d, flags %d): "
                    + "a peer runs another ring4j version", b.get(4), b.get(5) & 0xFF, b.get(6) & 0xFF, b.get(7) & 0xFF);
        }
        String name;
        switch (f.kind()) {
            case ALL_REDUCE: name = "allReduce"; break;
            case ALL_GATHER: name = "allGather"; break;
            default: name = "send/recv";
        }
        StringBuilder sb = new StringBuilder(name).append('(');
        if (f.op() != null) {
            sb.append(f.op().label()).append(", ");
        }
        if (f.dtype() != null) {
            sb.append(f.dtype().label()).append(", ").append(f.count()).append(" elements");
        } else {
            sb.append(f.count()).append(" bytes");
        }
        sb.append(')');
        if (f.kind() != SEND_RECV) {
            sb.append(" as operation #").append(f.sequence());
        }
        return sb.toString();
    }
}
