package org.ring4j.cli.bench;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ring4j.cli.CliException;
import org.ring4j.cli.options.ByteSize;
import org.ring4j.protocol.AllReducePlan;

/**
 * Rank 0's output: the nccl-tests table (a header with the configuration, one row per size as it
 * finishes, the average busbw at the end), or JSON, plus the CSV and PNG files asked for.
 */
final class Report {
    /** Sizes from here on count as "large" in the closing average (where bandwidth, not latency, rules). */
    static final long LARGE = 512 * 1024;

    private final PrintStream out;
    private final BenchOptions options;
    private final Map<String, Object> setup;
    private final Baseline baseline;
    private final Progress progress;
    private final List<Row> rows = new ArrayList<>();
    private String currentSeries;
    private Collective currentCollective;

    Report(PrintStream out, BenchOptions options, Map<String, Object> setup, Baseline baseline, Progress progress) {
        this.out = out;
        this.options = options;
        this.setup = setup;
        this.baseline = baseline;
        this.progress = progress;
    }

    /** How the header names {@link org.ring4j.Group#transport()}. */
    private static final Map<Object, String> TRANSPORTS = Map.of("tcp", "over TCP", "unix",
            "over Unix sockets (ranks on this machine; RING4J_UNIX_SOCKETS=0 for TCP)", "unix+tcp",
            "over Unix sockets to ranks on this machine and TCP to others", "none", "no connections");

    void header() {
        if (options.json) {
            return;
        }
        out.println("# ring4j bench: " + setup.get("ranks") + " ranks x " + setup.get("connections") + " connection(s), protocol "
                + setup.get("protocol") + ", " + TRANSPORTS.getOrDefault(setup.get("transport"), "over " + setup.get("transport"))
                + ", " + (options.inPlace ? "in place" : "out of place"));
        out.println("# " + setup.get("jvm") + ", " + setup.get("cores") + " cores, " + setup.get("os")
                + (setup.containsKey("tcp_congestion_control") ? ", TCP congestion control " + setup.get("tcp_congestion_control")
                        + " (" + setup.get("tcp_congestion_control_source") + ")" : ""));
        if (setup.containsKey("tcp_congestion_control_note")) {
            out.println("# note: " + setup.get("tcp_congestion_control_note"));
        }
        out.println("# sizes " + ByteSize.format(options.minBytes) + " .. " + ByteSize.format(options.maxBytes) + " x"
                + options.stepFactor + ", warm-up " + options.warmup + ", iterations " + options.iters
                + "; time = mean of back-to-back iterations (slowest rank), as nccl-tests; min/p50/max = single "
                + "iterations after a barrier; busbw as nccl-tests");
        if (baseline != null) {
            out.println(String.format(Locale.ROOT, "# baseline: %s stream %.2f GB/s one way, %.2f GB/s each way "
                    + "with both ends sending (duplex), memcpy %.2f GB/s (xSTR, xDPX, xMEM = busbw / these)",
                    baseline.wireName(), baseline.streamGBps(), baseline.duplexGBps(), baseline.memcpyGBps()));
        }
    }

    void row(Row r) {
        rows.add(r);
        if (options.json) {
            return;
        }
        progress.clear();
        if (!r.series().equals(currentSeries)) {
            closeSeries();
            currentSeries = r.series();
            currentCollective = Collective.parse(r.collective());
            out.println("#");
            out.println("# " + r.collective());
            StringBuilder h1 = new StringBuilder(String.format(Locale.ROOT, "#%11s %12s %9s %6s %10s %8s %8s %7s %10s %10s %10s",
                    "size", "count", "type", "redop", "time", "algbw", "busbw", "#wrong", "min", "p50", "max"));
            StringBuilder h2 = new StringBuilder(String.format(Locale.ROOT, "#%11s %12s %9s %6s %10s %8s %8s %7s %10s %10s %10s",
                    "(B)", "(elements)", "", "", "(us)", "(GB/s)", "(GB/s)", "", "(us)", "(us)", "(us)"));
            if (baseline != null) {
                h1.append(String.format(Locale.ROOT, " %6s %6s %6s", "xSTR", "xDPX", "xMEM"));
                h2.append(String.format(Locale.ROOT, " %6s %6s %6s", "", "", ""));
            }
            out.println(h1);
            out.println(h2);
        }
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, " %11d %12d %9s %6s %10.1f %8.3f %8.3f %7d %10.1f %10.1f %10.1f",
                r.bytes(), r.count(), r.dtype(), r.op(), r.timeUs(), r.algbw(), r.busbw(), r.wrong(), r.minUs(), r.p50Us(),
                r.maxUs()));
        if (baseline != null) {
            s.append(String.format(Locale.ROOT, " %6.2f %6.2f %6.2f", ratio(r.busbw(), baseline.streamGBps()),
                    ratio(r.busbw(), baseline.duplexGBps()), ratio(r.busbw(), baseline.memcpyGBps())));
        }
        out.println(s);
        out.flush();
    }

    private static double ratio(double a, double b) {
        return b > 0 ? a / b : 0;
    }

    private List<Row> seriesRows(String series) {
        List<Row> s = new ArrayList<>();
        for (Row r : rows) {
            if (r.series().equals(series)) {
                s.add(r);
            }
        }
        return s;
    }

    private void closeSeries() {
        if (currentSeries == null) {
            return;
        }
        List<Row> s = seriesRows(currentSeries);
        double all = s.stream().mapToDouble(Row::busbw).average().orElse(0);
        double large = s.stream().filter(r -> r.bytes() >= LARGE).mapToDouble(Row::busbw).average().orElse(Double.NaN);
        long wrong = s.stream().mapToLong(Row::wrong).sum();
        out.println("# Out of bounds values : " + wrong + (wrong == 0 ? " OK" : " WRONG"));
        out.println(String.format(Locale.ROOT, "# Avg bus bandwidth    : %.3f GB/s%s", all,
                Double.isNaN(large) ? "" : String.format(Locale.ROOT, " (sizes >= %s: %.3f GB/s)", ByteSize.format(LARGE), large)));
        if (options.model) {
            printModel(s);
        }
    }

    private void printModel(List<Row> s) {
        int n = s.get(0).ranks();
        boolean nativeProtocol = nativeProtocol(setup);
        Collective c = currentCollective;
        TimeModel m = TimeModel.fit(c, n, nativeProtocol, s);
        if (m == null) {
            out.println("# Model: needs at least 2 ranks and 2 sizes");
            return;
        }
        out.println(String.format(Locale.ROOT, "# Model: t(S) = %d steps x %.1f us + %.3f x S / %.3f GB/s "
                + "(per-step latency alpha, per-link bandwidth beta, fitted over %d sizes)",
                c.steps(n), m.alphaUs(), c.busFactor(n), m.betaGBps(), s.size()));
        if (c.gathersInputs(n, 1, nativeProtocol)) {
            out.println(String.format(Locale.ROOT, "#   up to S = %s (n x S <= %s) the inputs are gathered, not ringed: "
                    + "t(S) = %d steps x alpha + %d x S / beta", ByteSize.format(AllReducePlan.GATHER_INPUTS_MAX_BYTES / n),
                    ByteSize.format(AllReducePlan.GATHER_INPUTS_MAX_BYTES), c.steps(n, 1, true), c.steps(n, 1, true)));
        }
        out.println(String.format(Locale.ROOT, "#%11s %10s %10s %8s %10s", "size", "measured", "model", "model/", "algorithm"));
        for (Row r : s) {
            double p = m.predictUs(c, n, r.bytes());
            out.println(String.format(Locale.ROOT, " %11d %10.1f %10.1f %8.2f %10s", r.bytes(), r.timeUs(), p, p / r.timeUs(),
                    c.gathersInputs(n, r.bytes(), nativeProtocol) ? "gather" : "ring"));
        }
        long largest = s.get(s.size() - 1).bytes();
        StringBuilder pred = new StringBuilder("# Predicted for larger rings at " + ByteSize.format(largest) + " and 8 B:");
        for (int rn : new int[] {8, 16, 64, 256}) {
            pred.append(String.format(Locale.ROOT, " %d ranks %.0f us / %.0f us;", rn,
                    m.predictUs(c, rn, largest), m.predictUs(c, rn, 8)));
        }
        out.println(pred);
    }

    /** @return whether the run used the native protocol (the bench's setup names it) */
    static boolean nativeProtocol(Map<String, Object> setup) {
        return !"mlx".equals(setup.get("protocol"));
    }

    /** Ring size of the extra model curve of the plot: what a larger ring would do, predicted. */
    static final int MODEL_PLOT_RANKS = 16;

    /**
     * @return per series, the fitted time model's busbw at the measured sizes, for this ring and for
     *     {@value #MODEL_PLOT_RANKS} ranks (series without a fit are left out)
     */
    static Map<String, double[][]> modelCurves(List<Row> rows, boolean nativeProtocol) {
        Map<String, List<Row>> bySeries = new LinkedHashMap<>();
        for (Row r : rows) {
            bySeries.computeIfAbsent(r.series(), k -> new ArrayList<>()).add(r);
        }
        Map<String, double[][]> curves = new LinkedHashMap<>();
        bySeries.forEach((name, s) -> {
            Collective c = Collective.parse(s.get(0).collective());
            int n = s.get(0).ranks();
            TimeModel m = TimeModel.fit(c, n, nativeProtocol, s);
            if (m == null) {
                return;
            }
            for (int ranks : new int[] {n, MODEL_PLOT_RANKS}) {
                double[][] points = new double[s.size()][];
                for (int i = 0; i < s.size(); i++) {
                    long bytes = s.get(i).bytes();
                    points[i] = new double[] {bytes, c.busFactor(ranks) * bytes / (m.predictUs(c, ranks, bytes) * 1e3)};
                }
                curves.put("model, " + ranks + " ranks: " + name, points);
            }
        });
        return curves;
    }

    /** Closes the table and writes the JSON, CSV and plot; returns the total of wrong elements. */
    long finish() {
        progress.clear();
        if (!options.json) {
            closeSeries();
        } else {
            Map<String, Object> doc = new LinkedHashMap<>(setup);
            if (baseline != null) {
                Map<String, Object> limits = new LinkedHashMap<>();
                limits.put("wire", baseline.wire());
                limits.put("stream_gbps", baseline.streamGBps());
                limits.put("duplex_gbps", baseline.duplexGBps());
                limits.put("memcpy_gbps", baseline.memcpyGBps());
                doc.put("baseline", limits);
            }
            List<Map<String, Object>> list = new ArrayList<>();
            for (Row r : rows) {
                list.add(rowMap(r));
            }
            doc.put("results", list);
            try {
                out.println(JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asString(doc));
            } catch (IOException e) {
                throw new CliException("cannot format the results as JSON: " + e.getMessage());
            }
        }
        if (options.csv != null) {
            writeCsv(options.csv);
        }
        if (options.plot != null) {
            Plot.write(options.plot, rows, setup, baseline, options.model ? modelCurves(rows, nativeProtocol(setup)) : Map.of());
        }
        out.flush();
        return rows.stream().mapToLong(Row::wrong).sum();
    }

    private static Map<String, Object> rowMap(Row r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("collective", r.collective());
        m.put("dtype", r.dtype());
        m.put("op", r.op());
        m.put("ranks", r.ranks());
        m.put("connections", r.connections());
        m.put("size_bytes", r.bytes());
        m.put("count", r.count());
        m.put("time_us", r.timeUs());
        m.put("algbw_gbps", r.algbw());
        m.put("busbw_gbps", r.busbw());
        m.put("wrong", r.wrong());
        m.put("min_us", r.minUs());
        m.put("p50_us", r.p50Us());
        m.put("max_us", r.maxUs());
        return m;
    }

    private void writeCsv(Path file) {
        StringBuilder sb = new StringBuilder(String.join(",", rowMap(rows.isEmpty() ? new Row("", "", "", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
                : rows.get(0)).keySet())).append('\n');
        for (Row r : rows) {
            List<String> cells = new ArrayList<>();
            for (Object v : rowMap(r).values()) {
                cells.add(v instanceof Double ? String.format(Locale.ROOT, "%.4f", (Double) v) : String.valueOf(v));
            }
            sb.append(String.join(",", cells)).append('\n');
        }
        try {
            Files.writeString(file, sb);
        } catch (IOException e) {
            throw new CliException("cannot write --csv " + file + ": " + e.getMessage());
        }
    }
}
