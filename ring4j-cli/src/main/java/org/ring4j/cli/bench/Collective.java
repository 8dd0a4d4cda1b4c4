package org.ring4j.cli.bench;

import java.util.Locale;
import org.ring4j.protocol.AllReducePlan;

/**
 * The collectives {@code ring4j bench} measures, with the ring's cost model: how many latency
 * steps one operation takes and how many times its size crosses each link, which turn algbw into
 * busbw exactly as nccl-tests does.
 */
public enum Collective {
    /** All-reduce (the op comes from {@code -o}); busbw = algbw * 2(n-1)/n. */
    ALL_REDUCE("all-reduce"),
    /** All-gather; size is the gathered output; busbw = algbw * (n-1)/n. */
    ALL_GATHER("all-gather"),
    /** Every rank sends to its right neighbour and receives from its left; busbw = algbw. */
    SEND_RECV("send-recv");

    private final String label;

    Collective(String label) {
        this.label = label;
    }

    /** @return the name used on the command line and in tables */
    public String label() {
        return label;
    }

    /** The factor from algbw to busbw on {@code n} ranks. */
    public double busFactor(int n) {
        switch (this) {
            case ALL_REDUCE: return n == 1 ? 0 : 2.0 * (n - 1) / n;
            case ALL_GATHER: return n == 1 ? 0 : (double) (n - 1) / n;
            default: return 1.0;
        }
    }

    /** Latency steps of the ring algorithm on {@code n} ranks (messages in sequence per rank). */
    public int steps(int n) {
        switch (this) {
            case ALL_REDUCE: return 2 * (n - 1);
            case ALL_GATHER: return n - 1;
            default: return 1;
        }
    }

    /**
     * Whether an operation of {@code bytes} on {@code n} ranks skips the ring: a native-protocol
     * all-reduce small enough to gather every rank's input ({@link AllReducePlan#gathersInputs}).
     */
    public boolean gathersInputs(int n, long bytes, boolean nativeProtocol) {
        return this == ALL_REDUCE && nativeProtocol && AllReducePlan.gathersInputs(bytes, n);
    }

    /**
     * Latency steps of the algorithm that actually runs: the ring's {@link #steps(int)}, or for a
     * gathered all-reduce the hops of its longer direction ({@link AllReducePlan#gatherSteps}).
     */
    public int steps(int n, long bytes, boolean nativeProtocol) {
        return gathersInputs(n, bytes, nativeProtocol) ? AllReducePlan.gatherSteps(n, 1) : steps(n);
    }

    /**
     * Bytes that cross the busiest link per operation of {@code bytes}, as a multiple of
     * {@code bytes}: the ring's {@link #busFactor}, or for a gathered all-reduce one whole input
     * per hop of the longer direction.
     */
    public double linkFactor(int n, long bytes, boolean nativeProtocol) {
        return gathersInputs(n, bytes, nativeProtocol) ? AllReducePlan.gatherSteps(n, 1) : busFactor(n);
    }

    /** Parses {@code all-reduce} (also {@code all-sum}, {@code allreduce}), {@code all-gather}, {@code send-recv}. */
    public static Collective parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT).replace("_", "-");
        switch (t) {
            case "all-reduce": case "allreduce": case "all-sum": case "allsum": return ALL_REDUCE;
            case "all-gather": case "allgather": return ALL_GATHER;
            case "send-recv": case "sendrecv": return SEND_RECV;
            default:
                throw new IllegalArgumentException("unknown collective '" + text
                        + "'; use all-sum (all-reduce), all-gather, send-recv or all");
        }
    }
}
