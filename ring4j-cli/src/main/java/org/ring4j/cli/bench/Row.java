package org.ring4j.cli.bench;

/**
 * One measured size: the nccl-tests columns plus the spread of single iterations. Every time is
 * the slowest rank's; {@code timeUs} is the mean of back-to-back iterations (as nccl-tests), the
 * spread that of single iterations after a barrier.
 *
 * @param collective what ran
 * @param dtype the element type's label
 * @param op the reduction's label, or {@code none}
 * @param ranks ring size
 * @param connections connections per neighbour
 * @param bytes the operation's size (the gathered output for all-gather)
 * @param count elements per rank
 * @param timeUs mean time of back-to-back iterations, in microseconds
 * @param algbw size / time in GB/s
 * @param busbw algbw times the collective's bus factor, in GB/s
 * @param wrong elements that differed from the expected pattern, over every checked iteration and rank
 * @param minUs fastest single iteration
 * @param p50Us median single iteration
 * @param maxUs slowest single iteration
 */
public record Row(String collective, String dtype, String op, int ranks, int connections, long bytes, long count,
        double timeUs, double algbw, double busbw, long wrong, double minUs, double p50Us, double maxUs) {

    /** The configuration this row belongs to, e.g. {@code all-reduce float32 sum}. */
    public String series() {
        return collective + " " + dtype + ("none".equals(op) ? "" : " " + op);
    }
}
