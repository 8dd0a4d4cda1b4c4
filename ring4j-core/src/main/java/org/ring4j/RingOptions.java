package org.ring4j;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of a group, each with a default, an environment variable and a builder method. Build
 * one with {@link #builder()} or read the environment with {@link #fromEnvironment(Map)}; every
 * value is validated when it is set, and a bad one fails naming the setting (or variable) and the
 * accepted range.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>variable</th><th>default</th></tr>
 *   <tr><td>protocol</td><td>{@value #PROTOCOL_ENV}</td><td>native</td></tr>
 *   <tr><td>verbose</td><td>{@value #VERBOSE_ENV} or {@value #MLX_VERBOSE_ENV} (set = on)</td><td>off</td></tr>
 *   <tr><td>secret (native protocol)</td><td>{@value #SECRET_ENV}</td><td>none</td></tr>
 *   <tr><td>connect attempts</td><td>{@value #CONNECT_ATTEMPTS_ENV}</td><td>5 (waits of 1, 2, 4, 8 s, as MLX)</td></tr>
 *   <tr><td>set-up timeout</td><td>{@value #SETUP_TIMEOUT_ENV}</td><td>60 s</td></tr>
 *   <tr><td>operation timeout</td><td>{@value #OP_TIMEOUT_ENV}</td><td>none (0)</td></tr>
 *   <tr><td>spin before parking</td><td>{@value #SPIN_ENV}</td><td>2 ms</td></tr>
 *   <tr><td>Unix sockets between ranks of one machine (native protocol)</td><td>{@value #UNIX_SOCKETS_ENV}
 *       ({@code 0} or {@code false} = off)</td><td>on</td></tr>
 * </table>
 * Durations are written {@code 500ms}, {@code 30s}, {@code 2m}, or a plain number of seconds.
 */
public final class RingOptions {
    /** Variable naming the hostfile; {@value #MLX_HOSTFILE_ENV} is read when it is unset. */
    public static final String HOSTFILE_ENV = "RING4J_HOSTFILE";
    /** MLX's variable for the hostfile. */
    public static final String MLX_HOSTFILE_ENV = "MLX_HOSTFILE";
    /** Variable holding this process's rank; {@value #MLX_RANK_ENV} is read when it is unset. */
    public static final String RANK_ENV = "RING4J_RANK";
    /** MLX's variable for the rank. */
    public static final String MLX_RANK_ENV = "MLX_RANK";
    /** Set (to anything) to log connection set-up and failures to stderr. */
    public static final String VERBOSE_ENV = "RING4J_VERBOSE";
    /** MLX's verbose variable, honoured too. */
    public static final String MLX_VERBOSE_ENV = "MLX_RING_VERBOSE";
    /** {@code native} (default) or {@code mlx}. */
    public static final String PROTOCOL_ENV = "RING4J_PROTOCOL";
    /** Shared secret for the native handshake's HMAC-SHA256 challenge-response. */
    public static final String SECRET_ENV = "RING4J_SECRET";
    /** How many times to try each connection to the right neighbour. */
    public static final String CONNECT_ATTEMPTS_ENV = "RING4J_CONNECT_ATTEMPTS";
    /** Upper bound on the whole connection set-up. */
    public static final String SETUP_TIMEOUT_ENV = "RING4J_SETUP_TIMEOUT";
    /** Longest time one collective may wait for a peer; 0 = no limit. */
    public static final String OP_TIMEOUT_ENV = "RING4J_OP_TIMEOUT";
    /** How long an idle I/O loop polls (spinning, then yielding) before it parks, e.g. {@code 500us}; 0 = park at once. */
    public static final String SPIN_ENV = "RING4J_SPIN";
    /**
     * {@code 0}/{@code false} makes neighbours on the same machine connect over TCP instead of a
     * Unix domain socket (native protocol; see {@link Builder#unixSockets}).
     */
    public static final String UNIX_SOCKETS_ENV = "RING4J_UNIX_SOCKETS";

    /** MLX's number of connection attempts. */
    public static final int DEFAULT_CONNECT_ATTEMPTS = 5;
    /** Default set-up timeout. */
    public static final Duration DEFAULT_SETUP_TIMEOUT = Duration.ofSeconds(60);
    /**
     * Default spin time before parking. Why 2 ms: a rank that parks pays its core's wake-up when
     * data comes, about 1 ms on this project's virtual machines (an idle vCPU halts). With a spin shorter than that, one late
     * wake-up made the peer wait past its own spin, park, and wake late in turn: a 2-rank pair
     * stayed in a mode where each 2 KiB all-sum took 1.07 ms (median) instead of 20 us. Spinning
     * about as long as a wake-up costs bounds the waste at twice the best choice (the classic
     * spin-then-block argument).
     */
    public static final Duration DEFAULT_SPIN = Duration.ofMillis(2);

    private final Protocol protocol;
    private final boolean verbose;
    private final byte[] secret;
    private final int connectAttempts;
    private final Duration connectRetryBase;
    private final Duration setupTimeout;
    private final Duration operationTimeout;
    private final Duration spin;
    private final boolean unixSockets;

    private RingOptions(Builder b) {
        this.protocol = b.protocol;
        this.verbose = b.verbose;
        this.secret = b.secret == null ? null : b.secret.clone();
        this.connectAttempts = b.connectAttempts;
        this.connectRetryBase = b.connectRetryBase;
        this.setupTimeout = b.setupTimeout;
        this.operationTimeout = b.operationTimeout;
        this.spin = b.spin;
        this.unixSockets = b.unixSockets;
    }

    /** @return the defaults: native protocol, quiet, no secret, MLX's retries, 60 s set-up, no operation timeout */
    public static RingOptions defaults() {
        return builder().build();
    }

    /** @return a builder holding the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this object's settings */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.protocol = protocol;
        b.verbose = verbose;
        b.secret = secret;
        b.connectAttempts = connectAttempts;
        b.connectRetryBase = connectRetryBase;
        b.setupTimeout = setupTimeout;
        b.operationTimeout = operationTimeout;
        b.spin = spin;
        b.unixSockets = unixSockets;
        return b;
    }

    /**
     * Reads every setting's variable from {@code env} (typically {@link System#getenv()}); unset
     * variables keep their defaults.
     *
     * @throws RingConfigException naming the variable and its value when one is malformed
     */
    public static RingOptions fromEnvironment(Map<String, String> env) {
        Builder b = builder();
        b.verbose(env.containsKey(VERBOSE_ENV) || env.containsKey(MLX_VERBOSE_ENV));
        String v = env.get(PROTOCOL_ENV);
        if (v != null && !v.isBlank()) {
            try {
                b.protocol(Protocol.parse(v));
            } catch (IllegalArgumentException e) {
                throw new RingConfigException(PROTOCOL_ENV + "=\"" + v + "\": " + e.getMessage());
            }
        }
        v = env.get(SECRET_ENV);
        if (v != null && !v.isEmpty()) {
            b.secret(v.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        v = env.get(CONNECT_ATTEMPTS_ENV);
        if (v != null && !v.isBlank()) {
            int attempts;
            try {
                attempts = Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw new RingConfigException(CONNECT_ATTEMPTS_ENV + "=\"" + v + "\" is not a whole number; use e.g. 5");
            }
            try {
                b.connectAttempts(attempts);
            } catch (IllegalArgumentException e) {
                throw new RingConfigException(CONNECT_ATTEMPTS_ENV + "=\"" + v + "\": " + e.getMessage());
            }
        }
        v = env.get(SETUP_TIMEOUT_ENV);
        if (v != null && !v.isBlank()) {
            b.setupTimeout(parseDuration(SETUP_TIMEOUT_ENV, v));
        }
        v = env.get(OP_TIMEOUT_ENV);
        if (v != null && !v.isBlank()) {
            b.operationTimeout(parseDuration(OP_TIMEOUT_ENV, v));
        }
        v = env.get(SPIN_ENV);
        if (v != null && !v.isBlank()) {
            b.spin(parseDuration(SPIN_ENV, v));
        }
        v = env.get(UNIX_SOCKETS_ENV);
        if (v != null && !v.isBlank()) {
            b.unixSockets(parseSwitch(UNIX_SOCKETS_ENV, v));
        }
        return b.build();
    }

    private static boolean parseSwitch(String what, String text) {
        switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "1": case "true": case "yes": case "on":
                return true;
            case "0": case "false": case "no": case "off":
                return false;
            default:
                throw new RingConfigException(what + "=\"" + text + "\" is neither on nor off; write 1 or 0 (true/false)");
        }
    }

    /**
     * Parses {@code 250us}, {@code 500ms}, {@code 30s}, {@code 2m} or a plain number of seconds.
     *
     * @param what the variable or option name, for the error message
     * @throws RingConfigException naming {@code what} when {@code text} is not a duration
     */
    public static Duration parseDuration(String what, String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.endsWith("us")) {
                return Duration.ofNanos(Math.round(Double.parseDouble(t.substring(0, t.length() - 2)) * 1e3));
            } else if (t.endsWith("ms")) {
                return Duration.ofNanos(Math.round(Double.parseDouble(t.substring(0, t.length() - 2)) * 1e6));
            } else if (t.endsWith("s")) {
                return Duration.ofNanos(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1e9));
            } else if (t.endsWith("m")) {
                return Duration.ofNanos(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 60e9));
            }
            return Duration.ofNanos(Math.round(Double.parseDouble(t) * 1e9));
        } catch (NumberFormatException e) {
            throw new RingConfigException(what + "=\"" + text + "\" is not a duration; write e.g. 500ms, 30s or 2m");
        }
    }

    /** @return the wire protocol */
    public Protocol protocol() {
        return protocol;
    }

    /** @return whether set-up and failures are logged to stderr */
    public boolean verbose() {
        return verbose;
    }

    /** @return a copy of the shared secret, or null when none is set */
    public byte[] secret() {
        return secret == null ? null : secret.clone();
    }

    /** @return whether a shared secret is set */
    public boolean hasSecret() {
        return secret != null;
    }

    /** @return attempts per connection to the right neighbour (MLX: 5) */
    public int connectAttempts() {
        return connectAttempts;
    }

    /** @return the wait before the second attempt; it doubles for each later one (MLX: 1 s) */
    public Duration connectRetryBase() {
        return connectRetryBase;
    }

    /** @return the limit on the whole set-up */
    public Duration setupTimeout() {
        return setupTimeout;
    }

    /** @return the limit on one collective's wait for a peer; {@link Duration#ZERO} = none */
    public Duration operationTimeout() {
        return operationTimeout;
    }

    /** @return how long an idle I/O loop spins before parking */
    public Duration spin() {
        return spin;
    }

    /** @return whether neighbours on the same machine connect over a Unix domain socket (native protocol) */
    public boolean unixSockets() {
        return unixSockets;
    }

    @Override
    public String toString() {
        return "RingOptions{protocol=" + protocol.name().toLowerCase(java.util.Locale.ROOT) + ", verbose=" + verbose
                + ", secret=" + (secret == null ? "none" : "set") + ", connectAttempts=" + connectAttempts
                + ", connectRetryBase=" + connectRetryBase + ", setupTimeout=" + setupTimeout
                + ", operationTimeout=" + operationTimeout + ", spin=" + spin + ", unixSockets=" + unixSockets + "}";
    }

    /** Collects settings; each setter validates its value. */
    public static final class Builder {
        private Protocol protocol = Protocol.NATIVE;
        private boolean verbose;
        private byte[] secret;
        private int connectAttempts = DEFAULT_CONNECT_ATTEMPTS;
        private Duration connectRetryBase = Duration.ofSeconds(1);
        private Duration setupTimeout = DEFAULT_SETUP_TIMEOUT;
        private Duration operationTimeout = Duration.ZERO;
        private Duration spin = DEFAULT_SPIN;
        private boolean unixSockets = true;

        private Builder() {
        }

        /** Sets the wire protocol. */
        public Builder protocol(Protocol protocol) {
            this.protocol = Objects.requireNonNull(protocol, "protocol");
            return this;
        }

        /** Logs set-up and failures to stderr when true. */
        public Builder verbose(boolean verbose) {
            this.verbose = verbose;
            return this;
        }

        /** Sets the shared secret (native protocol only); null clears it. */
        public Builder secret(byte[] secret) {
            if (secret != null && secret.length == 0) {
                throw new IllegalArgumentException("secret must not be empty; pass null for none");
            }
            this.secret = secret == null ? null : secret.clone();
            return this;
        }

        /** Sets the attempts per connection, 1 to 100. */
        public Builder connectAttempts(int attempts) {
            if (attempts < 1 || attempts > 100) {
                throw new IllegalArgumentException("connect attempts must be 1 to 100, not " + attempts);
            }
            this.connectAttempts = attempts;
            return this;
        }

        /** Sets the first wait between connection attempts (doubling after each); not negative. */
        public Builder connectRetryBase(Duration base) {
            this.connectRetryBase = requireNonNegative("connect retry base", base);
            return this;
        }

        /** Sets the limit on the whole set-up; positive. */
        public Builder setupTimeout(Duration timeout) {
            requireNonNegative("setup timeout", timeout);
            if (timeout.isZero()) {
                throw new IllegalArgumentException("setup timeout must be positive");
            }
            this.setupTimeout = timeout;
            return this;
        }

        /** Sets the limit on one collective's wait for a peer; zero = none. */
        public Builder operationTimeout(Duration timeout) {
            this.operationTimeout = requireNonNegative("operation timeout", timeout);
            return this;
        }

        /** Sets how long an idle I/O loop spins before parking; zero parks at once. */
        public Builder spin(Duration spin) {
            this.spin = requireNonNegative("spin", spin);
            return this;
        }

        /**
         * Sets whether a neighbour whose hostfile address is this machine's is reached over a Unix
         * domain socket instead of TCP (native protocol only; the MLX protocol always uses TCP,
         * which is all MLX ranks listen on). On by default: between processes of one machine it
         * moves the same bytes without TCP's stack, about twice as fast here. Off keeps every
         * connection on TCP, e.g. to measure TCP itself.
         */
        public Builder unixSockets(boolean on) {
            this.unixSockets = on;
            return this;
        }

        /** @return the options */
        public RingOptions build() {
            return new RingOptions(this);
        }

        private static Duration requireNonNegative(String what, Duration d) {
            Objects.requireNonNull(d, what);
            if (d.isNegative()) {
                throw new IllegalArgumentException(what + " must not be negative, not " + d);
            }
            return d;
        }
    }
}
