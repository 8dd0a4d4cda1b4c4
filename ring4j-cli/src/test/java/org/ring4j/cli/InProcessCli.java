package org.ring4j.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * Runs {@code ring4j} commands in the test's JVM ({@link Main#run}) and keeps what the last one
 * printed, for tests of commands that start no ranks (those use {@link CliProcess}).
 */
public final class InProcessCli {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** @return the exit code; {@link #out} and {@link #err} then hold this run's output only */
    public int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    /** @return what the last run wrote to standard output */
    public String out() {
        return out.toString();
    }

    /** @return what the last run wrote to standard error */
    public String err() {
        return err.toString();
    }

    @Override
    public String toString() {
        return "stdout: " + out + "\nstderr: " + err;
    }
}
