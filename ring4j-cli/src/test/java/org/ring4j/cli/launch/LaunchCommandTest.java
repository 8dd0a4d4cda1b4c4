package org.ring4j.cli.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ring4j.cli.CliProcess;
import org.ring4j.cli.CliProcess.Result;
import org.ring4j.config.Hostfile;

/** {@code ring4j launch} end to end, with real child processes. */
@Timeout(120)
class LaunchCommandTest {
    @Test
    void everyRankSeesItsVariablesAndTheInputAndIsPrefixed() throws Exception {
        Result r = CliProcess.run(60, Map.of(), "one line\n", "launch", "-n", "3", "-c", "2", "--", "sh", "-c",
                "echo \"rank=$RING4J_RANK mlx=$MLX_RANK same=$([ \"$RING4J_HOSTFILE\" = \"$MLX_HOSTFILE\" ] && echo yes)\"; "
                        + "cat \"$RING4J_HOSTFILE\" | tr -d ' \\n'; echo; read line; echo \"read: $line\"");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        for (int rank = 0; rank < 3; rank++) {
            assertThat(r.out()).contains("[" + rank + "] rank=" + rank + " mlx=" + rank + " same=yes")
                    .contains("[" + rank + "] read: one line");
        }
        String json = r.out().lines().filter(l -> l.startsWith("[0] [[")).findFirst().orElseThrow().substring(4);
        Hostfile hf = Hostfile.parse(json, "launched");
        assertThat(hf.size()).isEqualTo(3);
        assertThat(hf.connections()).isEqualTo(2);
    }

    @Test
    void aFailingRankStopsTheOthersAndTheLauncherSaysWhich() throws Exception {
        Result r = CliProcess.run(60, "launch", "-n", "4", "--", "sh", "-c",
                "if [ \"$RING4J_RANK\" = 2 ]; then sleep 0.5; exit 7; fi; sleep 60");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(7);
        assertThat(r.err()).contains("rank 2 exited with code 7; stopping the other 3 rank(s)");
        assertThat(r.took().toSeconds()).as("stopped within the grace period, not after the sleeps").isLessThan(30);
    }

    @Test
    void aKilledRankIsReportedWithItsSignal() throws Exception {
        Result r = CliProcess.run(60, "launch", "-n", "2", "--", "sh", "-c",
                "if [ \"$RING4J_RANK\" = 1 ]; then kill -9 $$; fi; sleep 60");
        assertThat(r.exitCode()).isEqualTo(137);
        assertThat(r.err()).contains("rank 1 was killed by signal 9 (SIGKILL)");
    }

    @Test
    void sigtermToTheLauncherLeavesNoRankBehind(@TempDir Path dir) throws Exception {
        // The pid file is written after the sleep is started, so that once all three exist every
        // shell has its child (written before, the last sleep could still be unforked when counted).
        Process launcher = CliProcess.start(Map.of(), "launch", "-n", "3", "--", "sh", "-c",
                "sleep 120 & echo $$ > " + dir + "/pid.$RING4J_RANK; wait");
        List<Long> pids = new ArrayList<>();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (int rank = 0; rank < 3; rank++) {
                Path f = dir.resolve("pid." + rank);
                while ((!Files.exists(f) || Files.readString(f).isBlank()) && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                pids.add(Long.parseLong(Files.readString(f).trim()));
            }
            List<ProcessHandle> all = new ArrayList<>();
            launcher.descendants().forEach(all::add);
            assertThat(all.size()).as("3 shells and their sleeps").isGreaterThanOrEqualTo(6);
            launcher.destroy(); // SIGTERM, as Ctrl-C or a scheduler would
            assertThat(launcher.waitFor(20, TimeUnit.SECONDS)).isTrue();
            for (ProcessHandle h : all) {
                h.onExit().get(10, TimeUnit.SECONDS);
                assertThat(h.isAlive()).as("pid %d", h.pid()).isFalse();
            }
        } finally {
            launcher.descendants().forEach(ProcessHandle::destroyForcibly);
            launcher.destroyForcibly();
        }
    }

    @Test
    void aMissingProgramIsOneClearLine() throws Exception {
        Result r = CliProcess.run(30, "launch", "-n", "2", "--", "no-such-program-r4j");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("ring4j launch: cannot start rank 0's program 'no-such-program-r4j'")
                .doesNotContain("\tat ");
    }

    @Test
    void ranksOnOtherHostsRunThroughSshInTheSameDirectoryAndAreStoppedThere(@TempDir Path dir) throws Exception {
        // No sshd on this machine: a stand-in "ssh" runs the remote command locally exactly as sshd would
        // (sh -c with the command string), so the quoting, environment, hostfile and stopping are real.
        Path ssh = dir.resolve("fake-ssh");
        Path remoteTmp = Files.createDirectory(dir.resolve("remote-tmp")); // the "remote" hosts' temporary directory
        Files.writeString(ssh, "#!/bin/sh\n"
                + "while [ $# -gt 2 ]; do shift; done\n" // drop the options: keep host and command
                + "echo \"$1\" >> " + dir + "/hosts.log\n"
                + "export TMPDIR=" + remoteTmp + "\n"
                + "exec sh -c \"$2\"\n");
        Files.setPosixFilePermissions(ssh, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path mlxHosts = dir.resolve("mlx-hosts.json");
        Files.writeString(mlxHosts, "[{\"ssh\": \"node-a.invalid\", \"ips\": [\"10.9.0.1\"]},"
                + " {\"ssh\": \"user@node-b.invalid\", \"ips\": [\"10.9.0.2\"]}]");
        Result r = CliProcess.run(60, Map.of("RING4J_SSH", ssh.toString(), "RING4J_EXTRA", "it's \"quoted\""), null,
                "launch", "--hostfile", mlxHosts.toString(), "--connections-per-ip", "2", "--starting-port", "40000", "--",
                "sh", "-c", "echo \"rank $RING4J_RANK in $(pwd) extra=$RING4J_EXTRA\"; tr -d ' \\n' < \"$RING4J_HOSTFILE\"; echo");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        String cwd = Path.of("").toAbsolutePath().toString();
        assertThat(r.out()).contains("[0] rank 0 in " + cwd + " extra=it's \"quoted\"")
                .contains("[1] rank 1 in " + cwd)
                .contains("[0] [[\"10.9.0.1:40000\",\"10.9.0.1:40001\"],[\"10.9.0.2:40000\",\"10.9.0.2:40001\"]]");
        assertThat(Files.readAllLines(dir.resolve("hosts.log"))).containsExactlyInAnyOrder("node-a.invalid",
                "user@node-b.invalid");

        // A remote rank that fails makes the launcher stop the other one on its host (kill over "ssh").
        Result f = CliProcess.run(60, Map.of("RING4J_SSH", ssh.toString()), null, "launch", "--hosts",
                "node-a.invalid,node-b.invalid", "--", "sh", "-c",
                "if [ \"$RING4J_RANK\" = 0 ]; then sleep 1; exit 5; fi; echo $$ > " + dir + "/remote.pid; sleep 60");
        assertThat(f.exitCode()).as(f.toString()).isEqualTo(5);
        long pid = Long.parseLong(Files.readString(dir.resolve("remote.pid")).trim());
        ProcessHandle.of(pid).ifPresent(h -> {
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("remote rank " + pid + " still runs", e);
            }
        });
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        // Both runs' hostfiles are gone from the "remote" hosts, the stopped rank's too.
        try (var left = Files.list(remoteTmp)) {
            assertThat(left).as("files left in the remote temporary directory").isEmpty();
        }
    }

    @Test
    void launchedRanksFormARing() throws Exception {
        // The real thing: ring4j bench as the launched program, one rank per process.
        List<String> args = new ArrayList<>(List.of("launch", "-n", "2", "--"));
        args.addAll(CliProcess.command("bench", "-e", "4K", "-f", "8", "--iters", "2", "--warmup", "1", "--jit-warmup", "0"));
        Result r = CliProcess.run(120, args.toArray(new String[0]));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("[0] # ring4j bench: 2 ranks").contains("Out of bounds values : 0 OK");
    }
}
