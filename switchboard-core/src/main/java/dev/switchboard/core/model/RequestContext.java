package dev.switchboard.core.model;

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
 */
public record RequestContext(
        String serviceId,
        String stage,
        String path,
        String sourceIp,
        String requestId,
        @Nullable String userAgent,
        @Nullable Instant connectedAt) {

    /** A request context without the client's user agent and connection time. */
    public RequestContext(String serviceId, String stage, String path, String sourceIp, String requestId) {
        this(serviceId, stage, path, sourceIp, requestId, null, null);
    }
}
