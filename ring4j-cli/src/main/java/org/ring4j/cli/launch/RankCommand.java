package org.ring4j.cli.launch;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How to start one rank: the local command line (for a remote rank, the {@code ssh} command that
 * runs it), its extra environment and working directory, and how to stop it if it is remote.
 *
 * @param rank the rank
 * @param command the program and its arguments, as started on this machine
 * @param environment variables added to this machine's environment for the process
 * @param directory the working directory on this machine
 * @param remote for a rank started over ssh, how to reach its host to stop it; else null
 */
public record RankCommand(int rank, List<String> command, Map<String, String> environment, Path directory,
        RemoteHost remote) {
    /** Copies the lists. */
    public RankCommand {
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
    }
}
