package dev.switchboard.server.internal.push;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.json.Json;
import dev.switchboard.server.internal.lifecycle.ConnectionInfo;

/** The JSON form of a connection record, shared by {@code info} and the admin API. */
final class ConnectionJson {
    private ConnectionJson() {}

    static ObjectNode of(ConnectionInfo info) {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("secConnectionID", info.id());
        node.put("route", info.route());
        node.put("remoteAddress", info.remoteAddress());
        node.put("userAgent", info.userAgent());
        node.put("subprotocol", info.subprotocol());
        node.put("userId", info.userId());
        node.put("connectedAt", info.connectedAt().toString());
        node.put("lastActiveAt", info.lastActiveAt().toString());
        node.set(
                "context",
                info.context() == null
                        ? Json.mapper().nullNode()
                        : info.context().deepCopy());
        ArrayNode groups = node.putArray("groups");
        info.groups().forEach(groups::add);
        node.put("messagesIn", info.messagesIn());
        node.put("messagesOut", info.messagesOut());
        node.put("bufferedBytes", info.bufferedBytes());
        return node;
    }
}
