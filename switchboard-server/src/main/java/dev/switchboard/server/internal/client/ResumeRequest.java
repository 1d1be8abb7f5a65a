package dev.switchboard.server.internal.client;

import dev.switchboard.core.config.ReliableConfig;
import dev.switchboard.server.internal.lifecycle.Route;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A handshake that asks to resume a reliable session: it offers {@code switchboard.reliable.v1}
 * and names the session, its current token and the last message the client has in the query
 * ({@code ?sb-session=<id>&sb-token=<token>&sb-seq=<n>}).
 *
 * @param sessionId the session's id (its {@code secConnectionID})
 * @param token the resume token the client holds
 * @param lastSeq the sequence number of the last message the client received in order
 * @param problem why the request cannot be honoured as sent, or null
 */
record ResumeRequest(
        String sessionId,
        String token,
        long lastSeq,
        @Nullable String problem) {
    static final String SESSION = "sb-session";
    static final String TOKEN = "sb-token";
    static final String SEQ = "sb-seq";

    /** The route's reliable sessions, when it has them and the client offers the subprotocol; else null. */
    static @Nullable ReliableConfig reliableOffered(Route route, HttpRequest request) {
        ReliableConfig reliable = route.config().reliable();
        if (reliable == null) {
            return null;
        }
        for (String offered : request.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL)) {
            for (String protocol : offered.split(",")) {
                if (protocol.trim().equals(ReliableConfig.SUBPROTOCOL)) {
                    return reliable;
                }
            }
        }
        return null;
    }

    /** The resume {@code request} asks for, or null when it opens a new connection. */
    static @Nullable ResumeRequest of(Route route, HttpRequest request) {
        if (reliableOffered(route, request) == null) {
            return null;
        }
        QueryStringDecoder query = new QueryStringDecoder(request.uri());
        String session = first(query, SESSION);
        if (session == null) {
            return null;
        }
        String token = first(query, TOKEN);
        String seq = first(query, SEQ);
        if (token == null) {
            return new ResumeRequest(session, "", 0, TOKEN + ": missing (expected: the session's resume token)");
        }
        long lastSeq;
        try {
            lastSeq = seq == null ? -1 : Long.parseLong(seq);
        } catch (NumberFormatException e) {
            lastSeq = -1;
        }
        if (lastSeq < 0) {
            return new ResumeRequest(
                    session,
                    token,
                    0,
                    SEQ + ": " + (seq == null ? "missing" : "'" + seq + "'")
                            + " (expected: the sequence number of the last message received, 0 for none)");
        }
        return new ResumeRequest(session, token, lastSeq, null);
    }

    private static @Nullable String first(QueryStringDecoder query, String name) {
        List<String> values = query.parameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
