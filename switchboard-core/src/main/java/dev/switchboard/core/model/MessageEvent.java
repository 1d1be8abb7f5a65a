package dev.switchboard.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/**
 * A client sent a message; sent to the transfer function.
 *
 * @param requestContext where the message comes from
 * @param connectionId the sender
 * @param message the message
 * @param context the connection's context from registration, if any
 * @param routeKey the route key whose function receives the message: what the route's
 *     dialect selected, or {@link #DEFAULT_ROUTE_KEY} when nothing more specific matched
 */
public record MessageEvent(
        RequestContext requestContext,
        String connectionId,
        Message message,
        @Nullable JsonNode context,
        String routeKey)
        implements FunctionEvent {

    /** The route key of a route's catch-all message function (its {@code transfer} function). */
    public static final String DEFAULT_ROUTE_KEY = "$default";

    /** A message for the route's default message function. */
    public MessageEvent(
            RequestContext requestContext, String connectionId, Message message, @Nullable JsonNode context) {
        this(requestContext, connectionId, message, context, DEFAULT_ROUTE_KEY);
    }
}
