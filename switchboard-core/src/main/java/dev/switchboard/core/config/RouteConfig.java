package dev.switchboard.core.config;

import dev.switchboard.core.dialect.tencent.TencentDialect;
import dev.switchboard.core.function.FunctionTarget;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One WebSocket endpoint ({@code routes[n]} in YAML): its path, its three functions, their
 * timeouts and how its messages are handled. A route of the {@code aws} dialect also has message
 * functions per route key ({@link #routeKeys}); its {@code $connect}, {@code $default} and
 * {@code $disconnect} functions are {@link #register}, {@link #transfer} and {@link #cleanup}.
 *
 * <p>{@code signingSecret}, when set, makes every HTTP function call of the route carry an
 * HMAC-SHA256 signature (see {@link Builder#signingSecret}); {@code circuitBreaker} guards each
 * of its functions. {@code maxConnections}, when set, caps the route's open connections on this
 * node (see {@link Builder#maxConnections}).
 */
public record RouteConfig(
        String path,
        String dialect,
        String serviceId,
        String stage,
        @Nullable FunctionTarget register,
        @Nullable FunctionTarget transfer,
        @Nullable FunctionTarget cleanup,
        Duration registerTimeout,
        Duration transferTimeout,
        Duration cleanupTimeout,
        String transferAction,
        List<String> subprotocols,
        boolean permessageDeflate,
        @Nullable ReliableConfig reliable,
        OnTransferError onTransferError,
        int maxInFlight,
        Map<String, FunctionTarget> routeKeys,
        String routeSelectionExpression,
        boolean routeResponse,
        BinaryFrames binaryFrames,
        String apiId,
        @Nullable String domainName,
        @Nullable Integer maxMessageBytes,
        @Nullable Integer maxFrameBytes,
        @Nullable Duration idleTimeout,
        @Nullable Duration maxLifetime,
        @Nullable String signingSecret,
        CircuitBreakerConfig circuitBreaker,
        @Nullable Integer maxConnections,
        @Nullable AuthConfig auth) {

    /** The Tencent Cloud API Gateway dialect. */
    public static final String TENCENT = "tencent";
    /** The AWS API Gateway WebSocket dialect. */
    public static final String AWS = "aws";

    public static final String DEFAULT_DIALECT = TENCENT;
    public static final String DEFAULT_ROUTE_SELECTION_EXPRESSION = "$request.body.action";
    public static final String DEFAULT_API_ID = "switchboard";
    /** AWS API Gateway's message size limit, the aws dialect's default. */
    public static final int AWS_MAX_MESSAGE_BYTES = 128 * 1024;
    /** AWS API Gateway's frame size limit, the aws dialect's default. */
    public static final int AWS_MAX_FRAME_BYTES = 32 * 1024;
    /** AWS API Gateway's idle timeout, the aws dialect's default. */
    public static final Duration AWS_IDLE_TIMEOUT = Duration.ofMinutes(10);
    /** AWS API Gateway's connection duration limit, the aws dialect's default. */
    public static final Duration AWS_MAX_LIFETIME = Duration.ofHours(2);

    public static final String DEFAULT_SERVICE_ID = "service-local";
    public static final String DEFAULT_STAGE = "release";
    public static final Duration DEFAULT_REGISTER_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration DEFAULT_TRANSFER_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_CLEANUP_TIMEOUT = Duration.ofSeconds(10);
    public static final String DEFAULT_TRANSFER_ACTION = TencentDialect.DATA_SEND;
    public static final int DEFAULT_MAX_IN_FLIGHT = 1;

    public RouteConfig {
        Objects.requireNonNull(path, "path");
        subprotocols = List.copyOf(subprotocols);
        routeKeys = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(routeKeys));
    }

    /** True for a route of the {@code aws} dialect. */
    public boolean isAws() {
        return AWS.equals(dialect);
    }

    /** The limits this route's connections live under, given the node's {@code limits}. */
    public ConnectionLimits connectionLimits(LimitsConfig limits) {
        boolean aws = isAws();
        int message =
                maxMessageBytes != null ? maxMessageBytes : aws ? AWS_MAX_MESSAGE_BYTES : limits.maxMessageBytes();
        int frame = maxFrameBytes != null ? maxFrameBytes : aws ? Math.min(AWS_MAX_FRAME_BYTES, message) : message;
        return new ConnectionLimits(
                message,
                frame,
                idleTimeout != null ? idleTimeout : aws ? AWS_IDLE_TIMEOUT : limits.idleTimeout(),
                maxLifetime != null ? maxLifetime : aws ? AWS_MAX_LIFETIME : limits.maxLifetime());
    }

    public static Builder builder(String path) {
        return new Builder(path);
    }

    /** A builder starting from this route. */
    public Builder toBuilder() {
        return new Builder(path)
                .dialect(dialect)
                .serviceId(serviceId)
                .stage(stage)
                .register(register)
                .transfer(transfer)
                .cleanup(cleanup)
                .registerTimeout(registerTimeout)
                .transferTimeout(transferTimeout)
                .cleanupTimeout(cleanupTimeout)
                .transferAction(transferAction)
                .subprotocols(subprotocols)
                .permessageDeflate(permessageDeflate)
                .reliable(reliable)
                .onTransferError(onTransferError)
                .maxInFlight(maxInFlight)
                .routeKeys(routeKeys)
                .routeSelectionExpression(routeSelectionExpression)
                .routeResponse(routeResponse)
                .binaryFrames(binaryFrames)
                .apiId(apiId)
                .domainName(domainName)
                .maxMessageBytes(maxMessageBytes)
                .maxFrameBytes(maxFrameBytes)
                .idleTimeout(idleTimeout)
                .maxLifetime(maxLifetime)
                .signingSecret(signingSecret)
                .circuitBreaker(circuitBreaker)
                .maxConnections(maxConnections)
                .auth(auth);
    }

    /** Builds {@link RouteConfig}. */
    public static final class Builder {
        private final String path;
        private String dialect = DEFAULT_DIALECT;
        private String serviceId = DEFAULT_SERVICE_ID;
        private String stage = DEFAULT_STAGE;
        private @Nullable FunctionTarget register;
        private @Nullable FunctionTarget transfer;
        private @Nullable FunctionTarget cleanup;
        private Duration registerTimeout = DEFAULT_REGISTER_TIMEOUT;
        private Duration transferTimeout = DEFAULT_TRANSFER_TIMEOUT;
        private Duration cleanupTimeout = DEFAULT_CLEANUP_TIMEOUT;
        private String transferAction = DEFAULT_TRANSFER_ACTION;
        private List<String> subprotocols = List.of();
        private @Nullable AuthConfig auth;
        private boolean permessageDeflate;
        private @Nullable ReliableConfig reliable;
        private @Nullable OnTransferError onTransferError;
        private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
        private Map<String, FunctionTarget> routeKeys = Map.of();
        private String routeSelectionExpression = DEFAULT_ROUTE_SELECTION_EXPRESSION;
        private boolean routeResponse;
        private @Nullable BinaryFrames binaryFrames;
        private String apiId = DEFAULT_API_ID;
        private @Nullable String domainName;
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

        /** Event format: {@code tencent} (the default) or {@code aws}. */
        public Builder dialect(String value) {
            this.dialect = value;
            return this;
        }

        /** {@code requestContext.serviceId} of every event. */
        public Builder serviceId(String value) {
            this.serviceId = value;
            return this;
        }

        /** {@code requestContext.stage} of every event. */
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

        /** {@code websocket.action} of message events: {@code data send} (default) or {@code data recv}. */
        public Builder transferAction(String value) {
            this.transferAction = value;
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
         * What a failed message function does to the connection: default {@code close} (1011)
         * for the Tencent dialect, {@code ignore} for the AWS dialect (which answers the client
         * with an error message and keeps the connection, as AWS does).
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

        /**
         * AWS dialect: message functions by route key (besides {@code $default}, which is
         * {@link #transfer}); a message whose selected key has no function goes to
         * {@code $default}.
         */
        public Builder routeKeys(Map<String, FunctionTarget> value) {
            this.routeKeys = value;
            return this;
        }

        /** AWS dialect: adds the message function of {@code routeKey}. */
        public Builder routeKey(String routeKey, FunctionTarget target) {
            Map<String, FunctionTarget> keys = new LinkedHashMap<>(routeKeys);
            keys.put(routeKey, target);
            this.routeKeys = keys;
            return this;
        }

        /**
         * AWS dialect: how a message's route key is chosen, {@code $request.body.<field>[.<field>…]}
         * or a template of {@code ${request.body.<field>}} parts (default
         * {@value #DEFAULT_ROUTE_SELECTION_EXPRESSION}). A body that is not JSON, or lacks a
         * field, selects {@code $default}.
         */
        public Builder routeSelectionExpression(String value) {
            this.routeSelectionExpression = value;
            return this;
        }

        /** AWS dialect: send the {@code body} of a message function's response to the client. */
        public Builder routeResponse(boolean value) {
            this.routeResponse = value;
            return this;
        }

        /** Binary messages from clients: default {@code deliver} (Tencent) or {@code close} with 1003 (AWS). */
        public Builder binaryFrames(@Nullable BinaryFrames value) {
            this.binaryFrames = value;
            return this;
        }

        /** AWS dialect: {@code requestContext.apiId} of every event (default {@value #DEFAULT_API_ID}). */
        public Builder apiId(String value) {
            this.apiId = value;
            return this;
        }

        /**
         * AWS dialect: {@code requestContext.domainName}, the host (and port) under which
         * {@code https://<domainName>/<stage>/@connections} reaches this node's push listener,
         * e.g. through a TLS proxy. Default: the push listener's own {@code host:port}, for
         * {@code http://}.
         */
        public Builder domainName(@Nullable String value) {
            this.domainName = value;
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

        public RouteConfig build() {
            boolean aws = AWS.equals(dialect);
            return new RouteConfig(
                    path,
                    dialect,
                    serviceId,
                    stage,
                    register,
                    transfer,
                    cleanup,
                    registerTimeout,
                    transferTimeout,
                    cleanupTimeout,
                    transferAction,
                    subprotocols,
                    permessageDeflate,
                    reliable,
                    onTransferError != null ? onTransferError : aws ? OnTransferError.IGNORE : OnTransferError.CLOSE,
                    maxInFlight,
                    routeKeys,
                    routeSelectionExpression,
                    routeResponse,
                    binaryFrames != null ? binaryFrames : aws ? BinaryFrames.CLOSE : BinaryFrames.DELIVER,
                    apiId,
                    domainName,
                    maxMessageBytes,
                    maxFrameBytes,
                    idleTimeout,
                    maxLifetime,
                    signingSecret,
                    circuitBreaker,
                    maxConnections,
                    auth);
        }
    }
}
