package dev.switchboard.tests;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.StubFunctionServer.StubResponse;
import dev.switchboard.testkit.WsClient;
import java.net.URI;
import java.util.List;

/** What the cluster tests share: clients that join the group their URL names, and their ids. */
final class ClusterClients {
    private ClusterClients() {}

    /** A registration function that accepts and joins the group of {@code ?group=}, if any. */
    static StubResponse joinGroupOfQuery(JsonNode event) {
        var body = StubFunctionServer.json().put("errNo", 0).put("errMsg", "ok");
        String group = event.at("/queryString/group").asText("");
        if (!group.isEmpty()) {
            body.putArray("groups").add(group);
        }
        return StubResponse.json(body);
    }

    /**
     * Connects a client to {@code uri}, adds it to {@code clients} and returns the connection id
     * the registration function saw.
     */
    static String connect(StubFunctionServer functions, URI uri, List<WsClient> clients) {
        int before = functions.received("/register").size();
        clients.add(WsClient.open(uri));
        return functions
                .received("/register")
                .get(before)
                .at("/websocket/secConnectionID")
                .asText();
    }
}
