package dev.switchboard.core.dialect;

/** Where a route's dialect sends a message a client sent. */
public sealed interface MessageRoute {

    /**
     * To the function of {@code routeKey}; when the route has none, to its default function
     * ({@code $default}), and when it has no default either, the dialect's
     * {@link Notice#NO_ROUTE} notice answers the client.
     */
    record Select(String routeKey) implements MessageRoute {}

    /** Nowhere: the connection closes with {@code code} and {@code reason} (the gateway closes it). */
    record Close(int code, String reason) implements MessageRoute {}
}
