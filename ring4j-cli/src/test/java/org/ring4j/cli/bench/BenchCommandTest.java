package org.ring4j.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ring4j.cli.CliProcess;
import org.ring4j.cli.CliProcess.Result;

/** {@code ring4j bench -n N} end to end: separate rank JVMs, the table, the files. */
@Timeout(300)
class BenchCommandTest {
    private static final Pattern ROW = Pattern.compile(
            "^\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)\\s+(\\S+)\\s+([\\d.]+)\\s+([\\d.]+)\\s+([\\d.]+)\\s+(\\d+)\\s+.*$", Pattern.MULTILINE);

    /** The table's rows: size, type, op, busbw, #wrong. */
    private static List<String[]> rows(String out) {
        List<String[]> rows = new ArrayList<>();
        Matcher m = ROW.matcher(out);
        while (m.find()) {
            rows.add(new String[] {m.group(1), m.group(3), m.group(4), m.group(7), m.group(8)});
        }
        return rows;
    }

    @Test
    void everyCollectiveDtypeAndOpGivesCheckedRows() throws Exception {
        Result r = CliProcess.run(180, "bench", "-n", "3", "-c", "2", "--collective", "all", "-t", "float32,int8,bfloat16,complex64",
                "-o", "all", "-b", "8", "-e", "64K", "-f", "16", "--iters", "3", "--warmup", "1", "--jit-warmup", "0");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("# ring4j bench: 3 ranks x 2 connection(s)").contains("# all-reduce")
                .contains("# all-gather").contains("# send-recv").contains("Out of bounds values : 0 OK");
        List<String[]> rows = rows(r.out());
        // all-reduce: 4 dtypes x 3 ops x sizes {8, 128, 2048, 32768} minus the 8-byte complex64... sizes below one element are skipped
        assertThat(rows).hasSizeGreaterThan(40);
        for (String[] row : rows) {
            assertThat(row[4]).as("#wrong of %s", String.join(" ", row)).isEqualTo("0");
        }
        assertThat(rows).anySatisfy(row -> assertThat(row[1] + " " + row[2]).isEqualTo("bfloat16 min"));
        assertThat(rows).anySatisfy(row -> assertThat(row[2]).isEqualTo("none"));
    }

    @Test
    void inPlaceOnFourRanksWithModelAndBaseline(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("model.png");
        Result r = CliProcess.run(180, "bench", "-n", "4", "--inplace", "-b", "1K", "-e", "1M", "-f", "32", "--iters", "3",
                "--warmup", "1", "--model", "--baseline", "-t", "float16", "-o", "max", "--plot", png.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        // Local ranks talk over Unix sockets, and the limits are measured over the same wire.
        assertThat(r.out()).contains("in place").contains("over Unix sockets (ranks on this machine")
                .contains("# baseline: Unix socket stream").contains("xSTR").contains("xDPX")
                .contains("each way with both ends sending (duplex)")
                .contains("# Model: t(S) = 6 steps x").contains("Predicted for larger rings")
                // Native all-reduces up to 64 KiB on 4 ranks gather the inputs; the model says so per size.
                .contains("up to S = 64 KiB (n x S <= 256 KiB) the inputs are gathered")
                .containsPattern("\\n +1024 +[0-9.]+ +[0-9.]+ +[0-9.]+ +gather\\R")
                .containsPattern("\\n +1048576 +[0-9.]+ +[0-9.]+ +[0-9.]+ +ring\\R");
        assertThat(rows(r.out())).hasSize(3).allSatisfy(row -> assertThat(row[4]).isEqualTo("0"));
        assertThat(javax.imageio.ImageIO.read(png.toFile())).as("the plot with the model's curves").isNotNull();
    }

    @Test
    @SuppressWarnings("unchecked")
    void overTcpTheHeaderAndBaselineNameTcpAndItsCongestionControl() throws Exception {
        Result r = CliProcess.run(180, Map.of("RING4J_UNIX_SOCKETS", "0"), null, "bench", "-n", "2", "-b", "1K", "-e", "4K",
                "-f", "4", "--iters", "2", "--warmup", "1", "--jit-warmup", "0", "--baseline", "--json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        Map<String, Object> doc = JSON.std.mapFrom(r.out());
        assertThat(doc).containsEntry("transport", "tcp");
        assertThat((Map<String, Object>) doc.get("baseline")).containsEntry("wire", "tcp").containsKeys("stream_gbps", "duplex_gbps",
                "memcpy_gbps");
        if (Files.isReadable(Path.of("/proc/sys/net/ipv4/tcp_congestion_control"))) {
            String cc = (String) doc.get("tcp_congestion_control");
            assertThat(cc).as("the header records the congestion control").matches("[a-z0-9_]+");
            assertThat((String) doc.get("tcp_congestion_control_source")).as("and where it was set")
                    .matches("host default|route to 127\\.0\\.0\\.1");
            assertThat(doc.containsKey("tcp_congestion_control_note")).as("a note on loopback exactly when it is bbr")
                    .isEqualTo(cc.equals("bbr"));
        }
    }

    @Test
    void writesCsvPlotAndJson(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("out.csv");
        Path png = dir.resolve("out.png");
        Result r = CliProcess.run(180, "bench", "-n", "2", "-b", "64", "-e", "64K", "-f", "4", "--iters", "2", "--warmup", "1", "--jit-warmup", "0",
                "-o", "sum,max", "--csv", csv.toString(), "--plot", png.toString(), "--json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        Map<String, Object> doc = JSON.std.mapFrom(r.out());
        assertThat(doc).containsEntry("ranks", 2).containsEntry("transport", "unix");
        assertThat(doc).as("Unix sockets have no congestion control").doesNotContainKey("tcp_congestion_control");
        List<?> results = (List<?>) doc.get("results");
        assertThat(results).hasSize(12);
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines.get(0)).startsWith("collective,dtype,op,ranks,connections,size_bytes,count,time_us");
        assertThat(lines).hasSize(13);
        assertThat(lines.get(1)).startsWith("all-reduce,float32,sum,2,1,64,16,");
        byte[] header = new byte[8];
        System.arraycopy(Files.readAllBytes(png), 0, header, 0, 8);
        assertThat(header).startsWith(0x89, 'P', 'N', 'G');
        assertThat(Files.size(png)).isGreaterThan(5000);
    }

    @Test
    void ranksStartedWithDifferentOptionsFailClearly(@TempDir Path dir) throws Exception {
        Path hostfile = dir.resolve("hosts.json");
        org.ring4j.config.LocalHostfiles.loopback(2, 1).write(hostfile);
        Process a = CliProcess.start(Map.of(), "bench", "--hostfile", hostfile.toString(), "--rank", "0", "--iters", "3",
                "-e", "1K");
        Result b = CliProcess.run(60, "bench", "--hostfile", hostfile.toString(), "--rank", "1", "--iters", "4", "-e", "1K");
        try {
            assertThat(a.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(a.exitValue()).isEqualTo(1);
            assertThat(b.exitCode()).isEqualTo(1);
            assertThat(b.err()).contains("the ranks were started with different bench options").doesNotContain("\tat ");
        } finally {
            a.destroyForcibly();
        }
    }

    @Test
    void badOptionsGetOneLineAndExitCode2() throws Exception {
        String[][] cases = {
            {"bench", "-n", "2", "-t", "float33"},
            {"bench", "-n", "2", "-o", "avg"},
            {"bench", "-n", "2", "-b", "1M", "-e", "1K"},
            {"bench", "-n", "2", "-b", "12Q"},
            {"bench", "-n", "0"},
            {"bench", "-n", "2", "--plot", "x.jpg"},
            {"bench", "--no-such-option"},
            {"bench"},
            {"launch", "--", "true"},
            {"launch", "-n", "2"},
            {"nonsense"},
        };
        for (String[] args : cases) {
            Result r = CliProcess.run(30, args);
            assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r).isEqualTo(2);
            assertThat(r.err().strip().lines().count()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).startsWith("ring4j ").doesNotContain("Exception");
        }
    }
}
