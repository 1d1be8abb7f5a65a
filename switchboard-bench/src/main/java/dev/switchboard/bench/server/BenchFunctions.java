package dev.switchboard.bench.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.json.Json;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * In-process registration functions for the gateway under test: non-blocking, so they run on
 * the connection's event loop like the built-in echo.
 */
public final class BenchFunctions {
    /** The group {@link #registerToGroup} joins. */
    public static final String GROUP = "bench";

    private static final ObjectNode ACCEPT =
            Json.mapper().createObjectNode().put("errNo", 0).put("errMsg", "ok");
    private static final ObjectNode ACCEPT_TO_GROUP = ACCEPT.deepCopy();

    static {
        ACCEPT_TO_GROUP.putArray("groups").add(GROUP);
    }

    /** Accepts every connection. */
    public CompletionStage<JsonNode> register(JsonNode event) {
        return CompletableFuture.completedFuture(ACCEPT);
    }

    /** Accepts every connection into the group {@value #GROUP}. */
    public CompletionStage<JsonNode> registerToGroup(JsonNode event) {
        return CompletableFuture.completedFuture(ACCEPT_TO_GROUP);
    }
}
