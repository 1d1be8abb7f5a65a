package dev.switchboard.runtimes.java.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.json.Json;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The transfer function of the embedded default route {@code /echo}: replies to every message
 * with the same message (text stays text, binary stays binary). Non-blocking, so it runs on the
 * connection's event loop.
 */
public final class Echo {
    /** Replies with the message it received. */
    public CompletionStage<JsonNode> transfer(JsonNode event) {
        JsonNode websocket = event.path("websocket");
        ObjectNode response = Json.mapper().createObjectNode();
        response.putObject("reply")
                .put("dataType", websocket.path("dataType").asText("text"))
                .put("data", websocket.path("data").asText(""));
        return CompletableFuture.completedFuture(response);
    }
}
