package org.ring4j.cli.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ring4j.cli.plot.BusbwChart;
import org.ring4j.cli.plot.ReferenceLine;

/**
 * {@code bench --plot}: busbw against size, one line per configuration, with the baseline's limits
 * and, with {@code --model}, the fitted time model's curves.
 */
final class Plot {
    private Plot() {
    }

    /**
     * @param models dashed curves without markers, e.g. the time model's busbw per series (may be empty)
     */
    static void write(Path file, List<Row> rows, Map<String, Object> setup, Baseline baseline, Map<String, double[][]> models) {
        Map<String, List<Row>> byConfiguration = new LinkedHashMap<>();
        for (Row r : rows) {
            byConfiguration.computeIfAbsent(r.series(), k -> new ArrayList<>()).add(r);
        }
        Map<String, double[][]> series = new LinkedHashMap<>();
        byConfiguration.forEach((name, list) -> series.put(name,
                list.stream().map(r -> new double[] {r.bytes(), r.busbw()}).toArray(double[][]::new)));
        List<ReferenceLine> limits = baseline == null ? List.of() : List.of(
                new ReferenceLine(baseline.wireName() + " stream limit", baseline.streamGBps(), false),
                new ReferenceLine(baseline.wireName() + " duplex limit (each way)", baseline.duplexGBps(), true));
        String title = "ring4j bench: " + setup.get("ranks") + " ranks x " + setup.get("connections") + " connection(s), "
                + setup.get("protocol") + " protocol";
        BusbwChart.write(file, "--plot", title, series, models, limits);
    }
}
