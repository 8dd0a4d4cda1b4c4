package org.ring4j.cli.plot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ring4j.cli.CliException;
import org.ring4j.cli.Main;

/**
 * Reads busbw series from a CSV file with a header line: the columns {@code size_bytes} and
 * {@code busbw_gbps} are required; the series is the {@code series} column where there is one,
 * else {@code collective dtype op} (the CSV of {@code bench --csv}), else the file's name; or, for
 * bars, the columns {@code series}, {@code category} and {@code value}. Plain comma-separated
 * values, no quoting: what ring4j's own tools write.
 */
final class SeriesCsv {
    private static final String SIZE_COLUMNS = "size_bytes and busbw_gbps (e.g. bench --csv)";

    private SeriesCsv() {
    }

    /** @return series name to points {@code {bytes, busbw}}, in the order of first appearance */
    static Map<String, double[][]> read(Path file) {
        List<String> lines = lines(file);
        List<String> header = Arrays.asList(lines.get(0).strip().split(",", -1));
        int size = column(file, header, "size_bytes", SIZE_COLUMNS);
        int busbw = column(file, header, "busbw_gbps", SIZE_COLUMNS);
        int series = header.indexOf("series");
        int[] named = {header.indexOf("collective"), header.indexOf("dtype"), header.indexOf("op")};
        Map<String, List<double[]>> points = new LinkedHashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = cells(file, lines, header, i);
            if (cells == null) {
                continue;
            }
            String name = series >= 0 ? cells[series] : seriesOf(cells, named, file);
            points.computeIfAbsent(name, k -> new ArrayList<>())
                    .add(new double[] {number(file, i, "size_bytes", cells[size]), number(file, i, "busbw_gbps", cells[busbw])});
        }
        Map<String, double[][]> out = new LinkedHashMap<>();
        points.forEach((name, list) -> out.put(name, list.toArray(new double[0][])));
        return out;
    }

    /**
     * Reads grouped values from a CSV with the columns {@code series}, {@code category} and
     * {@code value} (for {@code ring4j plot --bars}).
     *
     * @return series name to (category to value), in the order of first appearance
     */
    static Map<String, Map<String, Double>> readBars(Path file) {
        List<String> lines = lines(file);
        List<String> header = Arrays.asList(lines.get(0).strip().split(",", -1));
        int series = column(file, header, "series", "series, category and value");
        int category = column(file, header, "category", "series, category and value");
        int value = column(file, header, "value", "series, category and value");
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = cells(file, lines, header, i);
            if (cells != null) {
                out.computeIfAbsent(cells[series], k -> new LinkedHashMap<>()).put(cells[category], number(file, i, "value", cells[value]));
            }
        }
        return out;
    }

    private static String seriesOf(String[] cells, int[] named, Path file) {
        if (named[0] < 0 || named[1] < 0) {
            return String.valueOf(file.getFileName());
        }
        String op = named[2] >= 0 ? cells[named[2]] : "none";
        return cells[named[0]] + " " + cells[named[1]] + ("none".equals(op) ? "" : " " + op);
    }

    private static List<String> lines(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new CliException("cannot read " + file + ": no such file", Main.USAGE);
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + e, Main.USAGE);
        }
        if (lines.isEmpty()) {
            throw new CliException(file + " is empty; expected a CSV header line", Main.USAGE);
        }
        return lines;
    }

    /** @return the fields of line {@code i}, or null for a blank line or the header repeated (files appended) */
    private static String[] cells(Path file, List<String> lines, List<String> header, int i) {
        String line = lines.get(i).strip();
        if (line.isEmpty() || line.equals(lines.get(0).strip())) {
            return null;
        }
        String[] cells = line.split(",", -1);
        if (cells.length != header.size()) {
            throw new CliException(file + " line " + (i + 1) + " has " + cells.length + " fields, the header "
                    + header.size() + ": \"" + line + "\"", Main.USAGE);
        }
        return cells;
    }

    private static int column(Path file, List<String> header, String name, String expected) {
        int i = header.indexOf(name);
        if (i < 0) {
            throw new CliException(file + " has no column " + name + " in its header " + header
                    + "; write a CSV with " + expected, Main.USAGE);
        }
        return i;
    }

    private static double number(Path file, int line, String column, String cell) {
        try {
            return Double.parseDouble(cell.strip());
        } catch (NumberFormatException e) {
            throw new CliException(file + " line " + (line + 1) + ": " + column + " is \"" + cell + "\", not a number", Main.USAGE);
        }
    }
}
