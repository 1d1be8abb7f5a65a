package dev.switchboard.core.config;

import dev.switchboard.core.dialect.tencent.TencentDialect;
import dev.switchboard.core.function.FunctionTarget;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One WebSocket endpoint ({@code routes[n]} in YAML): its path, its three functions, their
 * timeouts and how its messages are handled.
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
        OnTransferError onTransferError,
        int maxInFlight) {

    public static final String DEFAULT_DIALECT = "tencent";
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
                .onTransferError(onTransferError)
                .maxInFlight(maxInFlight);
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
        private boolean permessageDeflate;
        private OnTransferError onTransferError = OnTransferError.CLOSE;
        private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;

        private Builder(String path) {
            this.path = path;
        }

        /** Event format: {@code tencent} (the default). */
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

        /** What a failed transfer does to the connection (default {@code close}). */
        public Builder onTransferError(OnTransferError value) {
            this.onTransferError = value;
            return this;
        }

        /** Transfer invocations in flight per connection (default 1: strict order). */
        public Builder maxInFlight(int value) {
            this.maxInFlight = value;
            return this;
        }

        public RouteConfig build() {
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
                    onTransferError,
                    maxInFlight);
        }
    }
}
