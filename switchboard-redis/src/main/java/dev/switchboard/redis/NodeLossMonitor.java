package dev.switchboard.redis;

import dev.switchboard.core.cluster.ClusterMember;
import dev.switchboard.core.cluster.ConnectionRecord;
import dev.switchboard.core.config.ClusterConfig;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds nodes whose heartbeat expired and takes each over on exactly one survivor: the first to
 * set the node's takeover lock invokes the cleanup of every connection the lost node held
 * ({@code closedBy: node-lost}), removes their records and memberships, and finally removes the
 * node. The lock is refreshed while cleanups are under way, so a slow cleanup function does not
 * hand the node to a second survivor.
 */
final class NodeLossMonitor {
    private static final Logger log = LoggerFactory.getLogger(NodeLossMonitor.class);
    private static final long WAIT_MILLIS = 2000;

    private final RedisLink link;
    private final ClusterConfig config;
    private final Set<String> takingOver = ConcurrentHashMap.newKeySet();
    private volatile @Nullable ClusterMember member;

    NodeLossMonitor(RedisLink link, ClusterConfig config) {
        this.link = link;
        this.config = config;
    }

    void start(ClusterMember self) {
        this.member = self;
    }

    private long lockMillis() {
        return Math.max(10_000, config.heartbeatTtl().toMillis() * 4);
    }

    /**
     * Reads which nodes are alive; when this node has been connected for longer than the TTL
     * (so the others had time to heartbeat), takes lost ones over. Runs on the cluster thread.
     */
    Set<String> refresh(ClusterMember self, RedisClusterAsyncCommands<String, String> redis, long connectedForNanos)
            throws RuntimeException {
        Set<String> live = new HashSet<>();
        live.add(self.nodeId());
        List<String> lost = new ArrayList<>();
        try {
            for (String node : redis.smembers(RedisKeys.NODES).get(WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                if (node.equals(self.nodeId())) {
                    continue;
                }
                if (redis.exists(RedisKeys.node(node)).get(WAIT_MILLIS, TimeUnit.MILLISECONDS) > 0) {
                    live.add(node);
                } else {
                    lost.add(node);
                }
            }
            for (String node : takingOver) {
                redis.pexpire(RedisKeys.takeover(node), lockMillis());
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the cluster's nodes: " + e, e);
        }
        if (connectedForNanos > config.heartbeatTtl().toNanos()) {
            lost.forEach(node -> tryTakeover(redis, node));
        }
        return Set.copyOf(live);
    }

    private void tryTakeover(RedisClusterAsyncCommands<String, String> redis, String node) {
        ClusterMember self = member;
        if (self == null || takingOver.contains(node)) {
            return;
        }
        String acquired;
        try {
            acquired = redis.set(
                            RedisKeys.takeover(node),
                            self.nodeId(),
                            SetArgs.Builder.nx().px(lockMillis()))
                    .get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            return;
        }
        if (!"OK".equals(acquired)) {
            return; // another survivor has it
        }
        takingOver.add(node);
        log.warn("cluster: node {} stopped heartbeating; cleaning up its connections", node);
        redis.smembers(RedisKeys.nodeConnections(node)).whenComplete((ids, error) -> {
            if (error != null) {
                release(redis, node, "cannot read its connections: " + error);
                return;
            }
            List<CompletableFuture<Void>> cleanups = new ArrayList<>();
            for (String id : ids) {
                cleanups.add(cleanUp(redis, self, node, id));
            }
            CompletableFuture.allOf(cleanups.toArray(CompletableFuture[]::new)).whenComplete((done, failed) -> {
                redis.srem(RedisKeys.NODES, node);
                redis.del(RedisKeys.nodeConnections(node));
                log.warn("cluster: node {} taken over: {} connections cleaned up", node, ids.size());
                release(redis, node, null);
            });
        });
    }

    private CompletableFuture<Void> cleanUp(
            RedisClusterAsyncCommands<String, String> redis, ClusterMember self, String node, String id) {
        return redis.hgetall(RedisKeys.connection(id))
                .toCompletableFuture()
                .thenCompose(hash -> {
                    ConnectionRecord record = RecordCodec.fromHash(id, hash);
                    if (record == null) {
                        redis.srem(RedisKeys.nodeConnections(node), id);
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    return self.cleanupLost(record)
                            .toCompletableFuture()
                            .thenCompose(cleaned -> redis.smembers(RedisKeys.connectionGroups(id)))
                            .thenAccept(groups -> RedisBackplane.removeRecord(
                                    redis, id, record.route(), node, new HashSet<>(groups)));
                })
                .exceptionally(error -> {
                    log.warn("cluster: cleanup of {} from lost node {} failed: {}", id, node, error.toString());
                    return null;
                });
    }

    private void release(RedisClusterAsyncCommands<String, String> redis, String node, @Nullable String problem) {
        if (problem != null) {
            log.warn("cluster: takeover of node {} stopped: {}", node, problem);
        }
        redis.del(RedisKeys.takeover(node));
        takingOver.remove(node);
    }
}
