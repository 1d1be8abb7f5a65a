package dev.switchboard.server.internal.push;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.ErrorCode;
import dev.switchboard.core.SwitchboardException;
import dev.switchboard.core.push.GroupNames;
import dev.switchboard.server.internal.lifecycle.Route;
import dev.switchboard.server.internal.presence.PresenceTracker;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /groups/{name}/presence?limit=&cursor=}: the users in a group with their connection
 * counts, on every node, paged by user id like the other admin lists (default 100, at most 1000
 * per answer). Nodes whose heartbeat stopped are named in {@code unreachableNodes}: their
 * connections count until a survivor takes them over and counts them out.
 */
final class PresenceApi {
    private final PresenceTracker presence;
    private final Collection<Route> routes;

    PresenceApi(PresenceTracker presence, Collection<Route> routes) {
        this.presence = presence;
        this.routes = List.copyOf(routes);
    }

    /**
     * The page of {@code group}'s users after {@code cursor}.
     *
     * @throws SwitchboardException (404, 4047) when no route counts presence in the group
     */
    CompletionStage<ObjectNode> users(String group, @Nullable String cursor, int limit) {
        GroupNames.validate(group, "group");
        if (!presence.tracks(group, routes)) {
            throw new SwitchboardException(
                    ErrorCode.PRESENCE_NOT_ENABLED,
                    "group " + PeerText.name(group) + ": no route counts presence in it (routes[].presence.groups)");
        }
        return presence.users(group).thenCombine(presence.silentNodes(), (users, silent) -> {
            Page<Map.Entry<String, Long>> page = Page.of(users.entrySet(), Map.Entry::getKey, cursor, limit);
            ObjectNode body = LocalPushes.ok();
            body.put("group", group);
            body.put("userCount", users.size());
            body.put(
                    "connectionCount",
                    users.values().stream().mapToLong(Long::longValue).sum());
            ArrayNode list = body.putArray("users");
            page.items()
                    .forEach(entry ->
                            list.addObject().put("userId", entry.getKey()).put("connections", entry.getValue()));
            body.put("nextCursor", page.nextCursor());
            ArrayNode unreachable = body.putArray("unreachableNodes");
            sorted(silent).forEach(unreachable::add);
            return body;
        });
    }

    private static List<String> sorted(Set<String> nodes) {
        List<String> list = new ArrayList<>(nodes);
        list.sort(null);
        return list;
    }
}
