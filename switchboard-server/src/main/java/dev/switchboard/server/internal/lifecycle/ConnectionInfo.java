package dev.switchboard.server.internal.lifecycle;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one open connection, as the push API's {@code info} and the admin API show it.
 *
 * @param id the connection id
 * @param route the route's path
 * @param remoteAddress the client's IP address
 * @param userAgent the upgrade request's {@code User-Agent}, if any
 * @param subprotocol the negotiated subprotocol, if any
 * @param connectedAt when the handshake completed
 * @param lastActiveAt the last data message in either direction
 * @param context the context from registration, if any
 * @param groups the groups it is in, sorted
 * @param messagesIn messages received from the client
 * @param messagesOut messages sent to the client
 * @param bufferedBytes bytes queued for the client and not yet written to its socket
 * @param userId the connection's user, from a verified token or the registration answer, if any
 */
public record ConnectionInfo(
        String id,
        String route,
        String remoteAddress,
        @Nullable String userAgent,
        @Nullable String subprotocol,
        Instant connectedAt,
        Instant lastActiveAt,
        @Nullable ObjectNode context,
        List<String> groups,
        long messagesIn,
        long messagesOut,
        long bufferedBytes,
        @Nullable String userId) {}
