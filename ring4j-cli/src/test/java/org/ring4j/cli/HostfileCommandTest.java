package org.ring4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ring4j.config.Hostfile;

/** {@code ring4j hostfile}, in process. */
class HostfileCommandTest {
    private final InProcessCli cli = new InProcessCli();

    private int run(String... args) {
        return cli.run(args);
    }

    @Test
    void writesAHostfileThatParsesBackWithDistinctPortsPerMachine() throws IOException {
        // The command refuses local ports in use, so start from a block that is free now, below the
        // ephemeral range (earlier tests' connections linger there in TIME_WAIT).
        int p = freePortBlock(6);
        assertThat(run("hostfile", "--hosts", "127.0.0.1,localhost,[::1]", "--port", Integer.toString(p), "-c", "2"))
                .as("exit code; stderr: %s", cli.err()).isZero();
        Hostfile hf = Hostfile.parse(cli.out(), "output");
        assertThat(hf.size()).isEqualTo(3);
        assertThat(hf.addresses(0).toString()).isEqualTo("[127.0.0.1:" + p + ", 127.0.0.1:" + (p + 1) + "]");
        assertThat(hf.addresses(1).toString()).isEqualTo("[localhost:" + (p + 2) + ", localhost:" + (p + 3) + "]");
        assertThat(hf.addresses(2).get(0).toString()).isEqualTo("[::1]:" + (p + 4));
    }

    /** @return the first port of {@code count} consecutive ports that can be bound now, below 32768 */
    private static int freePortBlock(int count) throws IOException {
        for (int base = 21000; base + count < 32768; base += 97) {
            List<ServerSocket> held = new ArrayList<>();
            try {
                for (int i = 0; i < count; i++) {
                    held.add(new ServerSocket(base + i));
                }
                return base;
            } catch (IOException busy) {
                // Try the next block.
            } finally {
                for (ServerSocket s : held) {
                    s.close();
                }
            }
        }
        throw new IOException("no " + count + " consecutive free ports between 21000 and 32767");
    }

    @Test
    void writesToAFile(@TempDir Path dir) {
        Path f = dir.resolve("hosts.json");
        assertThat(run("hostfile", "--hosts", "10.1.2.3,10.1.2.4", "--ranks-per-host", "2", "-o", f.toString())).isZero();
        Hostfile hf = Hostfile.load(f);
        assertThat(hf.size()).isEqualTo(4);
        assertThat(hf.addresses(1).get(0).toString()).isEqualTo("10.1.2.3:5001");
        assertThat(hf.addresses(2).get(0).toString()).isEqualTo("10.1.2.4:5000");
    }

    @Test
    void aPortInUseOnThisMachineIsRefused() throws Exception {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            assertThat(run("hostfile", "--hosts", "127.0.0.1", "--port", Integer.toString(s.getLocalPort()))).isEqualTo(1);
            assertThat(cli.err()).contains("port " + s.getLocalPort() + " on 127.0.0.1 (this machine) cannot be used")
                    .contains("choose another --port");
        }
    }

    @Test
    void badInputIsOneLine() {
        assertThat(run("hostfile", "--hosts", "no-such-host.invalid")).isEqualTo(1);
        assertThat(cli.err()).contains("host 'no-such-host.invalid' does not resolve");
        assertThat(run("hostfile", "--hosts", "10.0.0.1", "--port", "65535", "-c", "2")).isEqualTo(2);
        assertThat(cli.err()).contains("port 65536 for 10.0.0.1 is out of range");
        assertThat(run("hostfile")).isEqualTo(2);
        assertThat(cli.err()).contains("Missing required option: '--hosts=HOST'");
    }
}
