package org.ring4j.cli.bench;

import java.awt.BasicStroke;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.ring4j.cli.CliException;

/** Writes busbw against size (log-x) as a PNG, one line per configuration, with XChart. */
final class Plot {
    private Plot() {
    }

    static void write(Path file, List<Row> rows, Map<String, Object> setup, Baseline baseline) {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(1000).height(600)
                .title("ring4j bench: " + setup.get("ranks") + " ranks x " + setup.get("connections") + " connection(s), "
                        + setup.get("protocol") + " protocol")
                .xAxisTitle("size (bytes, log scale)").yAxisTitle("busbw (GB/s)").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setPlotGridLinesVisible(true);
        chart.getStyler().setXAxisLabelRotation(0);
        chart.getStyler().setXAxisDecimalPattern("#,###");
        Map<String, List<Row>> series = new LinkedHashMap<>();
        for (Row r : rows) {
            series.computeIfAbsent(r.series(), k -> new ArrayList<>()).add(r);
        }
        if (series.isEmpty()) {
            throw new CliException("--plot " + file + ": no sizes were measured, nothing to plot");
        }
        double minX = Double.MAX_VALUE;
        double maxX = 0;
        for (Map.Entry<String, List<Row>> e : series.entrySet()) {
            double[] x = e.getValue().stream().mapToDouble(Row::bytes).toArray();
            double[] y = e.getValue().stream().mapToDouble(Row::busbw).toArray();
            for (double v : x) {
                minX = Math.min(minX, v);
                maxX = Math.max(maxX, v);
            }
            XYSeries s = chart.addSeries(e.getKey(), x, y);
            s.setMarker(SeriesMarkers.CIRCLE);
        }
        if (baseline != null && maxX > minX) {
            XYSeries tcp = chart.addSeries(baseline.wireName() + " stream limit", new double[] {minX, maxX},
                    new double[] {baseline.streamGBps(), baseline.streamGBps()});
            tcp.setMarker(SeriesMarkers.NONE);
            tcp.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            XYSeries duplex = chart.addSeries(baseline.wireName() + " duplex limit (each way)", new double[] {minX, maxX},
                    new double[] {baseline.duplexGBps(), baseline.duplexGBps()});
            duplex.setMarker(SeriesMarkers.NONE);
            duplex.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {2f, 3f}, 0f));
        }
        try {
            String name = file.toString();
            String base = name.toLowerCase(java.util.Locale.ROOT).endsWith(".png") ? name.substring(0, name.length() - 4) : name;
            BitmapEncoder.saveBitmap(chart, base, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new CliException("cannot write --plot " + file + ": " + e.getMessage());
        }
    }
}
