package org.ring4j.cli.launch;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A host reached with {@code ssh} (non-interactive: {@code BatchMode=yes}): builds the command that
 * runs a rank there and stops it again. The remote rank runs in its own process group (via
 * {@code setsid} where the host has it) and announces its group id on standard error, so that
 * stopping the launcher stops the rank and everything it started, even though {@code ssh} without
 * a terminal does not pass signals on.
 *
 * @param host the ssh destination ({@code host}, {@code user@host})
 * @param ssh the ssh program and its options, e.g. {@code [ssh, -o, BatchMode=yes]}
 */
public record RemoteHost(String host, List<String> ssh) {
    /** The default ssh command: never prompts, gives up on an unreachable host after 10 s. */
    public static final List<String> DEFAULT_SSH = List.of("ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10");

    /** Copies the list. */
    public RemoteHost {
        ssh = List.copyOf(ssh);
    }

    /**
     * The local command that runs {@code program} on this host in {@code directory}, with
     * {@code environment} set and the hostfile {@code hostfileJson} written to a private temporary
     * file whose path goes into {@code RING4J_HOSTFILE} and {@code MLX_HOSTFILE}.
     */
    public List<String> command(String directory, Map<String, String> environment, String hostfileJson,
            List<String> program) {
        StringBuilder s = new StringBuilder();
        s.append("cd ").append(ShellQuote.quote(directory)).append(" || exit 126; ");
        s.append("umask 077; f=$(mktemp \"${TMPDIR:-/tmp}/ring4j-hostfile.XXXXXX\") || exit 126; ");
        s.append("printf '%s' ").append(ShellQuote.quote(hostfileJson)).append(" > \"$f\"; ");
        s.append("export RING4J_HOSTFILE=\"$f\" MLX_HOSTFILE=\"$f\"");
        environment.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
                s.append(' ').append(e.getKey()).append('=').append(ShellQuote.quote(e.getValue())));
        s.append("; ");
        // The hostfile goes when the shell exits, also when the launcher stops the rank's process
        // group with SIGTERM (the shell runs its trap once the rank has ended): without the traps a
        // stopped rank left its hostfile behind. Only SIGKILL, the launcher's last resort, skips it.
        String body = "trap 'rm -f \"$RING4J_HOSTFILE\"' EXIT; trap 'exit 129' HUP; trap 'exit 130' INT; "
                + "trap 'exit 143' TERM; echo \"" + RankProcesses.RemotePids.MARK + "$$\" >&2; \"$@\"; exit $?";
        String inner = "sh -c " + ShellQuote.quote(body) + " ring4j-rank " + ShellQuote.join(program);
        s.append("if command -v setsid >/dev/null 2>&1; then exec setsid ").append(inner)
                .append("; else exec ").append(inner).append("; fi");
        List<String> cmd = new ArrayList<>(ssh);
        cmd.add(host);
        cmd.add(s.toString());
        return cmd;
    }

    /** Sends {@code signal} (e.g. {@code TERM}) to the remote process group {@code pgid}; waits at most 5 s. */
    public void signal(long pgid, String signal) {
        List<String> cmd = new ArrayList<>(ssh);
        cmd.add(host);
        cmd.add("kill -" + signal + " -- -" + pgid + " 2>/dev/null || kill -" + signal + " " + pgid + " 2>/dev/null");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            // ssh is gone: the remote rank loses its connection and ends itself
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
