package dev.switchboard.server.internal.push;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.ErrorCode;
import dev.switchboard.core.SwitchboardException;
import dev.switchboard.core.model.CloseCause;
import dev.switchboard.core.model.ClosedBy;
import dev.switchboard.core.push.GroupNames;
import dev.switchboard.server.internal.lifecycle.ConnectionRegistry;
import dev.switchboard.server.internal.lifecycle.GroupRegistry;
import dev.switchboard.server.internal.lifecycle.LiveConnection;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The admin endpoints on the push listener: list, show and close connections, list groups and
 * their members. Lists are paged with {@code limit} (default 100, at most 1000) and the opaque
 * {@code cursor} of the previous page's {@code nextCursor}.
 */
final class AdminApi {
    private static final CloseCause KICKED = new CloseCause(CloseCause.NORMAL, "closed by admin", ClosedBy.ADMIN);

    private final ConnectionRegistry registry;
    private final GroupRegistry groups;

    AdminApi(ConnectionRegistry registry, GroupRegistry groups) {
        this.registry = registry;
        this.groups = groups;
    }

    /** {@code GET /connections?route=&group=&limit=&cursor=}. */
    ObjectNode listConnections(QueryStringDecoder query) {
        String route = parameter(query, "route");
        String group = parameter(query, "group");
        Iterable<LiveConnection> source =
                group == null ? registry.all() : groups.members(GroupNames.validate(group, "group"));
        Iterable<LiveConnection> filtered = route == null
                ? source
                : () -> java.util.stream.StreamSupport.stream(source.spliterator(), false)
                        .filter(c -> c.route().path().equals(route))
                        .iterator();
        Page<LiveConnection> page = Page.of(
                filtered, LiveConnection::id, parameter(query, "cursor"), Page.limit(parameter(query, "limit")));
        ObjectNode body = PushExecutor.ok();
        ArrayNode connections = body.putArray("connections");
        page.items().forEach(connection -> connections.add(ConnectionJson.of(connection.info())));
        body.put("nextCursor", page.nextCursor());
        return body;
    }

    /** {@code GET /connections/{id}}. */
    ObjectNode showConnection(String id) {
        ObjectNode body = PushExecutor.ok();
        body.set("connection", ConnectionJson.of(find(id).info()));
        return body;
    }

    /** {@code DELETE /connections/{id}}: closes it with 1000; its cleanup says {@code admin}. */
    ObjectNode closeConnection(String id) {
        find(id).close(KICKED);
        return PushExecutor.ok();
    }

    /** {@code GET /groups?limit=&cursor=}: names and sizes. */
    ObjectNode listGroups(QueryStringDecoder query) {
        Page<Map.Entry<String, Integer>> page = Page.of(
                groups.sizes(), Map.Entry::getKey, parameter(query, "cursor"), Page.limit(parameter(query, "limit")));
        ObjectNode body = PushExecutor.ok();
        ArrayNode list = body.putArray("groups");
        page.items()
                .forEach(entry -> list.addObject().put("name", entry.getKey()).put("size", entry.getValue()));
        body.put("nextCursor", page.nextCursor());
        return body;
    }

    /** {@code GET /groups/{name}?limit=&cursor=}: the members' ids. */
    ObjectNode showGroup(String name, QueryStringDecoder query) {
        GroupNames.validate(name, "group");
        List<LiveConnection> members = List.copyOf(groups.members(name));
        if (members.isEmpty()) {
            throw new SwitchboardException(
                    ErrorCode.GROUP_NOT_FOUND, "group " + name + ": unknown (it has no members)");
        }
        Page<LiveConnection> page =
                Page.of(members, LiveConnection::id, parameter(query, "cursor"), Page.limit(parameter(query, "limit")));
        ObjectNode body = PushExecutor.ok();
        body.put("name", name);
        body.put("size", members.size());
        ArrayNode ids = body.putArray("members");
        page.items().stream()
                .map(LiveConnection::id)
                .collect(Collectors.toList())
                .forEach(ids::add);
        body.put("nextCursor", page.nextCursor());
        return body;
    }

    private LiveConnection find(String id) {
        return registry.find(id)
                .orElseThrow(() -> new SwitchboardException(
                        ErrorCode.CONNECTION_GONE, "secConnectionID " + id + ": unknown or closed"));
    }

    private static @Nullable String parameter(QueryStringDecoder query, String name) {
        List<String> values = query.parameters().get(name);
        return values == null || values.isEmpty() || values.get(0).isEmpty() ? null : values.get(0);
    }
}
