package dev.switchboard.core.config;

import java.util.List;
import java.util.Optional;

/**
 * The Tencent Cloud API Gateway dialect ({@code dialect: tencent}, the default): a route's
 * {@code register}, {@code transfer} and {@code cleanup} functions get Tencent's events.
 *
 * @param serviceId {@code requestContext.serviceId} of every event ({@code service-id})
 * @param transferAction {@code websocket.action} of message events ({@code transfer-action}):
 *     {@value #DATA_SEND} or {@value #DATA_RECV}
 */
public record TencentDialectConfig(String serviceId, String transferAction) implements DialectConfig {
    /** The name of this dialect in YAML. */
    public static final String NAME = "tencent";
    /** The action of message events, and of the push command that sends. */
    public static final String DATA_SEND = "data send";
    /** The action older Tencent integrations expect on message events. */
    public static final String DATA_RECV = "data recv";

    public static final String DEFAULT_SERVICE_ID = "service-local";
    public static final String DEFAULT_TRANSFER_ACTION = DATA_SEND;

    /** The transfer actions a route may choose. */
    public static final List<String> TRANSFER_ACTIONS = List.of(DATA_SEND, DATA_RECV);

    /** The defaults: service {@value #DEFAULT_SERVICE_ID}, action {@value #DEFAULT_TRANSFER_ACTION}. */
    public static TencentDialectConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this config. */
    public Builder toBuilder() {
        return new Builder().serviceId(serviceId).transferAction(transferAction);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Close the connection with 1011: a Tencent backend that fails has lost the conversation. */
    @Override
    public OnTransferError defaultOnTransferError() {
        return OnTransferError.CLOSE;
    }

    @Override
    public BinaryFrames defaultBinaryFrames() {
        return BinaryFrames.DELIVER;
    }

    /** None: a route keeps the node's limits. */
    @Override
    public Optional<ConnectionLimits> cloudLimits() {
        return Optional.empty();
    }

    /** Builds {@link TencentDialectConfig}; every setter has the route's YAML key of the same name. */
    public static final class Builder {
        private String serviceId = DEFAULT_SERVICE_ID;
        private String transferAction = DEFAULT_TRANSFER_ACTION;

        private Builder() {}

        /** {@code requestContext.serviceId} of every event (default {@value #DEFAULT_SERVICE_ID}). */
        public Builder serviceId(String value) {
            this.serviceId = value;
            return this;
        }

        /** {@code websocket.action} of message events: {@code data send} (default) or {@code data recv}. */
        public Builder transferAction(String value) {
            this.transferAction = value;
            return this;
        }

        /**
         * Builds the config.
         *
         * @throws ConfigException keyed relative to the route when the transfer action is neither
         *     {@value #DATA_SEND} nor {@value #DATA_RECV}
         */
        public TencentDialectConfig build() {
            if (!TRANSFER_ACTIONS.contains(transferAction)) {
                throw new ConfigException("transfer-action: '" + transferAction + "' (expected: one of "
                        + String.join(", ", TRANSFER_ACTIONS) + ")");
            }
            return new TencentDialectConfig(serviceId, transferAction);
        }
    }
}
