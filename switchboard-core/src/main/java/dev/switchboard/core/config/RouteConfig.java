package dev.switchboard.core.config;

import dev.switchboard.core.function.FunctionTarget;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One WebSocket endpoint ({@code routes[n]} in YAML): its path, its dialect, its three functions,
 * their timeouts and how its messages are handled. The {@link #dialect} holds what only one event
 * format has: Tencent's service id and action, or AWS's route keys (whose {@code $connect},
 * {@code $default} and {@code $disconnect} functions are {@link #register}, {@link #transfer} and
 * {@link #cleanup}).
 *
 * <p>{@code signingSecret}, when set, makes every HTTP function call of the route carry an
 * HMAC-SHA256 signature (see {@link Builder#signingSecret}); {@code circuitBreaker} guards each
 * of its functions. {@code maxConnections}, when set, caps the route's open connections on this
 * node (see {@link Builder#maxConnections}). A limit left null falls back to the dialect's or the
 * node's (see {@link #connectionLimits}).
 *
 * @throws ConfigException keyed relative to the route ({@code max-in-flight: 0 …}) when one of its
 *     rules is broken; the YAML loader puts {@code routes[n].} in front
 */
public record RouteConfig(
        String path,
        DialectConfig dialect,
        String stage,
        @Nullable FunctionTarget register,
        @Nullable FunctionTarget transfer,
        @Nullable FunctionTarget cleanup,
        Duration registerTimeout,
        Duration transferTimeout,
        Duration cleanupTimeout,
        List<String> subprotocols,
        boolean permessageDeflate,
        @Nullable ReliableConfig reliable,
        OnTransferError onTransferError,
        int maxInFlight,
        BinaryFrames binaryFrames,
        @Nullable Integer maxMessageBytes,
        @Nullable Integer maxFrameBytes,
        @Nullable Duration idleTimeout,
        @Nullable Duration maxLifetime,
        @Nullable String signingSecret,
        CircuitBreakerConfig circuitBreaker,
        @Nullable Integer maxConnections,
        @Nullable AuthConfig auth,
        @Nullable PresenceConfig presence) {

    public static final String DEFAULT_STAGE = "release";
    public static final Duration DEFAULT_REGISTER_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration DEFAULT_TRANSFER_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_CLEANUP_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_IN_FLIGHT = 1;
    /** The most transfer invocations a connection may have in flight. */
    public static final int MAX_IN_FLIGHT = 1024;

    public RouteConfig {
        subprotocols = List.copyOf(subprotocols);
        if (!path.startsWith("/") || path.contains("?") || path.contains("#")) {
            throw new ConfigException("path: '" + path + "' (expected: a path starting with /, without query)");
        }
        ConfigRules.positiveIfSet("max-message-bytes", maxMessageBytes);
        ConfigRules.positiveIfSet("max-frame-bytes", maxFrameBytes);
        ConfigRules.positiveIfSet("idle-timeout", idleTimeout);
        ConfigRules.positiveIfSet("max-lifetime", maxLifetime);
        ConfigRules.positiveIfSet("max-connections", maxConnections);
        if (maxInFlight < 1 || maxInFlight > MAX_IN_FLIGHT) {
            throw new ConfigException("max-in-flight: " + maxInFlight + " (expected: 1 to " + MAX_IN_FLIGHT + ")");
        }
        if (signingSecret != null && signingSecret.isEmpty()) {
            throw new ConfigException("signing-secret: empty (expected: a secret, or no key for unsigned calls)");
        }
        ConfigRules.positive("timeouts.register", registerTimeout);
        ConfigRules.positive("timeouts.transfer", transferTimeout);
        ConfigRules.positive("timeouts.cleanup", cleanupTimeout);
    }

    /**
     * The limits this route's connections live under: the route's own values, else the cloud
     * gateway's that its dialect stands in for, else the node's {@code limits}. A frame may be as
     * large as a message unless the dialect's cloud says less.
     */
    public ConnectionLimits connectionLimits(LimitsConfig limits) {
        ConnectionLimits cloud = dialect.cloudLimits().orElse(null);
        int message = maxMessageBytes != null
                ? maxMessageBytes
                : cloud != null ? cloud.maxMessageBytes() : limits.maxMessageBytes();
        int frame = maxFrameBytes != null
                ? maxFrameBytes
                : cloud != null ? Math.min(cloud.maxFrameBytes(), message) : message;
        return new ConnectionLimits(
                message,
                frame,
                idleTimeout != null ? idleTimeout : cloud != null ? cloud.idleTimeout() : limits.idleTimeout(),
                maxLifetime != null ? maxLifetime : cloud != null ? cloud.maxLifetime() : limits.maxLifetime());
    }

    public static Builder builder(String path) {
        return new Builder(path);
    }

    /** A builder starting from this route. */
    public Builder toBuilder() {
        return new Builder(path)
                .dialect(dialect)
                .stage(stage)
                .register(register)
                .transfer(transfer)
                .cleanup(cleanup)
                .registerTimeout(registerTimeout)
                .transferTimeout(transferTimeout)
                .cleanupTimeout(cleanupTimeout)
                .subprotocols(subprotocols)
                .permessageDeflate(permessageDeflate)
                .reliable(reliable)
                .onTransferError(onTransferError)
                .maxInFlight(maxInFlight)
                .binaryFrames(binaryFrames)
                .maxMessageBytes(maxMessageBytes)
                .maxFrameBytes(maxFrameBytes)
                .idleTimeout(idleTimeout)
                .maxLifetime(maxLifetime)
                .signingSecret(signingSecret)
                .circuitBreaker(circuitBreaker)
                .maxConnections(maxConnections)
                .auth(auth)
                .presence(presence);
    }

    /** Builds {@link RouteConfig}; every setter has the route's YAML key of the same name. */
    public static final class Builder {
        private final String path;
        private DialectConfig dialect = TencentDialectConfig.defaults();
        private String stage = DEFAULT_STAGE;
        private @Nullable FunctionTarget register;
        private @Nullable FunctionTarget transfer;
        private @Nullable FunctionTarget cleanup;
        private Duration registerTimeout = DEFAULT_REGISTER_TIMEOUT;
        private Duration transferTimeout = DEFAULT_TRANSFER_TIMEOUT;
        private Duration cleanupTimeout = DEFAULT_CLEANUP_TIMEOUT;
        private List<String> subprotocols = List.of();
        private @Nullable AuthConfig auth;
        private @Nullable PresenceConfig presence;
        private boolean permessageDeflate;
        private @Nullable ReliableConfig reliable;
        private @Nullable OnTransferError onTransferError;
        private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
        private @Nullable BinaryFrames binaryFrames;
        private @Nullable Integer maxMessageBytes;
        private @Nullable Integer maxFrameBytes;
        private @Nullable Duration idleTimeout;
        private @Nullable Duration maxLifetime;
        private @Nullable String signingSecret;
        private CircuitBreakerConfig circuitBreaker = CircuitBreakerConfig.defaults();
        private @Nullable Integer maxConnections;

        private Builder(String path) {
            this.path = path;
        }

        /** Event format and its own settings (default {@link TencentDialectConfig#defaults()}). */
        public Builder dialect(DialectConfig value) {
            this.dialect = value;
            return this;
        }

        /** {@code requestContext.stage} of every event (default {@value #DEFAULT_STAGE}). */
        public Builder stage(String value) {
            this.stage = value;
            return this;
        }

        /** Decides whether a connection may open; none means every connection is accepted. */
        public Builder register(@Nullable FunctionTarget value) {
            this.register = value;
            return this;
        }

        /** Receives every message; none means messages are discarded. */
        public Builder transfer(@Nullable FunctionTarget value) {
            this.transfer = value;
            return this;
        }

        /** Hears about every connection that ends. */
        public Builder cleanup(@Nullable FunctionTarget value) {
            this.cleanup = value;
            return this;
        }

        /** Registration timeout; past it the connection is refused (default 3s). */
        public Builder registerTimeout(Duration value) {
            this.registerTimeout = value;
            return this;
        }

        /** Transfer timeout; past it {@code on-transfer-error} applies (default 10s). */
        public Builder transferTimeout(Duration value) {
            this.transferTimeout = value;
            return this;
        }

        /** Cleanup timeout per attempt; a timed-out attempt is retried (default 10s). */
        public Builder cleanupTimeout(Duration value) {
            this.cleanupTimeout = value;
            return this;
        }

        /**
         * Subprotocols the route speaks when it has no registration function: the first protocol
         * in the client's {@code Sec-WebSocket-Protocol} that is in this list is chosen.
         */
        public Builder subprotocols(List<String> value) {
            this.subprotocols = value;
            return this;
        }

        /** Enables {@code permessage-deflate} for clients that offer it, whatever the function says. */
        public Builder permessageDeflate(boolean value) {
            this.permessageDeflate = value;
            return this;
        }

        /**
         * Reliable sessions for clients that offer {@value ReliableConfig#SUBPROTOCOL} (default
         * null: off, the subprotocol is not selected and connections end with their socket).
         */
        public Builder reliable(@Nullable ReliableConfig value) {
            this.reliable = value;
            return this;
        }

        /**
         * What a failed message function does to the connection (default: the dialect's,
         * {@code close} (1011) for Tencent, {@code ignore} for AWS, which answers the client with
         * an error message and keeps the connection, as AWS does).
         */
        public Builder onTransferError(@Nullable OnTransferError value) {
            this.onTransferError = value;
            return this;
        }

        /** Transfer invocations in flight per connection (default 1: strict order). */
        public Builder maxInFlight(int value) {
            this.maxInFlight = value;
            return this;
        }

        /** Binary messages from clients (default: the dialect's, {@code deliver} for Tencent, {@code close} with 1003 for AWS). */
        public Builder binaryFrames(@Nullable BinaryFrames value) {
            this.binaryFrames = value;
            return this;
        }

        /** Largest message on this route; default 128 KiB for aws, else {@code limits.max-message-bytes}. */
        public Builder maxMessageBytes(@Nullable Integer value) {
            this.maxMessageBytes = value;
            return this;
        }

        /** Largest frame on this route; default 32 KiB for aws, else the route's largest message. */
        public Builder maxFrameBytes(@Nullable Integer value) {
            this.maxFrameBytes = value;
            return this;
        }

        /** Idle timeout on this route; default 10 minutes for aws, else {@code limits.idle-timeout}. */
        public Builder idleTimeout(@Nullable Duration value) {
            this.idleTimeout = value;
            return this;
        }

        /** Longest connection on this route; default 2 hours for aws, else {@code limits.max-lifetime}. */
        public Builder maxLifetime(@Nullable Duration value) {
            this.maxLifetime = value;
            return this;
        }

        /**
         * The secret HTTP function calls of this route are signed with (default none: calls are
         * not signed). Each call then carries {@code X-Switchboard-Timestamp} (unix seconds) and
         * {@code X-Switchboard-Signature: sha256=<hex>}, the lower-case hex HMAC-SHA256, keyed
         * with the secret's UTF-8 bytes, of the timestamp's decimal digits, a {@code .}, and the
         * request body's bytes exactly as sent.
         */
        public Builder signingSecret(@Nullable String value) {
            this.signingSecret = value;
            return this;
        }

        /**
         * The circuit breaker each of this route's functions gets (default: open after 5
         * consecutive failures, for 10 s; {@link CircuitBreakerConfig#off()} for none).
         */
        public Builder circuitBreaker(CircuitBreakerConfig value) {
            this.circuitBreaker = value;
            return this;
        }

        /**
         * Open connections this route may hold on this node (default none: only
         * {@code limits.max-connections} applies). Counted from the upgrade request, registration
         * included, until the socket closes; past it a handshake is refused with HTTP 503
         * (errNo 5032) before the registration function is called.
         */
        public Builder maxConnections(@Nullable Integer value) {
            this.maxConnections = value;
            return this;
        }

        /**
         * Token auth for this route's handshakes (default none): a handshake without a valid
         * token is refused with HTTP 401 before any function runs.
         */
        public Builder auth(@Nullable AuthConfig value) {
            this.auth = value;
            return this;
        }

        /** Presence in this route's groups (default none: its connections are not counted). */
        public Builder presence(@Nullable PresenceConfig value) {
            this.presence = value;
            return this;
        }

        /**
         * Builds the route, with the dialect's defaults where no value was set.
         *
         * @throws ConfigException keyed relative to the route when one of its rules is broken
         */
        public RouteConfig build() {
            return new RouteConfig(
                    path,
                    dialect,
                    stage,
                    register,
                    transfer,
                    cleanup,
                    registerTimeout,
                    transferTimeout,
                    cleanupTimeout,
                    subprotocols,
                    permessageDeflate,
                    reliable,
                    onTransferError != null ? onTransferError : dialect.defaultOnTransferError(),
                    maxInFlight,
                    binaryFrames != null ? binaryFrames : dialect.defaultBinaryFrames(),
                    maxMessageBytes,
                    maxFrameBytes,
                    idleTimeout,
                    maxLifetime,
                    signingSecret,
                    circuitBreaker,
                    maxConnections,
                    auth,
                    presence);
        }
    }
}
