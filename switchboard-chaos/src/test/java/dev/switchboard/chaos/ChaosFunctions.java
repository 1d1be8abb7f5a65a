package dev.switchboard.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.StubFunctionServer.StubResponse;

/**
 * The route's functions: a real HTTP server that records every registration, transfer and cleanup
 * with its request id and connection id. Registration accepts, keeps the client's key ({@code ?c=})
 * in the context and joins the groups of {@code ?g=} (comma-separated).
 */
final class ChaosFunctions implements AutoCloseable {
    private final StubFunctionServer server = StubFunctionServer.start().countOnly();
    private volatile History history;

    ChaosFunctions(History first) {
        this.history = first;
        server.on("/register", event -> {
            History history = this.history; // one run's history throughout the call
            String key = event.at("/queryString/c").asText("");
            if (!key.isEmpty()) {
                history.connIdByKey.put(key, connId(event));
            }
            history.registrations.add(new History.Registration(
                    key, connId(event), event.at("/requestContext/requestId").asText(), System.nanoTime()));
            ObjectNode body = StubFunctionServer.json().put("errNo", 0).put("errMsg", "ok");
            body.putObject("context").put("c", key);
            var groups = body.putArray("groups");
            for (String group : event.at("/queryString/g").asText("").split(",")) {
                if (!group.isEmpty()) {
                    groups.add(group);
                }
            }
            return StubResponse.json(body);
        });
        server.on("/transfer", event -> {
            this.history.transfers.add(new History.Transfer(
                    connId(event), event.at("/websocket/data").asText(), System.nanoTime()));
            return StubResponse.ok();
        });
        server.on("/cleanup", event -> {
            this.history.cleanups.add(new History.Cleanup(
                    connId(event),
                    event.at("/requestContext/requestId").asText(),
                    event.path("closedBy").asText(),
                    event.path("closeCode").asInt(),
                    System.nanoTime()));
            return StubResponse.ok();
        });
    }

    private static String connId(JsonNode event) {
        return event.at("/websocket/secConnectionID").asText();
    }

    /** Records the calls from now on in {@code history}: the next run on the same cluster. */
    void recordIn(History history) {
        this.history = history;
    }

    /** The base URL the nodes' routes call. */
    String url() {
        return server.url("");
    }

    @Override
    public void close() {
        server.close();
    }
}
