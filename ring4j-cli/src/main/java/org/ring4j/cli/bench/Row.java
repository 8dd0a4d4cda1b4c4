package org.ring4j.cli.bench;

/**
 * One measured size: the nccl-tests columns plus the spread of the per-iteration times. Times
 * are, per iteration, the slowest rank's; {@code timeUs} is their mean.
 *
 * @param collective what ran
 * @param dtype the element type's label
 * @param op the reduction's label, or {@code none}
 * @param ranks ring size
 * @param connections connections per neighbour
 * @param bytes the operation's size (the gathered output for all-gather)
 * @param count elements per rank
 * @param timeUs mean time in microseconds
 * @param algbw size / time in GB/s
 * @param busbw algbw times the collective's bus factor, in GB/s
 * @param wrong elements that differed from the expected pattern, over every iteration and rank
 * @param minUs fastest iteration
 * @param p50Us median iteration
 * @param maxUs slowest iteration
 */
public record Row(String collective, String dtype, String op, int ranks, int connections, long bytes, long count,
        double timeUs, double algbw, double busbw, long wrong, double minUs, double p50Us, double maxUs) {

    /** The configuration this row belongs to, e.g. {@code all-reduce float32 sum}. */
    public String series() {
        return collective + " " + dtype + ("none".equals(op) ? "" : " " + op);
    }
}
