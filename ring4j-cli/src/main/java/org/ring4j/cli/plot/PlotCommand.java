package org.ring4j.cli.plot;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ring4j.cli.CliException;
import org.ring4j.cli.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ring4j plot}: busbw against size from CSV files, several runs or programs in one PNG, for
 * side-by-side results such as ring4j against Open MPI ({@code scripts/compare-openmpi.sh}
 * writes such a CSV).
 */
@Command(name = "plot", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Draw busbw against size from CSV files (bench --csv, or any CSV with size_bytes and",
            "busbw_gbps columns and optionally series) as one PNG, one line per series; or, with --bars,",
            "grouped bars from series,category,value columns."},
        footer = {"", "Example:", "  ring4j plot -o cmp.png --title '2 ranks' ring4j.csv openmpi.csv"})
public final class PlotCommand implements Callable<Integer> {
    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE.png", description = "The PNG to write.")
    Path output;

    @Option(names = "--title", defaultValue = "all-reduce busbw", description = "Chart title. Default: ${DEFAULT-VALUE}.")
    String title;

    @Option(names = "--bars", description = "Grouped bars from CSV columns series, category and value, instead of busbw lines.")
    boolean bars;

    @Option(names = "--y-title", defaultValue = "value", description = "Y axis title with --bars. Default: ${DEFAULT-VALUE}.")
    String yTitle;

    @Option(names = "--limit", paramLabel = "LABEL=VALUE",
            description = "A horizontal line at VALUE (GB/s, or the bars' unit) named LABEL, e.g. --limit 'target=0.225'; repeatable.")
    Map<String, String> limits = new LinkedHashMap<>();

    @Parameters(arity = "1..*", paramLabel = "CSV", description = "CSV files; a series name met in two files gets the file's name added.")
    List<Path> files;

    @Override
    public Integer call() {
        List<ReferenceLine> lines = new ArrayList<>();
        for (Map.Entry<String, String> e : limits.entrySet()) {
            double gbps;
            try {
                gbps = Double.parseDouble(e.getValue().strip());
            } catch (NumberFormatException ex) {
                throw new CliException("--limit " + e.getKey() + "=" + e.getValue() + ": the value is a number such as 0.225 (GB/s, or the bars' unit)",
                        Main.USAGE);
            }
            lines.add(new ReferenceLine(e.getKey(), gbps, false));
        }
        if (bars) {
            Map<String, Map<String, Double>> groups = new LinkedHashMap<>();
            for (Path file : files) {
                SeriesCsv.readBars(file).forEach((name, values) -> groups.merge(name, values, (a, b) -> {
                    Map<String, Double> merged = new LinkedHashMap<>(a);
                    merged.putAll(b);
                    return merged;
                }));
            }
            BarChart.write(output, title, yTitle, groups, lines);
            return 0;
        }
        Map<String, double[][]> series = new LinkedHashMap<>();
        for (Path file : files) {
            for (Map.Entry<String, double[][]> e : SeriesCsv.read(file).entrySet()) {
                String name = series.containsKey(e.getKey()) ? e.getKey() + " (" + file.getFileName() + ")" : e.getKey();
                series.put(name, e.getValue());
            }
        }
        BusbwChart.write(output, "--output", title, series, Map.of(), lines);
        return 0;
    }
}
