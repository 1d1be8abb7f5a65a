package dev.switchboard.core.cluster;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jspecify.annotations.Nullable;

/**
 * What the cluster knows of a connection: enough to list it, route to its node, and clean it up
 * if its node is lost.
 *
 * @param id the connection id (its prefix is the owning node)
 * @param node the node that holds it
 * @param route the route path
 * @param connectedAt epoch milliseconds of the handshake
 * @param remoteAddress the client's IP
 * @param userAgent the upgrade request's User-Agent, if any
 * @param subprotocol the negotiated subprotocol, if any
 * @param context the registration context, if any
 * @param userId the connection's user, if any; a record written before users were recorded has none
 * @param authorizer what the AWS dialect's {@code $connect} authorizer allowed the connection
 *     with ({@code requestContext.authorizer}), if anything
 */
public record ConnectionRecord(
        String id,
        String node,
        String route,
        long connectedAt,
        String remoteAddress,
        @Nullable String userAgent,
        @Nullable String subprotocol,
        @Nullable ObjectNode context,
        @Nullable String userId,
        @Nullable ObjectNode authorizer) {

    /** A record of a connection without a user. */
    public ConnectionRecord(
            String id,
            String node,
            String route,
            long connectedAt,
            String remoteAddress,
            @Nullable String userAgent,
            @Nullable String subprotocol,
            @Nullable ObjectNode context) {
        this(id, node, route, connectedAt, remoteAddress, userAgent, subprotocol, context, null, null);
    }
}
