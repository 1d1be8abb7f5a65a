package dev.switchboard.server.internal.lifecycle;

import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.core.dialect.Dialect;
import dev.switchboard.core.function.FunctionInvoker;
import dev.switchboard.core.function.Invocation;
import dev.switchboard.core.model.FunctionEvent;
import dev.switchboard.core.model.RequestContext;
import dev.switchboard.server.internal.metrics.RouteMetrics;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * A route at run time: its config, its dialect and the invokers of its three functions (each
 * absent when the route does not configure it), and its meters.
 */
public record Route(
        RouteConfig config,
        Dialect dialect,
        @Nullable FunctionInvoker register,
        @Nullable FunctionInvoker transfer,
        @Nullable FunctionInvoker cleanup,
        RouteMetrics metrics) {

    /** The route's path. */
    public String path() {
        return config.path();
    }

    /** A request context for a new invocation about a connection from {@code sourceIp}. */
    public RequestContext requestContext(String sourceIp) {
        return new RequestContext(config.serviceId(), config.stage(), config.path(), sourceIp, RequestIds.next());
    }

    /** An invocation of {@code event} in this route's dialect, delivered on {@code loop}. */
    public Invocation invocation(FunctionEvent event, Duration timeout, ScheduledExecutorService loop) {
        return new Invocation(event, dialect.eventWriter(), timeout, loop);
    }
}
