package dev.switchboard.server.internal.client;

import dev.switchboard.core.cluster.ClusterBackplane;
import dev.switchboard.core.config.LimitsConfig;
import dev.switchboard.server.StaticContent;
import dev.switchboard.server.internal.lifecycle.CleanupDispatcher;
import dev.switchboard.server.internal.lifecycle.ConnectionJournal;
import dev.switchboard.server.internal.lifecycle.ConnectionRegistry;
import dev.switchboard.server.internal.lifecycle.GroupRegistry;
import dev.switchboard.server.internal.lifecycle.Route;
import dev.switchboard.server.internal.lifecycle.UnfinishedConnections;
import dev.switchboard.server.internal.metrics.GatewayMetrics;
import dev.switchboard.server.internal.presence.PresenceTracker;
import dev.switchboard.server.internal.session.SessionMoves;
import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Ticker;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * What the client endpoint's handlers share: routes, limits, the registry, cleanup delivery, the
 * per-event-loop sweepers and the clock.
 *
 * @param nodeId this node's id, the prefix of every connection id
 * @param routes routes by exact path
 * @param unfinished connections accepted whose cleanup has not been dispatched yet
 * @param draining set when the node stops accepting connections
 * @param staticContent files served to plain GETs outside the routes, if any
 * @param backplane the cluster backplane, or null on a single node
 * @param presence who is in each group whose route has presence on
 * @param journal where accepted connections are recorded for crash recovery ({@code state-dir})
 * @param moves reliable sessions that moved to or are arriving from other cluster nodes
 */
public record ClientServices(
        String nodeId,
        LimitsConfig limits,
        Map<String, Route> routes,
        ConnectionRegistry registry,
        GroupRegistry groups,
        CleanupDispatcher cleanup,
        ConnectionLimiter limiter,
        Map<EventExecutor, ConnectionSweeper> sweepers,
        Ticker ticker,
        UnfinishedConnections unfinished,
        AtomicBoolean draining,
        @Nullable StaticContent staticContent,
        GatewayMetrics metrics,
        @Nullable ClusterBackplane backplane,
        ConnectionJournal journal,
        SessionMoves moves,
        PresenceTracker presence) {

    /** The sweeper of the event loop {@code channel} runs on. */
    ConnectionSweeper sweeper(Channel channel) {
        return sweepers.get(channel.eventLoop());
    }
}
