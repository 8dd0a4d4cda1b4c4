package org.ring4j.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Where the Unix domain socket that stands in for a local TCP address lives: a rank listening on
 * {@code 127.0.0.1:5000} also listens on {@code <tmp>/ring4j-<user>-<netns>/127.0.0.1-5000.sock},
 * and a neighbour on the same machine connects there instead of over TCP.
 *
 * <p>Why: between processes of one machine, TCP runs its whole stack for nothing (segmentation,
 * acknowledgements, congestion control). A Unix socket moves the same bytes with the same two
 * copies and none of that: a Java stream between two processes moved 5.6-6.9 GB/s over one,
 * against 3.3-3.5 GB/s over loopback TCP with this project's hosts' default congestion control (bbr), and
 * 6.9-8.0 with cubic; duplex 3.8-4.9 against 1.7-1.8 GB/s each way (docs/performance.md). Open
 * MPI and NCCL likewise switch to a local transport between processes of one host.
 *
 * <p>Why a path derived from the address: both ends compute it from the hostfile alone, so no
 * extra message or rendezvous is needed, and the MLX-compatible wire is untouched. The path
 * holds the network namespace, because {@code 127.0.0.1} names a different host in each; and the
 * user, whose private (0700) directory keeps other users from planting or reading sockets.
 * Whenever the path cannot be used (another machine's address, no such directory, a path longer
 * than the 107 bytes a socket address holds, a stale file), the connection is made over TCP as
 * before: this is a shortcut, never a requirement.
 */
public final class UnixSocketPaths {
    /** Longest path a {@code sockaddr_un} holds on Linux, without its terminating zero byte. */
    static final int MAX_PATH_BYTES = 107;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private final Path directory;

    private UnixSocketPaths(Path directory) {
        this.directory = directory;
    }

    /**
     * @param directory where the sockets of this user and network namespace live (created 0700 if
     *     missing)
     * @param log where the reason goes when the directory cannot be used
     * @return the paths, or null when no private directory can be had (then every connection uses TCP)
     */
    public static UnixSocketPaths in(Path directory, Consumer<String> log) {
        try {
            if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // Another rank of this user made it first; checked below like any existing one.
                }
            }
            if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
                log.accept("Unix sockets off: " + directory + " is not a directory; connections use TCP");
                return null;
            }
            String owner = Files.getOwner(directory, LinkOption.NOFOLLOW_LINKS).getName();
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(directory, LinkOption.NOFOLLOW_LINKS);
            if (!owner.equals(System.getProperty("user.name")) || !OWNER_ONLY.containsAll(perms)) {
                log.accept("Unix sockets off: " + directory + " belongs to " + owner + " with permissions "
                        + PosixFilePermissions.toString(perms) + ", not to this user alone; connections use TCP");
                return null;
            }
            return new UnixSocketPaths(directory);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            log.accept("Unix sockets off: cannot use " + directory + " (" + e + "); connections use TCP");
            return null;
        }
    }

    /**
     * @return the default directory: {@code java.io.tmpdir}/ring4j-USER-NETNS, where NETNS is the
     *     inode of this process's network namespace ({@code host} where there is no {@code /proc})
     */
    public static Path defaultDirectory() {
        String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
        return Path.of(System.getProperty("java.io.tmpdir"), "ring4j-" + user + "-" + networkNamespace());
    }

    private static String networkNamespace() {
        try {
            String link = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString(); // net:[4026531840]
            String digits = link.replaceAll("[^0-9]", "");
            return digits.isEmpty() ? "host" : digits;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return "host";
        }
    }

    /**
     * @return the socket path standing in for {@code address}, or null when that address is not one
     *     of this machine's (in this network namespace) or the path would be too long
     */
    public Path pathFor(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        if (ip == null || !isThisMachine(ip)) {
            return null;
        }
        String host = ip.getHostAddress().replace(':', '_').replace('%', '_');
        Path p = directory.resolve(host + "-" + address.getPort() + ".sock");
        return p.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= MAX_PATH_BYTES ? p : null;
    }

    /** @return the directory holding the sockets */
    public Path directory() {
        return directory;
    }

    private static boolean isThisMachine(InetAddress ip) {
        if (ip.isLoopbackAddress()) {
            return true;
        }
        if (ip.isAnyLocalAddress() || ip.isMulticastAddress()) {
            return false;
        }
        try {
            return NetworkInterface.getByInetAddress(ip) != null;
        } catch (SocketException e) {
            return false;
        }
    }
}
