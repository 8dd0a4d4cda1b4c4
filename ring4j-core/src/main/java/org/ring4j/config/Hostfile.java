package org.ring4j.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ring4j.RingConfigException;

/**
 * A ring's hostfile: for each rank, in rank order, the {@code host:port} addresses it listens on;
 * {@code k} addresses per rank mean {@code k} TCP connections between neighbours (MLX's format).
 *
 * <pre>
 * [["10.0.0.1:5000", "10.0.0.1:5001"],
 *  ["10.0.0.2:5000", "10.0.0.2:5001"]]
 * </pre>
 *
 * Every problem is reported as a {@link RingConfigException} naming the file, the rank (and line)
 * and the entry.
 */
public final class Hostfile {
    private final List<List<HostAddress>> ranks;
    private final Path path;

    private Hostfile(List<List<HostAddress>> ranks, Path path) {
        this.ranks = ranks;
        this.path = path;
    }

    /**
     * Reads and checks a hostfile.
     *
     * @throws RingConfigException if the file is missing, unreadable, not JSON, or not a valid hostfile
     */
    public static Hostfile load(Path path) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new RingConfigException("hostfile " + path + " does not exist; set RING4J_HOSTFILE (or MLX_HOSTFILE)"
                    + " to a JSON hostfile, or write one with `ring4j hostfile`");
        } catch (AccessDeniedException e) {
            throw new RingConfigException("hostfile " + path + " cannot be read: permission denied");
        } catch (IOException e) {
            throw new RingConfigException("hostfile " + path + " cannot be read: " + e, e);
        }
        Hostfile h = parse(text, path.toString());
        return new Hostfile(h.ranks, path);
    }

    /**
     * Parses and checks hostfile text.
     *
     * @param source what to call it in messages (a file name)
     * @throws RingConfigException if it is not JSON or not a valid hostfile
     */
    public static Hostfile parse(String json, String source) {
        List<List<HostAddress>> ranks = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        String where = "hostfile " + source;
        try (JsonParser p = JSON.std.createParser(json)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new RingConfigException(where + " is empty; it must be a JSON list with one list of"
                        + " \"host:port\" strings per rank");
            }
            if (t != JsonToken.START_ARRAY) {
                throw new RingConfigException(where + " must be a JSON list with one list of \"host:port\" strings"
                        + " per rank, but starts with " + describe(t) + " at line " + line(p));
            }
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                int rank = ranks.size();
                int line = line(p);
                if (t != JsonToken.START_ARRAY) {
                    throw new RingConfigException(where + ", rank " + rank + " (line " + line + ") must be a list of"
                            + " \"host:port\" strings, found " + describe(t));
                }
                List<HostAddress> addrs = new ArrayList<>();
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (t != JsonToken.VALUE_STRING) {
                        throw new RingConfigException(where + ", rank " + rank + ", address " + addrs.size() + " (line "
                                + line(p) + ") must be a \"host:port\" string, found " + describe(t));
                    }
                    String text = p.getText();
                    try {
                        addrs.add(HostAddress.parse(text));
                    } catch (IllegalArgumentException e) {
                        throw new RingConfigException(where + ", rank " + rank + ", address " + addrs.size() + " (line "
                                + line(p) + "): " + e.getMessage());
                    }
                }
                if (addrs.isEmpty()) {
                    throw new RingConfigException(where + ", rank " + rank + " (line " + line + ") lists no address;"
                            + " every rank needs one \"host:port\" per connection");
                }
                ranks.add(addrs);
                lines.add(line);
            }
            if (p.nextToken() != null) {
                throw new RingConfigException(where + " has more after the closing ']' at line " + line(p));
            }
        } catch (JsonParseException e) {
            JsonLocation l = e.getLocation();
            throw new RingConfigException(where + " is not valid JSON at line " + (l == null ? "?" : l.getLineNr())
                    + ", column " + (l == null ? "?" : l.getColumnNr()) + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new RingConfigException(where + " cannot be parsed: " + e.getMessage(), e);
        }
        try {
            return of(ranks, lines, where);
        } catch (IllegalArgumentException e) {
            throw new RingConfigException(e.getMessage());
        }
    }

    /**
     * @param ranks each rank's addresses
     * @throws IllegalArgumentException if there are no ranks, a rank has no address, the ranks have
     *     different numbers of addresses, or an address appears twice
     */
    public static Hostfile of(List<List<HostAddress>> ranks) {
        return of(ranks, null, "hostfile");
    }

    private static Hostfile of(List<List<HostAddress>> ranks, List<Integer> lines, String where) {
        if (ranks == null || ranks.isEmpty()) {
            throw new IllegalArgumentException(where + " has no ranks; it needs one list of \"host:port\" per rank");
        }
        int k = ranks.get(0).size();
        Map<HostAddress, String> seen = new HashMap<>();
        List<List<HostAddress>> copy = new ArrayList<>();
        for (int r = 0; r < ranks.size(); r++) {
            List<HostAddress> addrs = ranks.get(r);
            if (addrs == null || addrs.isEmpty()) {
                throw new IllegalArgumentException(where + ", rank " + r + " lists no address");
            }
            if (addrs.size() != k) {
                throw new IllegalArgumentException(where + ": rank 0 lists " + k + " address" + (k == 1 ? "" : "es")
                        + " but rank " + r + (lines == null ? "" : " (line " + lines.get(r) + ")") + " lists "
                        + addrs.size() + "; every rank needs the same number (one per connection)");
            }
            for (int i = 0; i < addrs.size(); i++) {
                String at = "rank " + r + ", address " + i;
                String before = seen.putIfAbsent(addrs.get(i), at);
                if (before != null) {
                    throw new IllegalArgumentException(where + ": " + addrs.get(i) + " appears twice (" + before
                            + " and " + at + "); two listeners cannot share a port");
                }
            }
            copy.add(List.copyOf(addrs));
        }
        return new Hostfile(List.copyOf(copy), null);
    }

    /** @return the number of ranks */
    public int size() {
        return ranks.size();
    }

    /** @return the number of connections between neighbours (addresses per rank) */
    public int connections() {
        return ranks.get(0).size();
    }

    /**
     * @return the addresses rank {@code rank} listens on
     * @throws RingConfigException if {@code rank} is out of range
     */
    public List<HostAddress> addresses(int rank) {
        if (rank < 0 || rank >= ranks.size()) {
            throw new RingConfigException("rank " + rank + " is out of range for " + describeSource() + " with "
                    + ranks.size() + " rank" + (ranks.size() == 1 ? "" : "s") + " (valid: 0 to " + (ranks.size() - 1) + ")");
        }
        return ranks.get(rank);
    }

    /**
     * @return how many ranks share rank {@code rank}'s host, judged by the host of their first
     *     address (every loopback name counts as one host); a lower bound when a host has several names
     */
    public int ranksOnHostOf(int rank) {
        String own = hostKey(addresses(rank).get(0).host());
        int count = 0;
        for (List<HostAddress> r : ranks) {
            if (hostKey(r.get(0).host()).equals(own)) {
                count++;
            }
        }
        return count;
    }

    private static String hostKey(String host) {
        String h = host.toLowerCase(java.util.Locale.ROOT);
        boolean loopback = h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("[::1]");
        return loopback ? "loopback" : h;
    }

    /** @return the file it was loaded from, if any */
    public Optional<Path> path() {
        return Optional.ofNullable(path);
    }

    /** @return the hostfile as JSON, one rank per line */
    public String toJson() {
        StringBuilder sb = new StringBuilder("[\n");
        for (int r = 0; r < ranks.size(); r++) {
            sb.append("  [");
            List<HostAddress> addrs = ranks.get(r);
            for (int i = 0; i < addrs.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append('"').append(addrs.get(i)).append('"');
            }
            sb.append(']').append(r + 1 < ranks.size() ? "," : "").append('\n');
        }
        return sb.append("]\n").toString();
    }

    /**
     * Writes {@link #toJson()} to {@code file} atomically (a temporary file, then a move).
     *
     * @throws RingConfigException if it cannot be written
     */
    public void write(Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Path tmp = Files.createTempFile(dir, ".hostfile", ".tmp");
            Files.writeString(tmp, toJson(), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new RingConfigException("cannot write hostfile " + file + ": " + e, e);
        }
    }

    /**
     * @return SHA-256 of the addresses in rank order; equal for hostfiles that list the same
     *     addresses, whatever their JSON layout. The native handshake uses it as the group identity.
     */
    public byte[] fingerprint() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(("ring4j-hostfile/" + ranks.size() + "/" + connections() + "\n").getBytes(StandardCharsets.UTF_8));
            for (List<HostAddress> addrs : ranks) {
                for (HostAddress a : addrs) {
                    md.update((a + "\n").getBytes(StandardCharsets.UTF_8));
                }
                md.update((byte) ';');
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JDK", e);
        }
    }

    @Override
    public String toString() {
        return describeSource() + " (" + ranks.size() + " ranks x " + connections() + " connections)";
    }

    private String describeSource() {
        return path == null ? "the hostfile" : "hostfile " + path;
    }

    private static int line(JsonParser p) {
        return p.getTokenLocation().getLineNr();
    }

    private static String describe(JsonToken t) {
        switch (t) {
            case START_OBJECT: return "an object";
            case START_ARRAY: return "a list";
            case VALUE_STRING: return "a string";
            case VALUE_NUMBER_INT: case VALUE_NUMBER_FLOAT: return "a number";
            case VALUE_TRUE: case VALUE_FALSE: return "a boolean";
            case VALUE_NULL: return "null";
            default: return t.toString();
        }
    }
}
