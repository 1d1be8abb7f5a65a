package dev.switchboard.core.model;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A client asks to open a connection; sent to the registration function before the handshake
 * completes.
 *
 * @param requestContext where the request comes from
 * @param connectionId the id the connection will have if accepted
 * @param headers the upgrade request's headers, names in lower case, repeated headers joined
 *     with {@code ", "}
 * @param query the query string parameters (first value of each)
 * @param requestPath the request path without the query
 * @param requestedSubprotocols the client's {@code Sec-WebSocket-Protocol} header, if sent
 * @param requestedExtensions the client's {@code Sec-WebSocket-Extensions} header, if sent
 */
public record ConnectEvent(
        RequestContext requestContext,
        String connectionId,
        Map<String, String> headers,
        Map<String, String> query,
        String requestPath,
        @Nullable String requestedSubprotocols,
        @Nullable String requestedExtensions)
        implements FunctionEvent {}
