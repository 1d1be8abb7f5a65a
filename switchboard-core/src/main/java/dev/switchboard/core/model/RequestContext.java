package dev.switchboard.core.model;

/**
 * What every event says about where it comes from: the route's service and stage, the
 * connection's path and source address, and this invocation's request id.
 *
 * @param serviceId the route's {@code service-id}
 * @param stage the route's {@code stage}
 * @param path the route's path
 * @param sourceIp the client's IP address
 * @param requestId unique per function invocation; also sent as a header
 */
public record RequestContext(String serviceId, String stage, String path, String sourceIp, String requestId) {}
