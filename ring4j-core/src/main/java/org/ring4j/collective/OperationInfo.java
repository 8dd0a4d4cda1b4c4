package org.ring4j.collective;

import org.ring4j.DType;
import org.ring4j.ReduceOp;

/**
 * What the current collective is, for error messages; reused, and turned into text only when an
 * error needs it.
 */
final class OperationInfo {
    private String kind = "";
    private DType dtype;
    private ReduceOp op;
    private long count;
    private int peer = -1;
    private long sequence;

    OperationInfo set(String kind, DType dtype, ReduceOp op, long count, int peer, long sequence) {
        this.kind = kind;
        this.dtype = dtype;
        this.op = op;
        this.count = count;
        this.peer = peer;
        this.sequence = sequence;
        return this;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(kind).append('(');
        if (op != null) {
            sb.append(op.label()).append(", ");
        }
        if (dtype != null) {
            sb.append(dtype.label()).append(", ").append(count).append(count == 1 ? " element" : " elements");
        } else {
            sb.append(count).append(count == 1 ? " byte" : " bytes");
        }
        if (peer >= 0) {
            sb.append(", rank ").append(peer);
        }
        return sb.append(") #").append(sequence).toString();
    }
}
