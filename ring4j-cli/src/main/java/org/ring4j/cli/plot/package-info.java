/**
 * {@code ring4j plot} and the busbw chart it shares with {@code bench --plot}:
 * {@link org.ring4j.cli.plot.BusbwChart} draws, {@code SeriesCsv} reads the CSV files.
 */
package org.ring4j.cli.plot;
