package org.ring4j.cli.plot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.ring4j.cli.CliException;

/** Writes a chart as a PNG, with the error a user gets when the file cannot be written. */
final class PngFiles {
    private PngFiles() {
    }

    /**
     * @param file the PNG ({@code .png} is added if missing: XChart appends it to the base name)
     * @param option the command-line option that named {@code file}, for the error message
     */
    static void save(Chart<?, ?> chart, Path file, String option) {
        try {
            String name = file.toString();
            String base = name.toLowerCase(Locale.ROOT).endsWith(".png") ? name.substring(0, name.length() - 4) : name;
            BitmapEncoder.saveBitmap(chart, base, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new CliException("cannot write " + option + " " + file + ": " + e.getMessage());
        }
    }
}
