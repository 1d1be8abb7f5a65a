package dev.switchboard.server.internal.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.ErrorCode;
import dev.switchboard.core.SwitchboardException;
import dev.switchboard.core.cluster.ClusterBackplane;
import dev.switchboard.core.cluster.ConnectionRecord;
import dev.switchboard.core.dialect.tencent.TencentPushParser;
import dev.switchboard.core.json.Json;
import dev.switchboard.core.model.CloseCause;
import dev.switchboard.core.model.ClosedBy;
import dev.switchboard.core.model.ConnectionId;
import dev.switchboard.core.push.GroupNames;
import dev.switchboard.core.push.PushCommand;
import dev.switchboard.server.internal.lifecycle.ConnectionRegistry;
import dev.switchboard.server.internal.lifecycle.GroupRegistry;
import dev.switchboard.server.internal.lifecycle.LiveConnection;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The admin endpoints on the push listener: list, show and close connections, list groups and
 * their members, list a user's connections. Lists are paged with {@code limit} (default 100, at most 1000) and the opaque
 * {@code cursor} of the previous page's {@code nextCursor}. In a cluster they cover every node:
 * ids and groups come from the backplane, a connection of another node is shown or closed by
 * its own node, and listed records of other nodes carry what the backplane holds (no live
 * counters: {@code lastActiveAt}, {@code messagesIn}, {@code messagesOut} are null).
 */
final class AdminApi {
    static final CloseCause KICKED = new CloseCause(CloseCause.NORMAL, "closed by admin", ClosedBy.ADMIN);

    private final ConnectionRegistry registry;
    private final GroupRegistry groups;
    private final @Nullable ClusterBackplane backplane;
    private final PushRouter router;
    private final String nodeId;
    private final PresenceApi presence;

    AdminApi(
            ConnectionRegistry registry,
            GroupRegistry groups,
            @Nullable ClusterBackplane backplane,
            PushRouter router,
            String nodeId,
            PresenceApi presence) {
        this.presence = presence;
        this.registry = registry;
        this.groups = groups;
        this.backplane = backplane;
        this.router = router;
        this.nodeId = nodeId;
    }

    /** {@code GET /connections?route=&group=&limit=&cursor=}. */
    CompletionStage<ObjectNode> listConnections(QueryStringDecoder query) {
        String route = parameter(query, "route");
        String group = parameter(query, "group");
        if (group != null) {
            GroupNames.validate(group, "group");
        }
        String cursor = parameter(query, "cursor");
        int limit = Page.limit(parameter(query, "limit"));
        if (backplane == null) {
            Iterable<LiveConnection> source = group == null ? registry.all() : groups.members(group);
            List<LiveConnection> matching = new ArrayList<>();
            for (LiveConnection connection : source) {
                if (route == null || connection.route().path().equals(route)) {
                    matching.add(connection);
                }
            }
            Page<LiveConnection> page = Page.of(matching, LiveConnection::id, cursor, limit);
            ObjectNode body = LocalPushes.ok();
            ArrayNode list = body.putArray("connections");
            page.items().forEach(connection -> list.add(ConnectionJson.of(connection.info())));
            body.put("nextCursor", page.nextCursor());
            return CompletableFuture.completedFuture(body);
        }
        CompletionStage<Set<String>> ids = route != null && group != null
                ? backplane.connectionIds(route, null).thenCombine(backplane.connectionIds(null, group), (a, b) -> {
                    Set<String> both = new HashSet<>(a);
                    both.retainAll(b);
                    return both;
                })
                : backplane.connectionIds(route, group);
        return ids.thenCompose(all -> {
            Page<String> page = Page.of(all, Function.identity(), cursor, limit);
            return records(page.items()).thenApply(records -> {
                ObjectNode body = LocalPushes.ok();
                body.set("connections", records);
                body.put("nextCursor", page.nextCursor());
                return body;
            });
        });
    }

    /** Records of {@code ids}: live ones for this node's, the backplane's for the others. */
    private CompletionStage<ArrayNode> records(List<String> ids) {
        List<String> remote = new ArrayList<>();
        for (String id : ids) {
            if (registry.find(id).isEmpty()) {
                remote.add(id);
            }
        }
        return backplane.records(remote).thenCombine(backplane.groupsOf(remote), (records, memberships) -> {
            Map<String, ConnectionRecord> byId = new java.util.HashMap<>();
            records.forEach(record -> byId.put(record.id(), record));
            ArrayNode list = Json.mapper().createArrayNode();
            for (String id : ids) {
                Optional<LiveConnection> here = registry.find(id);
                if (here.isPresent()) {
                    list.add(ConnectionJson.of(here.get().info()));
                } else if (byId.containsKey(id)) {
                    list.add(recordJson(byId.get(id), memberships.getOrDefault(id, Set.of())));
                }
            }
            return list;
        });
    }

    private static ObjectNode recordJson(ConnectionRecord record, Set<String> groups) {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("secConnectionID", record.id());
        node.put("route", record.route());
        node.put("node", record.node());
        node.put("remoteAddress", record.remoteAddress());
        node.put("userAgent", record.userAgent());
        node.put("subprotocol", record.subprotocol());
        node.put("userId", record.userId());
        node.put("connectedAt", Instant.ofEpochMilli(record.connectedAt()).toString());
        node.putNull("lastActiveAt");
        node.set("context", record.context() == null ? Json.mapper().nullNode() : record.context());
        ArrayNode list = node.putArray("groups");
        groups.stream().sorted().forEach(list::add);
        node.putNull("messagesIn");
        node.putNull("messagesOut");
        node.putNull("bufferedBytes");
        return node;
    }

    /** {@code GET /connections/{id}}. */
    CompletionStage<PushReply> showConnection(String id) {
        String owner = ConnectionId.nodeOf(id).orElse(nodeId);
        if (backplane != null && !owner.equals(nodeId)) {
            ObjectNode info = Json.mapper().createObjectNode();
            info.putObject("websocket").put("action", "info").put("secConnectionID", id);
            return router.forward(owner, info);
        }
        ObjectNode body = LocalPushes.ok();
        body.set("connection", ConnectionJson.of(find(id).info()));
        return CompletableFuture.completedFuture(PushReply.ok(body));
    }

    /** {@code DELETE /connections/{id}}: closes it with 1000; its cleanup says {@code admin}. */
    CompletionStage<PushReply> closeConnection(String id) {
        String owner = ConnectionId.nodeOf(id).orElse(nodeId);
        if (backplane != null && !owner.equals(nodeId)) {
            ObjectNode request = Json.mapper().createObjectNode().put("admin-close", id);
            return router.forwardRequest(owner, request);
        }
        return CompletableFuture.completedFuture(closeHere(id));
    }

    /** Closes a connection of this node for an admin (also on behalf of another node). */
    PushReply closeHere(String id) {
        try {
            find(id).close(KICKED);
            return PushReply.ok(LocalPushes.ok());
        } catch (SwitchboardException e) {
            return PushReply.of(e);
        }
    }

    /** {@code GET /groups?limit=&cursor=}: names and sizes. */
    CompletionStage<ObjectNode> listGroups(QueryStringDecoder query) {
        String cursor = parameter(query, "cursor");
        int limit = Page.limit(parameter(query, "limit"));
        CompletionStage<List<Map.Entry<String, Long>>> sizes = backplane == null
                ? CompletableFuture.completedFuture(groups.sizes().stream()
                        .map(entry -> Map.entry(entry.getKey(), (long) entry.getValue()))
                        .toList())
                : backplane.groups().thenApply(map -> List.copyOf(map.entrySet()));
        return sizes.thenApply(all -> {
            Page<Map.Entry<String, Long>> page = Page.of(all, Map.Entry::getKey, cursor, limit);
            ObjectNode body = LocalPushes.ok();
            ArrayNode list = body.putArray("groups");
            page.items()
                    .forEach(entry ->
                            list.addObject().put("name", entry.getKey()).put("size", entry.getValue()));
            body.put("nextCursor", page.nextCursor());
            return body;
        });
    }

    /** {@code GET /groups/{name}?limit=&cursor=}: the members' ids. */
    CompletionStage<ObjectNode> showGroup(String name, QueryStringDecoder query) {
        GroupNames.validate(name, "group");
        String cursor = parameter(query, "cursor");
        int limit = Page.limit(parameter(query, "limit"));
        CompletionStage<Set<String>> members = backplane == null
                ? CompletableFuture.completedFuture(groups.members(name).stream()
                        .map(LiveConnection::id)
                        .collect(java.util.stream.Collectors.toSet()))
                : backplane.connectionIds(null, name);
        return members.thenApply(ids -> {
            if (ids.isEmpty()) {
                throw new SwitchboardException(
                        ErrorCode.GROUP_NOT_FOUND, "group " + name + ": unknown (it has no members)");
            }
            Page<String> page = Page.of(ids, Function.identity(), cursor, limit);
            ObjectNode body = LocalPushes.ok();
            body.put("name", name);
            body.put("size", ids.size());
            ArrayNode list = body.putArray("members");
            page.items().forEach(list::add);
            body.put("nextCursor", page.nextCursor());
            return body;
        });
    }

    /**
     * {@code GET /users/{id}?limit=&cursor=}: the user's connections on every node, as
     * {@code GET /connections} lists them, paged by connection id. A node that does not answer is
     * named in {@code unreachableNodes} of a 503 that carries what the others answered.
     */
    CompletionStage<PushReply> showUser(String userId, QueryStringDecoder query) {
        String cursor = parameter(query, "cursor");
        int limit = Page.limit(parameter(query, "limit"));
        ObjectNode body = Json.mapper().createObjectNode();
        body.putObject("websocket").put("action", "info").put("userId", userId);
        PushCommand command = TencentPushParser.parse(body);
        return router.route(command, body).thenApply(reply -> {
            if (!reply.body().has("connections")) {
                return reply;
            }
            List<JsonNode> all = new ArrayList<>();
            reply.body().get("connections").forEach(all::add);
            Page<JsonNode> page =
                    Page.of(all, node -> node.path("secConnectionID").asText(), cursor, limit);
            ObjectNode answer = reply.body().deepCopy();
            answer.put("userId", userId);
            answer.put("size", all.size());
            ArrayNode list = answer.putArray("connections");
            page.items().forEach(list::add);
            answer.put("nextCursor", page.nextCursor());
            return new PushReply(reply.status(), answer);
        });
    }

    /** {@code GET /groups/{name}/presence?limit=&cursor=}: its users and their connection counts. */
    CompletionStage<ObjectNode> presence(String name, QueryStringDecoder query) {
        return presence.users(name, parameter(query, "cursor"), Page.limit(parameter(query, "limit")));
    }

    private LiveConnection find(String id) {
        return registry.find(id)
                .orElseThrow(() -> new SwitchboardException(
                        ErrorCode.CONNECTION_GONE, "secConnectionID " + PeerText.name(id) + ": unknown or closed"));
    }

    private static @Nullable String parameter(QueryStringDecoder query, String name) {
        List<String> values = query.parameters().get(name);
        return values == null || values.isEmpty() || values.get(0).isEmpty() ? null : values.get(0);
    }
}
