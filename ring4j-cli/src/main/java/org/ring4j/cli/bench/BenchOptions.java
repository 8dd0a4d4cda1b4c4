package org.ring4j.cli.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ring4j.DType;
import org.ring4j.Protocol;
import org.ring4j.ReduceOp;
import org.ring4j.cli.CliException;
import org.ring4j.cli.Main;
import org.ring4j.cli.options.ByteSize;
import org.ring4j.cli.options.ByteSizeConverter;
import org.ring4j.cli.options.Choices;
import picocli.CommandLine.Option;

/**
 * What every rank of a benchmark must agree on (sizes, iterations, what to run) and where rank 0
 * writes its results. The launcher passes these to the ranks it starts ({@link #toArgs()}); the
 * ranks check that they all got the same ({@link #fingerprint()}).
 */
public final class BenchOptions {
    @Option(names = {"-o", "--op"}, split = ",", defaultValue = "sum", paramLabel = "OP",
            description = "sum, max, min or all (comma list). Default: ${DEFAULT-VALUE}.")
    List<String> ops;

    @Option(names = {"-t", "--dtype"}, split = ",", defaultValue = "float32", paramLabel = "TYPE",
            description = "bool, int8..int64, uint8..uint64, float16, bfloat16, float32, float64, complex64 or all. Default: ${DEFAULT-VALUE}.")
    List<String> dtypes;

    @Option(names = "--collective", split = ",", defaultValue = "all-sum", paramLabel = "NAME",
            description = "all-sum (all-reduce with -o), all-gather, send-recv or all. Default: ${DEFAULT-VALUE}.")
    List<String> collectives;

    @Option(names = {"-b", "--min-bytes"}, defaultValue = "8", converter = ByteSizeConverter.class,
            description = "Smallest size (8, 64K, 1M, ...). Default: ${DEFAULT-VALUE}.")
    long minBytes;

    @Option(names = {"-e", "--max-bytes"}, defaultValue = "32M", converter = ByteSizeConverter.class,
            description = "Largest size. Default: ${DEFAULT-VALUE}.")
    long maxBytes;

    @Option(names = {"-f", "--step-factor"}, defaultValue = "2", description = "Multiply the size by this each step. Default: ${DEFAULT-VALUE}.")
    int stepFactor;

    @Option(names = "--iters", defaultValue = "20", description = "Timed iterations per size. Default: ${DEFAULT-VALUE}.")
    int iters;

    @Option(names = "--warmup", defaultValue = "5", description = "Untimed iterations per size first. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--jit-warmup", defaultValue = "6000",
            description = "Untimed small operations before the first configuration (a tenth before each later one), followed by a short untimed pass over every size, so the JIT has compiled every path before timing; then, at each size, untimed rounds until the JIT is quiet (at most 3 s); 0 skips all of it. Default: ${DEFAULT-VALUE}.")
    int jitWarmup;

    @Option(names = "--inplace", description = "Run in place (output buffer = input buffer).")
    boolean inPlace;

    @Option(names = "--protocol", defaultValue = "native", description = "native or mlx. Default: ${DEFAULT-VALUE}.")
    Protocol protocol;

    @Option(names = "--csv", paramLabel = "FILE", description = "Also write the rows as CSV.")
    Path csv;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Also plot busbw against size (PNG).")
    Path plot;

    @Option(names = "--json", description = "Print the results as JSON instead of the table.")
    boolean json;

    @Option(names = "--model", description = "Fit the time model (latency x steps + bytes / bandwidth, with the steps of the algorithm each size runs) and print its predictions for larger rings.")
    boolean model;

    @Option(names = {"-v", "--verbose"}, description = "Show the connection set-up.")
    boolean verbose;

    /** The sizes to run, from min to max bytes, each step multiplied by the factor. */
    List<Long> sizes() {
        List<Long> out = new ArrayList<>();
        for (long s = minBytes; s <= maxBytes; s = s * stepFactor) {
            out.add(s);
            if (s > Long.MAX_VALUE / stepFactor) {
                break;
            }
        }
        return out;
    }

    /** Checks the values that picocli cannot; throws a usage error naming the option. */
    void validate() {
        if (minBytes < 1) {
            throw new CliException("--min-bytes must be at least 1", Main.USAGE);
        }
        if (maxBytes < minBytes) {
            throw new CliException("--max-bytes (" + ByteSize.format(maxBytes) + ") is below --min-bytes ("
                    + ByteSize.format(minBytes) + ")", Main.USAGE);
        }
        if (maxBytes > (1L << 30)) {
            throw new CliException("--max-bytes may be at most 1G (each rank holds two buffers of that size)", Main.USAGE);
        }
        if (stepFactor < 2) {
            throw new CliException("--step-factor must be at least 2, not " + stepFactor, Main.USAGE);
        }
        if (iters < 1 || warmup < 0 || jitWarmup < 0) {
            throw new CliException("--iters must be at least 1, --warmup and --jit-warmup at least 0", Main.USAGE);
        }
        if (plot != null && !plot.toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
            throw new CliException("--plot " + plot + ": the file name must end in .png", Main.USAGE);
        }
        dtypeList();
        opList();
        collectiveList();
    }

    List<DType> dtypeList() {
        return expand("--dtype", dtypes, DType::parse, List.of(DType.values()));
    }

    List<ReduceOp> opList() {
        return expand("--op", ops, ReduceOp::parse, List.of(ReduceOp.values()));
    }

    List<Collective> collectiveList() {
        return expand("--collective", collectives, Collective::parse, List.of(Collective.values()));
    }

    private static <T> List<T> expand(String option, List<String> tokens, java.util.function.Function<String, T> parse,
            List<T> all) {
        try {
            return Choices.expand(tokens, parse, all);
        } catch (IllegalArgumentException e) {
            throw new CliException(option + ": " + e.getMessage(), Main.USAGE);
        }
    }

    /** The options as command-line arguments, for the ranks a launcher starts. */
    List<String> toArgs() {
        List<String> a = new ArrayList<>(List.of("-o", String.join(",", ops), "-t", String.join(",", dtypes),
                "--collective", String.join(",", collectives), "-b", Long.toString(minBytes), "-e", Long.toString(maxBytes),
                "-f", Integer.toString(stepFactor), "--iters", Integer.toString(iters), "--warmup", Integer.toString(warmup), "--jit-warmup", Integer.toString(jitWarmup),
                "--protocol", protocol.name().toLowerCase(Locale.ROOT)));
        if (inPlace) {
            a.add("--inplace");
        }
        if (csv != null) {
            a.add("--csv");
            a.add(csv.toAbsolutePath().toString());
        }
        if (plot != null) {
            a.add("--plot");
            a.add(plot.toAbsolutePath().toString());
        }
        if (json) {
            a.add("--json");
        }
        if (model) {
            a.add("--model");
        }
        if (verbose) {
            a.add("--verbose");
        }
        return a;
    }

    /** A hash of what all ranks must agree on, to catch ranks started with different options. */
    long fingerprint() {
        String s = String.join("|", List.of(dtypeList().toString(), opList().toString(), collectiveList().toString(),
                sizes().toString(), Integer.toString(iters), Integer.toString(warmup), Integer.toString(jitWarmup), Boolean.toString(inPlace)));
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h = (h ^ s.charAt(i)) * 0x100000001b3L;
        }
        return h;
    }
}
