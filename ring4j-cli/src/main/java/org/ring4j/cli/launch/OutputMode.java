package org.ring4j.cli.launch;

/** What a {@link RankProcesses} does with the ranks' output. */
public enum OutputMode {
    /** Every line of every rank, prefixed with {@code [rank] } (like {@code mpirun --tag-output}). */
    PREFIXED,
    /**
     * Rank 0's standard output passed through byte for byte (so a live progress line works), the
     * rest prefixed: for {@code bench}, where rank 0 prints the table.
     */
    RANK0_RAW
}
