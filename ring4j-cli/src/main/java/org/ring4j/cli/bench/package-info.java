/**
 * {@code ring4j bench}: the nccl-tests-style benchmark. {@link org.ring4j.cli.bench.BenchCommand}
 * starts or joins the ranks, {@code BenchRank} measures and checks each size, {@code Report}
 * prints the table and writes CSV, JSON and the plot; {@code Baseline} and {@code TimeModel} put
 * the numbers in context.
 */
package org.ring4j.cli.bench;
