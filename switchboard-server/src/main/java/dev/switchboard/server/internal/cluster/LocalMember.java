package dev.switchboard.server.internal.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.cluster.ClusterMember;
import dev.switchboard.core.cluster.ConnectionRecord;
import dev.switchboard.core.cluster.ForwardReply;
import dev.switchboard.core.model.CloseCause;
import dev.switchboard.core.model.ClosedBy;
import dev.switchboard.server.internal.client.ClientServices;
import dev.switchboard.server.internal.client.SessionHandover;
import dev.switchboard.server.internal.lifecycle.LiveConnection;
import dev.switchboard.server.internal.lifecycle.Route;
import dev.switchboard.server.internal.presence.PresenceTracker;
import dev.switchboard.server.internal.push.PushServices;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** This node as the backplane sees it: forwarded requests, live connections, lost-node cleanups. */
public final class LocalMember implements ClusterMember {
    private static final Logger log = LoggerFactory.getLogger(LocalMember.class);
    private static final CloseCause NODE_LOST = new CloseCause(CloseCause.ABNORMAL, "node lost", ClosedBy.NODE_LOST);

    private final ClientServices services;
    private final PushServices push;
    private final EventLoopGroup loops;

    public LocalMember(ClientServices services, PushServices push, EventLoopGroup loops) {
        this.services = services;
        this.push = push;
        this.loops = loops;
    }

    @Override
    public String nodeId() {
        return services.nodeId();
    }

    @Override
    public ForwardReply handleForwarded(ObjectNode request) {
        return push.handleForwarded(request);
    }

    /** A session handover waits on the session's event loop; everything else answers at once. */
    @Override
    public CompletionStage<ForwardReply> handleForwardedAsync(ObjectNode request) {
        JsonNode handover = request.get(SessionHandover.REQUEST);
        if (handover != null && handover.isObject()) {
            return SessionHandover.handle(services, handover);
        }
        JsonNode presence = request.get(PresenceTracker.FORWARDED);
        if (presence != null && presence.isObject()) {
            return CompletableFuture.completedFuture(services.presence().deliverForwarded(presence));
        }
        return CompletableFuture.completedFuture(handleForwarded(request));
    }

    @Override
    public Collection<Membership> liveConnections() {
        List<Membership> live = new ArrayList<>();
        for (LiveConnection connection : services.registry().all()) {
            live.add(new Membership(connection.record(nodeId()), Set.copyOf(connection.groups())));
        }
        return live;
    }

    @Override
    public Collection<Counted> presenceCounted() {
        return services.presence().counted(services.registry().all());
    }

    @Override
    public boolean movedAway(String id) {
        return services.moves().movedTo(id).isPresent();
    }

    /** The journal's leftovers ({@code state-dir}): in a cluster, cleaned up when the node registers. */
    @Override
    public Collection<ConnectionRecord> previousRun() {
        return services.journal().leftovers();
    }

    @Override
    public void cleanedUpElsewhere(String id) {
        services.journal().finished(id);
    }

    @Override
    public CompletionStage<Void> cleanupLost(ConnectionRecord record) {
        Route route = services.routes().get(record.route());
        if (route == null) {
            log.error(
                    "cluster: connection {} of lost node {} was on route {}, which this node does not serve;"
                            + " its cleanup cannot run here",
                    record.id(),
                    record.node(),
                    record.route());
            forgetIfOwn(record);
            return CompletableFuture.completedFuture(null);
        }
        EventLoop loop = loops.next();
        return services.cleanup()
                .dispatch(route, route.requestContext(record), record.id(), record.context(), NODE_LOST, loop)
                .whenComplete((done, error) -> forgetIfOwn(record));
    }

    /** A connection of this node's previous run leaves its journal once its cleanup is over. */
    private void forgetIfOwn(ConnectionRecord record) {
        if (record.node().equals(nodeId())) {
            services.journal().finished(record.id());
        }
    }
}
