package org.ring4j.cli;

import java.io.PrintWriter;
import org.ring4j.RingException;
import org.ring4j.cli.bench.BenchCommand;
import org.ring4j.cli.hostfile.HostfileCommand;
import org.ring4j.cli.launch.LaunchCommand;
import org.ring4j.cli.plot.PlotCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ring4j} command: {@code bench}, {@code launch}, {@code hostfile} and {@code plot}. A user mistake
 * (a wrong option, an unknown dtype, a missing program, a port in use) ends with one line on
 * stderr and a non-zero exit code, never a stack trace; {@code RING4J_DEBUG=1} adds the trace.
 */
@Command(name = "ring4j", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Collective communication for the JVM: benchmark, launch and configure rings, plot results.",
        subcommands = {BenchCommand.class, LaunchCommand.class, HostfileCommand.class, PlotCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** Exit code for a wrong command line. */
    public static final int USAGE = 2;
    /** Exit code for a failure at run time (a rank failed, a host is unreachable). */
    public static final int FAILED = 1;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this),
                "missing command: use bench, launch, hostfile or plot (ring4j --help lists them)");
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /**
     * Runs the command line without exiting the JVM (tests call this).
     *
     * @return the exit code
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine cmd = ex.getCommandLine();
            err.println("ring4j " + cmd.getCommandName() + ": " + ex.getMessage()
                    + " (see: " + qualifiedName(cmd) + " --help)");
            return USAGE;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            if (ex instanceof CliException || ex instanceof RingException) {
                err.println("ring4j " + cmd.getCommandName() + ": " + ex.getMessage());
                if (System.getenv("RING4J_DEBUG") != null) {
                    ex.printStackTrace(err);
                }
                return ex instanceof CliException ? ((CliException) ex).exitCode() : FAILED;
            }
            throw ex;
        });
        return cl.execute(args);
    }

    private static String qualifiedName(CommandLine cmd) {
        return cmd.getParent() == null ? cmd.getCommandName() : "ring4j " + cmd.getCommandName();
    }
}
