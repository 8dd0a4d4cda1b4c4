package org.ring4j.cli.plot;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ring4j.cli.InProcessCli;
import org.ring4j.cli.Main;

/** {@code ring4j plot}, in process: the PNG it draws from two kinds of CSV, and its errors. */
class PlotCommandTest {
    private final InProcessCli cli = new InProcessCli();

    private int run(String... args) {
        return cli.run(args);
    }

    @Test
    void drawsBenchCsvAndSeriesCsvIntoOnePng(@TempDir Path dir) throws IOException {
        Path bench = dir.resolve("bench.csv");
        Files.writeString(bench, "collective,dtype,op,ranks,connections,size_bytes,count,time_us,algbw_gbps,busbw_gbps,wrong\n"
                + "all-reduce,float32,sum,2,1,524288,131072,160.0,3.2,3.2,0\n"
                + "all-reduce,float32,sum,2,1,2097152,524288,600.0,3.5,3.5,0\n"
                // a second band appended, with its header again (as compare-openmpi.sh collects them)
                + "collective,dtype,op,ranks,connections,size_bytes,count,time_us,algbw_gbps,busbw_gbps,wrong\n"
                + "all-reduce,float32,sum,2,1,8388608,2097152,2700.0,3.1,3.1,0\n");
        Path mpi = dir.resolve("mpi.csv");
        Files.writeString(mpi, "series,size_bytes,time_us,busbw_gbps\n"
                + "Open MPI TCP,524288,280.0,1.8\nOpen MPI TCP,2097152,690.0,3.0\nOpen MPI TCP,8388608,6400.0,1.3\n"
                + "all-reduce float32 sum,524288,170.0,3.0\n");
        Path png = dir.resolve("cmp.png");
        assertThat(run("plot", "-o", png.toString(), "--title", "2 ranks", "--limit", "iperf3=1.7", bench.toString(), mpi.toString()))
                .as("stderr: %s", cli.err()).isZero();
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).as("a PNG at %s", png).isNotNull();
        assertThat(image.getWidth()).isEqualTo(1000);
        assertThat(image.getHeight()).isEqualTo(600);

        Map<String, double[][]> series = SeriesCsv.read(bench);
        assertThat(series).containsOnlyKeys("all-reduce float32 sum");
        assertThat(series.get("all-reduce float32 sum")).hasDimensions(3, 2);
        assertThat(series.get("all-reduce float32 sum")[2]).containsExactly(8388608, 3.1);
        assertThat(SeriesCsv.read(mpi)).containsOnlyKeys("Open MPI TCP", "all-reduce float32 sum");
    }

    @Test
    void drawsGroupedBarsFromSeriesCategoryValue(@TempDir Path dir) throws IOException {
        Path jdk17 = dir.resolve("jdk17.csv");
        Files.writeString(jdk17, "series,category,value\nJDK 17,float32 sum,0.52\nJDK 17,float16 sum,0.06\n");
        Path jdk25 = dir.resolve("jdk25.csv");
        Files.writeString(jdk25, "series,category,value\nJDK 25,float32 sum,0.58\nJDK 25,float16 sum,0.21\nJDK 25,int32 sum,0.46\n");
        Path png = dir.resolve("kernels.png");
        assertThat(run("plot", "--bars", "-o", png.toString(), "--y-title", "x copy", "--limit", "target=0.25",
                jdk17.toString(), jdk25.toString())).as("stderr: %s", cli.err()).isZero();
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).isNotNull();
        assertThat(image.getWidth()).isEqualTo(1200);
        Map<String, Map<String, Double>> bars = SeriesCsv.readBars(jdk25);
        assertThat(bars.get("JDK 25")).containsEntry("float16 sum", 0.21).hasSize(3);

        // A busbw CSV is not a bars CSV: the message names the columns needed.
        Path lines = dir.resolve("lines.csv");
        Files.writeString(lines, "series,size_bytes,busbw_gbps\na,8,1.0\n");
        assertThat(run("plot", "--bars", "-o", dir.resolve("b.png").toString(), lines.toString())).isEqualTo(Main.USAGE);
        assertThat(cli.err().strip()).startsWith("ring4j plot: " + lines + " has no column category")
                .endsWith("write a CSV with series, category and value");
    }

    @Test
    void aCsvWithoutTheColumnsOrWithABadNumberIsOneLineNamingFileAndLine(@TempDir Path dir) throws IOException {
        Path noBusbw = dir.resolve("no-busbw.csv");
        Files.writeString(noBusbw, "size_bytes,time_us\n8,5.0\n");
        assertThat(run("plot", "-o", dir.resolve("x.png").toString(), noBusbw.toString())).isEqualTo(Main.USAGE);
        assertThat(cli.err().strip()).startsWith("ring4j plot: " + noBusbw + " has no column busbw_gbps")
                .doesNotContain("\tat ");

        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "series,size_bytes,busbw_gbps\na,8,1.0\na,16,fast\n");
        assertThat(run("plot", "-o", dir.resolve("y.png").toString(), bad.toString())).isEqualTo(Main.USAGE);
        assertThat(cli.err().strip()).isEqualTo("ring4j plot: " + bad + " line 3: busbw_gbps is \"fast\", not a number");
        assertThat(dir.resolve("y.png")).doesNotExist();

        assertThat(run("plot", "-o", dir.resolve("z.png").toString(), "--limit", "iperf3=fast", noBusbw.toString()))
                .isEqualTo(Main.USAGE);
        assertThat(cli.err().strip())
                .isEqualTo("ring4j plot: --limit iperf3=fast: the value is a number such as 0.225 (GB/s, or the bars' unit)");
    }
}
