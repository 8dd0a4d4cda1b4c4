package org.ring4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.ring4j.collective.RingGroup;
import org.ring4j.config.HostAddress;
import org.ring4j.config.Hostfile;
import org.ring4j.kernel.VectorSupport;
import org.ring4j.protocol.RingTopology;
import org.ring4j.transport.Endpoint;
import org.ring4j.transport.Handshake;
import org.ring4j.transport.NativeHandshake;
import org.ring4j.transport.RingConnections;
import org.ring4j.transport.RingConnector;
import org.ring4j.transport.UnixSocketPaths;

/**
 * Entry point: forms this process's rank of a ring described by a JSON hostfile.
 *
 * <pre>{@code
 * try (Group g = Ring.init(true)) {          // RING4J_HOSTFILE / RING4J_RANK (or MLX_*)
 *     float[] grad = ...;
 *     g.allSum(grad, grad);                  // in place, bitwise identical on every rank
 * }
 * }</pre>
 */
public final class Ring {
    /** How long one incoming connection may take to complete the native handshake before it is dropped. */
    private static final long HANDSHAKE_MILLIS = 5_000;

    private Ring() {
    }

    /**
     * Joins the ring described by the environment: {@value RingOptions#HOSTFILE_ENV} and
     * {@value RingOptions#RANK_ENV} (or MLX's {@value RingOptions#MLX_HOSTFILE_ENV} and
     * {@value RingOptions#MLX_RANK_ENV}), with the options of {@link RingOptions#fromEnvironment(Map)}.
     *
     * @param strict whether a missing configuration is an error
     * @return the group, or null if not configured and not strict
     * @throws RingConfigException if strict and the variables are missing, or if they are malformed
     * @throws RingException if the connections cannot be made
     */
    public static Group init(boolean strict) {
        return init(strict, System.getenv());
    }

    /**
     * {@link #init(boolean)} reading {@code env} instead of the process environment.
     *
     * @throws RingConfigException if strict and the variables are missing, or if they are malformed
     * @throws RingException if the connections cannot be made
     */
    public static Group init(boolean strict, Map<String, String> env) {
        String hostfileVar = env.containsKey(RingOptions.HOSTFILE_ENV) ? RingOptions.HOSTFILE_ENV
                : RingOptions.MLX_HOSTFILE_ENV;
        String rankVar = env.containsKey(RingOptions.RANK_ENV) ? RingOptions.RANK_ENV : RingOptions.MLX_RANK_ENV;
        String hostfile = env.get(hostfileVar);
        String rankText = env.get(rankVar);
        if (hostfile == null || hostfile.isBlank() || rankText == null || rankText.isBlank()) {
            if (!strict) {
                return null;
            }
            throw new RingConfigException("ring4j needs both a hostfile and a rank from the environment: set "
                    + RingOptions.HOSTFILE_ENV + " (or " + RingOptions.MLX_HOSTFILE_ENV + ") and "
                    + RingOptions.RANK_ENV + " (or " + RingOptions.MLX_RANK_ENV + "), but saw "
                    + RingOptions.HOSTFILE_ENV + "=" + quoted(env.get(RingOptions.HOSTFILE_ENV)) + ", "
                    + RingOptions.MLX_HOSTFILE_ENV + "=" + quoted(env.get(RingOptions.MLX_HOSTFILE_ENV)) + ", "
                    + RingOptions.RANK_ENV + "=" + quoted(env.get(RingOptions.RANK_ENV)) + ", "
                    + RingOptions.MLX_RANK_ENV + "=" + quoted(env.get(RingOptions.MLX_RANK_ENV))
                    + "; `ring4j launch` sets them for you");
        }
        int rank;
        try {
            rank = Integer.parseInt(rankText.trim());
        } catch (NumberFormatException e) {
            throw new RingConfigException(rankVar + "=\"" + rankText + "\" is not a whole number; it must be this "
                    + "process's rank, 0 to the number of ranks in " + hostfile + " minus one");
        }
        return connect(Path.of(hostfile), rank, RingOptions.fromEnvironment(env));
    }

    /**
     * Connects rank {@code rank} of the ring described by {@code hostfile}, with default options.
     *
     * @throws RingConfigException if the hostfile or rank is wrong
     * @throws RingException if the connections cannot be made
     */
    public static Group connect(Path hostfile, int rank) {
        return connect(hostfile, rank, RingOptions.defaults());
    }

    /**
     * Connects rank {@code rank} of the ring described by {@code hostfile}; blocks until both
     * neighbours are connected or the set-up fails.
     *
     * @throws RingConfigException if the hostfile, rank or options are wrong
     * @throws RingException if the connections cannot be made (naming the peer and address)
     */
    public static Group connect(Path hostfile, int rank, RingOptions options) {
        if (hostfile == null || options == null) {
            throw new IllegalArgumentException("hostfile and options must not be null");
        }
        VectorSupport.check();
        return connect(Hostfile.load(hostfile), rank, options);
    }

    /**
     * Connects rank {@code rank} of the ring described by an already loaded {@code hostfile}.
     *
     * @throws RingConfigException if the rank or options are wrong
     * @throws RingException if the connections cannot be made
     */
    public static Group connect(Hostfile hostfile, int rank, RingOptions options) {
        VectorSupport.check();
        int n = hostfile.size();
        List<HostAddress> own = hostfile.addresses(rank); // checks the rank's range
        if (options.protocol() == Protocol.MLX && options.hasSecret()) {
            throw new RingConfigException(RingOptions.SECRET_ENV + " is set but the protocol is mlx: MLX ranks "
                    + "cannot authenticate; use the native protocol (" + RingOptions.PROTOCOL_ENV
                    + "=native) or unset the secret");
        }
        RingTopology topology = new RingTopology(rank, n);
        if (n == 1) {
            return new RingGroup(topology, RingConnections.none(), options);
        }
        Consumer<String> log = options.verbose() ? m -> System.err.println("[ring4j] " + m) : m -> { };
        Handshake handshake = options.protocol() == Protocol.MLX ? Handshake.NONE
                : new NativeHandshake(hostfile.fingerprint(), n, rank, topology.left(), options.secret(),
                        HANDSHAKE_MILLIS);
        long deadline = System.nanoTime() + options.setupTimeout().toNanos();
        List<String> leftLabels = hostfile.addresses(topology.left()).stream().map(HostAddress::toString).toList();
        RingConnector connector = new RingConnector(topology, endpoints(own), endpoints(hostfile.addresses(topology.right())),
                leftLabels, options.connectAttempts(), options.connectRetryBase().toMillis(), deadline, handshake, log,
                options.unixSockets() && options.protocol() == Protocol.NATIVE
                        ? UnixSocketPaths.in(UnixSocketPaths.defaultDirectory(), log) : null);
        // Open MPI's rule (mpi_yield_when_idle): with more ranks on this host than cores, a waiting
        // rank yields its core between polls; otherwise it spins, because yielding costs a hop
        // tens of microseconds on some virtual machines.
        boolean yieldWhenIdle = hostfile.ranksOnHostOf(rank) > Runtime.getRuntime().availableProcessors();
        return new RingGroup(topology, connector.connect(), options, yieldWhenIdle);
    }

    private static List<Endpoint> endpoints(List<HostAddress> addresses) {
        List<Endpoint> out = new ArrayList<>();
        for (HostAddress a : addresses) {
            out.add(new Endpoint(a.resolve(), a.toString()));
        }
        return out;
    }

    private static String quoted(String v) {
        return v == null ? "(unset)" : "\"" + v + "\"";
    }
}
