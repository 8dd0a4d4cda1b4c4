package org.ring4j.cli.plot;

import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.ring4j.cli.CliException;

/**
 * A PNG of grouped bars, one group per category and one bar per series, with horizontal lines for
 * limits or targets: what {@code ring4j plot --bars} draws (e.g. kernel bandwidth as a ratio to a
 * memory copy, per dtype and op, for several JDKs).
 */
final class BarChart {
    private BarChart() {
    }

    /**
     * @param series name to (category to value); a category missing from a series is drawn as 0
     * @throws CliException if there is nothing to draw or the file cannot be written
     */
    static void write(Path file, String title, String yTitle, Map<String, Map<String, Double>> series,
            List<ReferenceLine> limits) {
        Set<String> categories = new LinkedHashSet<>();
        series.values().forEach(m -> categories.addAll(m.keySet()));
        if (categories.isEmpty()) {
            throw new CliException("--output " + file + ": the CSV files have no rows, nothing to plot");
        }
        System.setProperty("java.awt.headless", "true"); // before any AWT class is touched
        CategoryChart chart = new CategoryChartBuilder().width(1200).height(600).title(title).yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesVisible(true);
        chart.getStyler().setXAxisLabelRotation(45);
        chart.getStyler().setOverlapped(false);
        List<String> x = new ArrayList<>(categories);
        for (Map.Entry<String, Map<String, Double>> e : series.entrySet()) {
            List<Double> y = new ArrayList<>();
            for (String c : x) {
                y.add(e.getValue().getOrDefault(c, 0.0));
            }
            chart.addSeries(e.getKey(), x, y);
        }
        for (ReferenceLine limit : limits) {
            List<Double> y = new ArrayList<>();
            for (int i = 0; i < x.size(); i++) {
                y.add(limit.value());
            }
            CategorySeries line = chart.addSeries(limit.name(), x, y);
            line.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
            line.setMarker(SeriesMarkers.NONE);
        }
        PngFiles.save(chart, file, "--output");
    }
}
