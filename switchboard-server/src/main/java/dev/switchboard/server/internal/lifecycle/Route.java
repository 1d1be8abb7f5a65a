package dev.switchboard.server.internal.lifecycle;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.cluster.ConnectionRecord;
import dev.switchboard.core.config.ConnectionLimits;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.core.config.TencentDialectConfig;
import dev.switchboard.core.dialect.Dialect;
import dev.switchboard.core.function.FunctionInvoker;
import dev.switchboard.core.function.Invocation;
import dev.switchboard.core.model.FunctionEvent;
import dev.switchboard.core.model.MessageEvent;
import dev.switchboard.core.model.RequestContext;
import dev.switchboard.server.internal.auth.TokenAuth;
import dev.switchboard.server.internal.metrics.RouteMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * A route at run time: its config, its dialect, the invokers of its functions (each absent when
 * the route does not configure it), the limits of its connections, the count of them it holds
 * against its {@code max-connections}, and its meters.
 *
 * @param transfer the default message function (route key {@code $default})
 * @param routeKeyFunctions the message functions of other route keys (AWS dialect)
 * @param auth the route's token auth, or null when it has none
 * @param authorizer the AWS dialect's {@code $connect} authorizer, or null when it has none
 */
public record Route(
        RouteConfig config,
        Dialect dialect,
        @Nullable FunctionInvoker register,
        @Nullable FunctionInvoker transfer,
        @Nullable FunctionInvoker cleanup,
        Map<String, FunctionInvoker> routeKeyFunctions,
        ConnectionLimits limits,
        RouteCapacity capacity,
        RouteMetrics metrics,
        @Nullable TokenAuth auth,
        @Nullable FunctionInvoker authorizer) {

    /**
     * The function that takes messages of {@code routeKey}, and the key it is known by: its own,
     * or {@code $default} when only the default function takes it.
     *
     * @param invoker null when no function takes the message
     */
    public record MessageTarget(String routeKey, @Nullable FunctionInvoker invoker) {}

    public Route {
        routeKeyFunctions = Map.copyOf(routeKeyFunctions);
    }

    /** The route's path. */
    public String path() {
        return config.path();
    }

    /** The function for messages with {@code routeKey}, falling back to the default one. */
    public MessageTarget messageTarget(String routeKey) {
        FunctionInvoker invoker = routeKeyFunctions.get(routeKey);
        return invoker != null
                ? new MessageTarget(routeKey, invoker)
                : new MessageTarget(MessageEvent.DEFAULT_ROUTE_KEY, transfer);
    }

    /** A request context for a new invocation about a connection from {@code sourceIp}. */
    public RequestContext requestContext(String sourceIp) {
        return requestContext(sourceIp, null, null);
    }

    /** A request context for a new invocation about a connection of which more is known. */
    public RequestContext requestContext(String sourceIp, @Nullable String userAgent, @Nullable Instant connectedAt) {
        return requestContext(sourceIp, userAgent, connectedAt, null, null);
    }

    /** A request context that names the connection's user and, for a connect event, its token's claims. */
    public RequestContext requestContext(
            String sourceIp,
            @Nullable String userAgent,
            @Nullable Instant connectedAt,
            @Nullable String userId,
            @Nullable ObjectNode claims) {
        return requestContext(sourceIp, userAgent, connectedAt, userId, claims, null);
    }

    /**
     * A request context for the cleanup of a connection known only by its record (a lost node's,
     * or a previous run's): its user and what its authorizer allowed it with, as it had them.
     */
    public RequestContext requestContext(ConnectionRecord record) {
        return requestContext(
                record.remoteAddress(),
                record.userAgent(),
                Instant.ofEpochMilli(record.connectedAt()),
                record.userId(),
                null,
                record.authorizer());
    }

    /** A request context that also carries what the route's authorizer allowed the connection with. */
    public RequestContext requestContext(
            String sourceIp,
            @Nullable String userAgent,
            @Nullable Instant connectedAt,
            @Nullable String userId,
            @Nullable ObjectNode claims,
            @Nullable ObjectNode authorizer) {
        return new RequestContext(
                config.dialect() instanceof TencentDialectConfig tencent
                        ? tencent.serviceId()
                        : TencentDialectConfig.DEFAULT_SERVICE_ID,
                config.stage(),
                config.path(),
                sourceIp,
                RequestIds.next(),
                userAgent,
                connectedAt,
                userId,
                claims,
                authorizer);
    }

    /** An invocation of {@code event} in this route's dialect, delivered on {@code loop}. */
    public Invocation invocation(FunctionEvent event, Duration timeout, ScheduledExecutorService loop) {
        return new Invocation(event, dialect.eventWriter(), timeout, loop);
    }
}
