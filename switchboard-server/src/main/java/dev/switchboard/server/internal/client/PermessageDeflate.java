package dev.switchboard.server.internal.client;

import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionUtil;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Negotiates {@code permessage-deflate} by hand, after the registration function allowed it:
 * Netty's extension handler decides while reading the request, before the function has spoken.
 */
final class PermessageDeflate {
    private static final int COMPRESSION_LEVEL = 6;

    private PermessageDeflate() {}

    /**
     * The extension to install, or null when the client did not offer {@code permessage-deflate}
     * with parameters we accept. Inflated messages are capped at {@code maxMessageBytes}.
     */
    static @Nullable WebSocketServerExtension negotiate(@Nullable String offered, int maxMessageBytes) {
        if (offered == null) {
            return null;
        }
        PerMessageDeflateServerExtensionHandshaker handshaker = new PerMessageDeflateServerExtensionHandshaker(
                COMPRESSION_LEVEL, true, 15, false, false, maxMessageBytes);
        for (WebSocketExtensionData data : WebSocketExtensionUtil.extractExtensions(offered)) {
            WebSocketServerExtension extension = handshaker.handshakeExtension(data);
            if (extension != null) {
                return extension;
            }
        }
        return null;
    }

    /** The {@code Sec-WebSocket-Extensions} response value for {@code extension}. */
    static String responseHeader(WebSocketServerExtension extension) {
        WebSocketExtensionData data = extension.newReponseData();
        StringBuilder header = new StringBuilder(data.name());
        for (Map.Entry<String, String> parameter : data.parameters().entrySet()) {
            header.append("; ").append(parameter.getKey());
            if (parameter.getValue() != null) {
                header.append('=').append(parameter.getValue());
            }
        }
        return header.toString();
    }
}
