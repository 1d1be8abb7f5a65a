package dev.switchboard.core.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
 * @param headerLines the upgrade request's headers as sent: names in their original case, in
 *     order, repeated headers as separate lines
 * @param queryValues every value of each query string parameter, in order
 */
public record ConnectEvent(
        RequestContext requestContext,
        String connectionId,
        Map<String, String> headers,
        Map<String, String> query,
        String requestPath,
        @Nullable String requestedSubprotocols,
        @Nullable String requestedExtensions,
        List<Header> headerLines,
        Map<String, List<String>> queryValues)
        implements FunctionEvent {

    /** One request header line, its name as the client wrote it. */
    public record Header(String name, String value) {}

    public ConnectEvent {
        headerLines = List.copyOf(headerLines);
        // most requests have no query: an empty one needs no copy of its own
        queryValues = queryValues.isEmpty()
                ? Map.of()
                : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(queryValues));
    }

    /** A connect event whose header lines and query values are derived from the simple maps. */
    public ConnectEvent(
            RequestContext requestContext,
            String connectionId,
            Map<String, String> headers,
            Map<String, String> query,
            String requestPath,
            @Nullable String requestedSubprotocols,
            @Nullable String requestedExtensions) {
        this(
                requestContext,
                connectionId,
                headers,
                query,
                requestPath,
                requestedSubprotocols,
                requestedExtensions,
                lines(headers),
                values(query));
    }

    private static List<Header> lines(Map<String, String> headers) {
        List<Header> lines = new ArrayList<>(headers.size());
        headers.forEach((name, value) -> lines.add(new Header(name, value)));
        return lines;
    }

    private static Map<String, List<String>> values(Map<String, String> query) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        query.forEach((name, value) -> values.put(name, List.of(value)));
        return values;
    }
}
