package dev.switchboard.core.config;

import dev.switchboard.core.function.FunctionTarget;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The AWS API Gateway WebSocket dialect ({@code dialect: aws}): Lambda-proxy events, and message
 * functions chosen by route key. The route's {@code register}, {@code transfer} and
 * {@code cleanup} functions are its {@code $connect}, {@code $default} and {@code $disconnect}
 * route keys; the others are here.
 *
 * @param routeKeys message functions by route key, besides {@code $default}
 * @param routeSelectionExpression how a message's route key is chosen
 *     ({@code route-selection-expression})
 * @param routeResponse whether the {@code body} of a message function's response goes back to
 *     the client ({@code route-response})
 * @param apiId {@code requestContext.apiId} of every event ({@code api-id})
 * @param domainName {@code requestContext.domainName} ({@code domain-name}), or null for the push
 *     listener's own {@code host:port}
 * @param authorizer the REQUEST-type Lambda authorizer called before {@code $connect}
 *     ({@code authorizer}), or null for none
 */
public record AwsDialectConfig(
        Map<String, FunctionTarget> routeKeys,
        String routeSelectionExpression,
        boolean routeResponse,
        String apiId,
        @Nullable String domainName,
        @Nullable FunctionTarget authorizer)
        implements DialectConfig {
    /** The name of this dialect in YAML. */
    public static final String NAME = "aws";

    public static final String DEFAULT_ROUTE_SELECTION_EXPRESSION = "$request.body.action";
    public static final String DEFAULT_API_ID = "switchboard";
    /** AWS API Gateway's message size limit, the aws dialect's default. */
    public static final int MAX_MESSAGE_BYTES = 128 * 1024;
    /** AWS API Gateway's frame size limit, the aws dialect's default. */
    public static final int MAX_FRAME_BYTES = 32 * 1024;
    /** AWS API Gateway's idle timeout, the aws dialect's default. */
    public static final Duration IDLE_TIMEOUT = Duration.ofMinutes(10);
    /** AWS API Gateway's connection duration limit, the aws dialect's default. */
    public static final Duration MAX_LIFETIME = Duration.ofHours(2);

    private static final ConnectionLimits CLOUD_LIMITS =
            new ConnectionLimits(MAX_MESSAGE_BYTES, MAX_FRAME_BYTES, IDLE_TIMEOUT, MAX_LIFETIME);

    public AwsDialectConfig {
        routeKeys = Collections.unmodifiableMap(new LinkedHashMap<>(routeKeys));
    }

    /** No route keys besides the three functions, and the defaults. */
    public static AwsDialectConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this config. */
    public Builder toBuilder() {
        return new Builder()
                .routeKeys(routeKeys)
                .routeSelectionExpression(routeSelectionExpression)
                .routeResponse(routeResponse)
                .apiId(apiId)
                .domainName(domainName)
                .authorizer(authorizer);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Keep the connection: AWS answers the client with an error message instead. */
    @Override
    public OnTransferError defaultOnTransferError() {
        return OnTransferError.IGNORE;
    }

    /** Close with 1003, as AWS does. */
    @Override
    public BinaryFrames defaultBinaryFrames() {
        return BinaryFrames.CLOSE;
    }

    /** AWS API Gateway's own limits, whatever the node's {@code limits} say. */
    @Override
    public Optional<ConnectionLimits> cloudLimits() {
        return Optional.of(CLOUD_LIMITS);
    }

    /** Builds {@link AwsDialectConfig}; every setter has the route's YAML key of the same name. */
    public static final class Builder {
        private Map<String, FunctionTarget> routeKeys = new LinkedHashMap<>();
        private String routeSelectionExpression = DEFAULT_ROUTE_SELECTION_EXPRESSION;
        private boolean routeResponse;
        private String apiId = DEFAULT_API_ID;
        private @Nullable String domainName;
        private @Nullable FunctionTarget authorizer;

        private Builder() {}

        /**
         * Message functions by route key (besides {@code $default}, which is the route's
         * {@code transfer}); a message whose selected key has no function goes to
         * {@code $default}.
         */
        public Builder routeKeys(Map<String, FunctionTarget> value) {
            this.routeKeys = new LinkedHashMap<>(value);
            return this;
        }

        /** Adds the message function of {@code routeKey}. */
        public Builder routeKey(String routeKey, FunctionTarget target) {
            routeKeys.put(routeKey, target);
            return this;
        }

        /**
         * How a message's route key is chosen, {@code $request.body.<field>[.<field>…]} or a
         * template of {@code ${request.body.<field>}} parts (default
         * {@value #DEFAULT_ROUTE_SELECTION_EXPRESSION}). A body that is not JSON, or lacks a
         * field, selects {@code $default}.
         */
        public Builder routeSelectionExpression(String value) {
            this.routeSelectionExpression = value;
            return this;
        }

        /** Send the {@code body} of a message function's response to the client (default false). */
        public Builder routeResponse(boolean value) {
            this.routeResponse = value;
            return this;
        }

        /** {@code requestContext.apiId} of every event (default {@value #DEFAULT_API_ID}). */
        public Builder apiId(String value) {
            this.apiId = value;
            return this;
        }

        /**
         * {@code requestContext.domainName}, the host (and port) under which
         * {@code https://<domainName>/<stage>/@connections} reaches this node's push listener,
         * e.g. through a TLS proxy. Default: the push listener's own {@code host:port}, for
         * {@code http://}.
         */
        public Builder domainName(@Nullable String value) {
            this.domainName = value;
            return this;
        }

        /**
         * The REQUEST-type Lambda authorizer, called with API Gateway's authorizer event before
         * {@code $connect} (default: none). A policy that does not allow {@code execute-api:Invoke}
         * on the event's {@code methodArn} refuses the handshake with 403; a failure, a timeout (the
         * {@code register} timeout) or an answer that is not a policy, with 401. An allowed
         * connection's {@code principalId} and {@code context} are its events'
         * {@code requestContext.authorizer}.
         */
        public Builder authorizer(@Nullable FunctionTarget value) {
            this.authorizer = value;
            return this;
        }

        /**
         * Builds the config.
         *
         * @throws ConfigException keyed relative to the route when a route key starts with
         *     {@code $}, the expression does not parse, the api id is blank or the domain name is
         *     not a host
         */
        public AwsDialectConfig build() {
            for (String routeKey : routeKeys.keySet()) {
                if (routeKey.isEmpty() || routeKey.startsWith("$")) {
                    throw new ConfigException("route-keys." + routeKey
                            + ": not a route key (expected: $connect, $default, $disconnect, or a name without $)");
                }
            }
            try {
                RouteSelector.parse(routeSelectionExpression);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("route-selection-expression: " + e.getMessage());
            }
            if (apiId.isBlank()) {
                throw new ConfigException("api-id: empty (expected: a name such as abcdef1234)");
            }
            if (domainName != null && (domainName.isBlank() || domainName.contains("/"))) {
                throw new ConfigException("domain-name: '" + domainName
                        + "' (expected: a host name, optionally with :port, such as ws.example.com)");
            }
            return new AwsDialectConfig(
                    routeKeys, routeSelectionExpression, routeResponse, apiId, domainName, authorizer);
        }
    }
}
