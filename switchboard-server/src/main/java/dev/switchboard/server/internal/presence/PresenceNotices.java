package dev.switchboard.server.internal.presence;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.cluster.ClusterBackplane;
import dev.switchboard.core.config.PresenceConfig;
import dev.switchboard.core.json.Json;
import dev.switchboard.core.model.PresenceEvent.Change;
import dev.switchboard.server.internal.lifecycle.GroupRegistry;
import dev.switchboard.server.internal.lifecycle.LiveConnection;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a presence frame to a group's members: those on this node at once, those on other nodes
 * through their own node ({@value #REQUEST} requests). A member whose route has presence events
 * off for the group receives nothing.
 */
final class PresenceNotices {
    /** The cluster request that carries a presence frame to another node's members. */
    static final String REQUEST = "presence-notice";

    private static final Logger log = LoggerFactory.getLogger(PresenceNotices.class);

    private final GroupRegistry groups;
    private final @Nullable ClusterBackplane backplane;
    private final Duration forwardTimeout;
    private final String nodeId;

    PresenceNotices(
            GroupRegistry groups, @Nullable ClusterBackplane backplane, Duration forwardTimeout, String nodeId) {
        this.groups = groups;
        this.backplane = backplane;
        this.forwardTimeout = forwardTimeout;
        this.nodeId = nodeId;
    }

    /** Sends the frame to every member of {@code group}, on every node. */
    void announce(String group, String userId, Change change) {
        deliverHere(group, userId, change);
        if (backplane == null) {
            return;
        }
        ObjectNode request = Json.mapper().createObjectNode();
        request.putObject(REQUEST).put("group", group).put("userId", userId).put("event", change.wireName());
        backplane.currentMembers().whenComplete((members, error) -> {
            for (String node : error == null ? members : backplane.members()) {
                if (node.equals(nodeId)) {
                    continue;
                }
                backplane.forward(node, request, forwardTimeout).whenComplete((reply, failed) -> {
                    if (failed != null) {
                        log.warn(
                                "presence: {} frame of group {} not delivered on node {}: {}",
                                change.wireName(),
                                group,
                                node,
                                failed.toString());
                    }
                });
            }
        });
    }

    /** Sends the frame to this node's members of {@code group}; returns how many got it. */
    int deliverHere(String group, String userId, Change change) {
        int sent = 0;
        for (LiveConnection member : groups.members(group)) {
            PresenceConfig config = member.route().config().presence();
            if (config != null && config.events() && config.covers(group)) {
                member.send(PresenceFrames.of(member.route(), change, group, userId));
                sent++;
            }
        }
        return sent;
    }
}
