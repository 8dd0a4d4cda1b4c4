package org.ring4j.cli.plot;

/**
 * A horizontal line across a chart: a limit such as a stream's bandwidth, or a target.
 *
 * @param name the legend entry
 * @param value where it is drawn, in the chart's y unit (GB/s for busbw)
 * @param dotted dotted instead of dashed, to tell two lines apart
 */
public record ReferenceLine(String name, double value, boolean dotted) {
}
