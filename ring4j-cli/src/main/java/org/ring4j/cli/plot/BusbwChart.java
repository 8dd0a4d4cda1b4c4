package org.ring4j.cli.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.ring4j.cli.CliException;

/**
 * A PNG of busbw against size (log-x), one line per series, with dashed horizontal lines for
 * limits such as a stream's bandwidth: what {@code bench --plot} and {@code ring4j plot} draw.
 */
public final class BusbwChart {
    private BusbwChart() {
    }

    /** Adds {@code points} ({@code {bytes, busbw}} each) as the series {@code name}. */
    private static XYSeries add(XYChart chart, String name, double[][] points) {
        double[] x = new double[points.length];
        double[] y = new double[points.length];
        for (int i = 0; i < points.length; i++) {
            x[i] = points[i][0];
            y[i] = points[i][1];
        }
        return chart.addSeries(name, x, y);
    }

    /**
     * @param file where the PNG goes ({@code .png} added if missing)
     * @param option the command-line option that named {@code file}, for the error message
     * @param series name to points, each point {@code {bytes, busbw GB/s}}, drawn in this order
     * @param curves more series in the same form, drawn dashed without markers (predictions, models)
     * @throws CliException if there is nothing to draw or the file cannot be written
     */
    public static void write(Path file, String option, String title, Map<String, double[][]> series,
            Map<String, double[][]> curves, List<ReferenceLine> limits) {
        if (series.isEmpty()) {
            throw new CliException(option + " " + file + ": no sizes to plot (no data rows)");
        }
        System.setProperty("java.awt.headless", "true"); // before any AWT class is touched
        XYChart chart = new XYChartBuilder().width(1000).height(600).title(title)
                .xAxisTitle("size (bytes, log scale)").yAxisTitle("busbw (GB/s)").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesVisible(true);
        chart.getStyler().setXAxisLabelRotation(0);
        chart.getStyler().setXAxisDecimalPattern("#,###");
        double minX = Double.MAX_VALUE;
        double maxX = 0;
        for (Map.Entry<String, double[][]> e : series.entrySet()) {
            for (double[] point : e.getValue()) {
                minX = Math.min(minX, point[0]);
                maxX = Math.max(maxX, point[0]);
            }
            add(chart, e.getKey(), e.getValue()).setMarker(SeriesMarkers.CIRCLE);
        }
        for (Map.Entry<String, double[][]> e : curves.entrySet()) {
            XYSeries curve = add(chart, e.getKey(), e.getValue());
            curve.setMarker(SeriesMarkers.NONE);
            curve.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 3f, 2f, 3f}, 0f));
        }
        if (maxX > minX) {
            for (ReferenceLine limit : limits) {
                XYSeries line = chart.addSeries(limit.name(), new double[] {minX, maxX}, new double[] {limit.value(), limit.value()});
                line.setMarker(SeriesMarkers.NONE);
                float[] dashes = limit.dotted() ? new float[] {2f, 3f} : new float[] {6f, 4f};
                line.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, dashes, 0f));
            }
        }
        PngFiles.save(chart, file, option);
    }
}
