package dev.switchboard.server.internal.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.SwitchboardException;
import dev.switchboard.core.json.Json;
import dev.switchboard.core.model.Message;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The client's token refresh on a route with {@code auth}, the same in both dialects: a text
 * message that is exactly {@code {"action":"$refresh","token":"<jwt>"}}. It never reaches a
 * function; the gateway answers it with {@code {"action":"$refresh","errNo":0,"errMsg":"ok",
 * "expiresAt":…}} or with the errNo of the refusal. Any other message, including one that only
 * looks like it, goes to the functions as usual.
 */
public final class RefreshFrame {
    /** The {@code action} of a refresh message and of its answer. */
    public static final String ACTION = "$refresh";

    private static final byte[] MARKER = ("\"" + ACTION + "\"").getBytes(StandardCharsets.UTF_8);
    /** Room for the JSON around the token. */
    private static final int OVERHEAD_BYTES = 64;

    private RefreshFrame() {}

    /**
     * The token of {@code message} when it is a refresh message; null for any other message. A
     * message longer than a token of {@code maxTokenBytes} can be is never read as JSON here.
     */
    public static @Nullable String tokenOf(Message message, int maxTokenBytes) {
        byte[] payload = message.payload();
        if (message.type() != Message.Type.TEXT
                || payload.length > maxTokenBytes + OVERHEAD_BYTES
                || payload.length == 0
                || payload[0] != '{'
                || !contains(payload, MARKER)) {
            return null;
        }
        JsonNode root;
        try {
            root = Json.mapper().readTree(payload);
        } catch (IOException e) {
            return null;
        }
        if (root instanceof ObjectNode object
                && object.size() == 2
                && ACTION.equals(object.path("action").asText(null))
                && object.path("token").isTextual()) {
            return object.get("token").asText();
        }
        return null;
    }

    /** The answer to a refresh: ok with the new token's {@code exp}, or the refusal's errNo. */
    public static Message answer(@Nullable TokenExpiry renewed, @Nullable SwitchboardException refused) {
        ObjectNode body = Json.mapper().createObjectNode().put("action", ACTION);
        if (refused != null) {
            body.put("errNo", refused.code().errNo()).put("errMsg", refused.getMessage());
        } else {
            body.put("errNo", 0).put("errMsg", "ok");
            body.put(
                    "expiresAt",
                    renewed == null || renewed.expiresAt() == null
                            ? null
                            : renewed.expiresAt().toString());
        }
        return Message.text(body.toString());
    }

    private static boolean contains(byte[] payload, byte[] marker) {
        outer:
        for (int i = 0; i + marker.length <= payload.length; i++) {
            for (int j = 0; j < marker.length; j++) {
                if (payload[i + j] != marker[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
