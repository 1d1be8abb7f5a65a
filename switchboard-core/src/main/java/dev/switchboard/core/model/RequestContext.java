package dev.switchboard.core.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What every event says about where it comes from: the route's service and stage, the
 * connection's path and source address, and this invocation's request id.
 *
 * @param serviceId the route's {@code service-id}
 * @param stage the route's {@code stage}
 * @param path the route's path
 * @param sourceIp the client's IP address
 * @param requestId unique per function invocation; also sent as a header
 * @param userAgent the client's {@code User-Agent}, when it sent one and the caller knows it
 * @param connectedAt when the connection was opened (for a connect event: when its handshake
 *     started), when the caller knows it
 * @param userId the connection's user, from a verified token or the registration answer, if any
 * @param claims the verified token's claims; only on a connect event of a route with token auth
 * @param authorizer what the AWS dialect's {@code $connect} authorizer allowed the connection with:
 *     its {@code principalId} and {@code context} entries, on every event of that connection
 */
public record RequestContext(
        String serviceId,
        String stage,
        String path,
        String sourceIp,
        String requestId,
        @Nullable String userAgent,
        @Nullable Instant connectedAt,
        @Nullable String userId,
        @Nullable ObjectNode claims,
        @Nullable ObjectNode authorizer) {

    /** A request context without an authorizer's answer. */
    public RequestContext(
            String serviceId,
            String stage,
            String path,
            String sourceIp,
            String requestId,
            @Nullable String userAgent,
            @Nullable Instant connectedAt,
            @Nullable String userId,
            @Nullable ObjectNode claims) {
        this(serviceId, stage, path, sourceIp, requestId, userAgent, connectedAt, userId, claims, null);
    }

    /** A request context without a user. */
    public RequestContext(
            String serviceId,
            String stage,
            String path,
            String sourceIp,
            String requestId,
            @Nullable String userAgent,
            @Nullable Instant connectedAt) {
        this(serviceId, stage, path, sourceIp, requestId, userAgent, connectedAt, null, null, null);
    }

    /** A request context without the client's user agent and connection time. */
    public RequestContext(String serviceId, String stage, String path, String sourceIp, String requestId) {
        this(serviceId, stage, path, sourceIp, requestId, null, null, null, null, null);
    }
}
