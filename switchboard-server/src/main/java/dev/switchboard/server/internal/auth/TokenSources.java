package dev.switchboard.server.internal.auth;

import dev.switchboard.core.ErrorCode;
import dev.switchboard.core.SwitchboardException;
import dev.switchboard.core.config.AuthConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Finds the token in an upgrade request: the {@code Authorization: Bearer} header first, then a
 * {@code Sec-WebSocket-Protocol} entry with the route's prefix, then the query parameter.
 */
final class TokenSources {
    private static final String BEARER = "bearer ";

    private final AuthConfig config;

    TokenSources(AuthConfig config) {
        this.config = config;
    }

    /** The token the request carries; refuses a request with none (4012) or a too long one (4013). */
    String find(HttpRequest request) {
        String token = fromHeader(request);
        if (token == null) {
            token = fromSubprotocol(request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL));
        }
        if (token == null) {
            token = fromQuery(request.uri());
        }
        if (token == null || token.isEmpty()) {
            throw new SwitchboardException(ErrorCode.TOKEN_INVALID, "no token (expected: " + expected() + ")");
        }
        if (token.length() > config.maxTokenBytes()) {
            throw new SwitchboardException(
                    ErrorCode.TOKEN_TOO_LARGE,
                    "token of " + token.length() + " bytes is longer than auth.max-token-bytes ("
                            + config.maxTokenBytes() + ")");
        }
        return token;
    }

    /** True when {@code subprotocol} is a token entry, which is never chosen as the subprotocol. */
    boolean isTokenEntry(String subprotocol) {
        return !config.subprotocolPrefix().isEmpty() && subprotocol.trim().startsWith(config.subprotocolPrefix());
    }

    private @Nullable String fromHeader(HttpRequest request) {
        if (!config.authorizationHeader()) {
            return null;
        }
        String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (header == null
                || header.length() < BEARER.length()
                || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        return header.substring(BEARER.length()).trim();
    }

    private @Nullable String fromSubprotocol(@Nullable String protocols) {
        if (protocols == null || config.subprotocolPrefix().isEmpty()) {
            return null;
        }
        for (String entry : protocols.split(",")) {
            if (isTokenEntry(entry)) {
                return entry.trim().substring(config.subprotocolPrefix().length());
            }
        }
        return null;
    }

    private @Nullable String fromQuery(String uri) {
        if (config.queryParameter().isEmpty()) {
            return null;
        }
        List<String> values = new QueryStringDecoder(uri).parameters().get(config.queryParameter());
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private String expected() {
        StringBuilder sources = new StringBuilder();
        if (config.authorizationHeader()) {
            sources.append("Authorization: Bearer");
        }
        if (!config.subprotocolPrefix().isEmpty()) {
            sources.append(sources.isEmpty() ? "" : ", ")
                    .append("a Sec-WebSocket-Protocol entry ")
                    .append(config.subprotocolPrefix())
                    .append("<token>");
        }
        if (!config.queryParameter().isEmpty()) {
            sources.append(sources.isEmpty() ? "" : ", ")
                    .append("query parameter ")
                    .append(config.queryParameter());
        }
        return sources.toString();
    }
}
