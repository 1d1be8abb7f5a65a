package dev.switchboard.server.internal.presence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.cluster.ClusterBackplane;
import dev.switchboard.core.cluster.ClusterMember;
import dev.switchboard.core.cluster.ForwardReply;
import dev.switchboard.core.config.PresenceConfig;
import dev.switchboard.core.function.FunctionInvoker;
import dev.switchboard.core.function.Invocation;
import dev.switchboard.core.json.Json;
import dev.switchboard.core.model.PresenceEvent;
import dev.switchboard.core.model.PresenceEvent.Change;
import dev.switchboard.server.internal.lifecycle.CleanupDispatcher;
import dev.switchboard.server.internal.lifecycle.GroupRegistry;
import dev.switchboard.server.internal.lifecycle.LiveConnection;
import dev.switchboard.server.internal.lifecycle.PresenceHooks;
import dev.switchboard.server.internal.lifecycle.Route;
import dev.switchboard.server.internal.metrics.FunctionRole;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts who is in each group whose route has presence on, and announces each user's first join
 * and last leave: a frame to the group's members (when the route's {@code presence.events} is on)
 * and a call of the route's presence function, retried like a cleanup. A connection counts from
 * the moment it joins until it leaves the group or ends; its end is reported by its one cleanup,
 * so a connection of a lost node is counted out by the survivor that takes the node over.
 */
public final class PresenceTracker implements PresenceHooks {
    private static final Logger log = LoggerFactory.getLogger(PresenceTracker.class);

    private final PresenceLedger ledger;
    private final PresenceNotices notices;
    private final CleanupDispatcher delivery;
    private final Map<String, FunctionInvoker> functions;
    private final EventLoopGroup loops;

    /**
     * @param functions each route's presence function, by route path
     * @param forwardTimeout how long another node may take to take a presence frame for its members
     */
    public PresenceTracker(
            GroupRegistry groups,
            CleanupDispatcher delivery,
            @Nullable ClusterBackplane backplane,
            Map<String, FunctionInvoker> functions,
            EventLoopGroup loops,
            Duration forwardTimeout,
            String nodeId) {
        this.ledger = PresenceLedger.of(backplane);
        this.notices = new PresenceNotices(groups, backplane, forwardTimeout, nodeId);
        this.delivery = delivery;
        this.functions = Map.copyOf(functions);
        this.loops = loops;
    }

    /** True when some route counts presence in {@code group}. */
    public boolean tracks(String group, Iterable<Route> routes) {
        for (Route route : routes) {
            PresenceConfig config = route.config().presence();
            if (config != null && config.covers(group)) {
                return true;
            }
        }
        return false;
    }

    /** The users counted in {@code group}, each with its connections on every node. */
    public CompletionStage<Map<String, Long>> users(String group) {
        return ledger.users(group);
    }

    /** Nodes whose heartbeat stopped and whose connections are still counted until their takeover. */
    public CompletionStage<Set<String>> silentNodes() {
        return ledger.silentNodes();
    }

    /** The cluster request that carries a presence frame to another node's members of a group. */
    public static final String FORWARDED = PresenceNotices.REQUEST;

    /**
     * Delivers a presence frame another node sent ({@value #FORWARDED}) to this node's members
     * of its group; answers how many got it.
     */
    public ForwardReply deliverForwarded(JsonNode notice) {
        String group = notice.path("group").asText("");
        String userId = notice.path("userId").asText("");
        Change change = "leave".equals(notice.path("event").asText()) ? Change.LEAVE : Change.JOIN;
        int sent = notices.deliverHere(group, userId, change);
        ObjectNode body = Json.mapper().createObjectNode().put("errNo", 0).put("errMsg", "ok");
        return new ForwardReply(200, body.put("delivered", sent));
    }

    /** Of {@code connections}, those counted in presence: each with its user and its counted groups. */
    public List<ClusterMember.Counted> counted(Iterable<? extends LiveConnection> connections) {
        List<ClusterMember.Counted> counted = new ArrayList<>();
        for (LiveConnection connection : connections) {
            String user = connection.info().userId();
            if (user == null || connection.route().config().presence() == null) {
                continue;
            }
            List<String> groups = connection.groups().stream()
                    .filter(group -> covers(connection.route(), group))
                    .toList();
            if (!groups.isEmpty()) {
                counted.add(new ClusterMember.Counted(connection.id(), user, groups));
            }
        }
        return counted;
    }

    @Override
    public void joined(LiveConnection connection, String group) {
        Route route = connection.route();
        if (!covers(route, group)) {
            return;
        }
        String user = connection.info().userId();
        if (user == null) {
            return;
        }
        ledger.join(group, user, connection.id()).whenComplete((first, error) -> {
            if (error != null) {
                log.atWarn()
                        .addKeyValue("conn", connection.id())
                        .log("presence: join of group {} not counted: {}", group, error.toString());
            } else if (first) {
                announce(route, connection.id(), Change.JOIN, group, user, loops.next());
            }
        });
    }

    @Override
    public void left(LiveConnection connection, String group) {
        Route route = connection.route();
        if (covers(route, group)) {
            countOut(route, connection.id(), group, loops.next());
        }
    }

    @Override
    public CompletableFuture<Void> ended(Route route, String connectionId, EventLoop loop) {
        if (route.config().presence() == null) {
            return CompletableFuture.completedFuture(null);
        }
        return countOut(route, connectionId, null, loop);
    }

    private CompletableFuture<Void> countOut(Route route, String id, @Nullable String group, EventLoop loop) {
        return ledger.leave(id, group)
                .toCompletableFuture()
                .thenCompose(lasts -> {
                    List<CompletableFuture<Void>> calls = new ArrayList<>();
                    lasts.forEach((name, user) -> calls.add(announce(route, id, Change.LEAVE, name, user, loop)));
                    return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new));
                })
                .exceptionally(error -> {
                    log.atWarn().addKeyValue("conn", id).log("presence: leave not counted: {}", error.toString());
                    return null;
                });
    }

    private CompletableFuture<Void> announce(
            Route route, String connectionId, Change change, String group, String user, EventLoop loop) {
        PresenceConfig config = route.config().presence();
        log.atInfo()
                .addKeyValue("conn", connectionId)
                .addKeyValue("route", route.path())
                .log("presence: {} {} group {}", user, change.wireName(), group);
        if (config.events()) {
            notices.announce(group, user, change);
        }
        FunctionInvoker function = functions.get(route.path());
        if (function == null) {
            return CompletableFuture.completedFuture(null);
        }
        PresenceEvent event = new PresenceEvent(route.requestContext(""), connectionId, change, group, user);
        return delivery.deliver(
                route,
                function,
                new Invocation(event, new PresenceEventWriter(route.config().dialect()), config.timeout(), loop),
                FunctionRole.PRESENCE,
                connectionId);
    }

    private static boolean covers(Route route, String group) {
        PresenceConfig config = route.config().presence();
        return config != null && config.covers(group);
    }
}
