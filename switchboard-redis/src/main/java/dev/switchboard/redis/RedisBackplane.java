package dev.switchboard.redis;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.cluster.ClusterBackplane;
import dev.switchboard.core.cluster.ClusterMember;
import dev.switchboard.core.cluster.ClusterUnavailableException;
import dev.switchboard.core.cluster.ConnectionRecord;
import dev.switchboard.core.cluster.ForwardReply;
import dev.switchboard.core.cluster.NodeGoneException;
import dev.switchboard.core.config.ClusterConfig;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster backplane on Redis. One scheduler thread heartbeats, watches the backplane's
 * health, re-registers this node's connections after an outage and takes over lost nodes;
 * everything else is asynchronous Lettuce commands that never block the caller.
 */
public final class RedisBackplane implements ClusterBackplane {
    private static final Logger log = LoggerFactory.getLogger(RedisBackplane.class);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

    private final ClusterConfig config;
    private final RedisLink link;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "switchboard-cluster");
        thread.setDaemon(true);
        return thread;
    });
    private final Forwarder forwarder;
    private final NodeLossMonitor lossMonitor;
    private volatile @Nullable ClusterMember member;
    private volatile boolean available;
    private volatile long connectedSinceNanos;
    private volatile Set<String> liveNodes = Set.of();

    public RedisBackplane(ClusterConfig config) {
        this.config = config;
        this.link = new RedisLink(config, COMMAND_TIMEOUT);
        this.forwarder = new Forwarder(link, scheduler);
        this.lossMonitor = new NodeLossMonitor(link, config);
    }

    @Override
    public void start(ClusterMember member) {
        this.member = member;
        forwarder.start(member);
        lossMonitor.start(member);
        long interval = config.heartbeatInterval().toNanos();
        tick();
        scheduler.scheduleWithFixedDelay(this::tickSafely, interval, interval, TimeUnit.NANOSECONDS);
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            log.warn("cluster heartbeat failed: {}", e.toString());
        }
    }

    /** Heartbeat, health, resync after an outage, live nodes, and node-loss detection. */
    private void tick() {
        ClusterMember self = member;
        if (self == null) {
            return;
        }
        if (!link.connect()) {
            markUnavailable("cannot connect to " + config.redis());
            return;
        }
        RedisClusterAsyncCommands<String, String> redis = link.commands();
        try {
            redis.set(
                            RedisKeys.node(self.nodeId()),
                            "alive",
                            SetArgs.Builder.px(config.heartbeatTtl().toMillis()))
                    .toCompletableFuture()
                    .get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            redis.sadd(RedisKeys.NODES, self.nodeId());
        } catch (Exception e) {
            markUnavailable(e.toString());
            return;
        }
        if (!available) {
            available = true;
            connectedSinceNanos = System.nanoTime();
            log.info("cluster backplane reachable at {}; registering this node's connections", config.redis());
            resync(self);
        }
        liveNodes = lossMonitor.refresh(self, redis, System.nanoTime() - connectedSinceNanos);
    }

    private void markUnavailable(String why) {
        if (available) {
            log.warn("cluster backplane unreachable ({}): local traffic continues, cross-node pushes answer 503", why);
        }
        available = false;
    }

    /** Writes this node's live connections and memberships again: the backplane may have lost them. */
    private void resync(ClusterMember self) {
        int count = 0;
        for (ClusterMember.Membership membership : self.liveConnections()) {
            opened(membership.record());
            for (String group : membership.groups()) {
                joined(membership.record().id(), group);
            }
            count++;
        }
        if (count > 0) {
            log.info("cluster: re-registered {} connections of this node", count);
        }
    }

    @Override
    public boolean available() {
        return available;
    }

    @Override
    public void opened(ConnectionRecord record) {
        if (!available) {
            return; // re-registered by the resync once the backplane is back
        }
        RedisClusterAsyncCommands<String, String> redis = link.commands();
        redis.hset(RedisKeys.connection(record.id()), RecordCodec.toHash(record));
        redis.sadd(RedisKeys.nodeConnections(record.node()), record.id());
        redis.sadd(RedisKeys.routeConnections(record.route()), record.id());
    }

    @Override
    public void closed(String connectionId, String route, Set<String> groups) {
        if (!available) {
            return;
        }
        RedisClusterAsyncCommands<String, String> redis = link.commands();
        removeRecord(redis, connectionId, route, member == null ? "" : member.nodeId(), groups);
    }

    static void removeRecord(
            RedisClusterAsyncCommands<String, String> redis, String id, String route, String node, Set<String> groups) {
        for (String group : groups) {
            redis.srem(RedisKeys.group(group), id);
        }
        redis.del(RedisKeys.connectionGroups(id));
        redis.del(RedisKeys.connection(id));
        redis.srem(RedisKeys.routeConnections(route), id);
        redis.srem(RedisKeys.nodeConnections(node), id);
    }

    @Override
    public void movedAway(String connectionId) {
        ClusterMember self = member;
        if (available && self != null) {
            // the new node adds it to its own set; the record and memberships stay (same id)
            link.commands().srem(RedisKeys.nodeConnections(self.nodeId()), connectionId);
        }
    }

    @Override
    public void joined(String connectionId, String group) {
        if (available) {
            link.commands().sadd(RedisKeys.group(group), connectionId);
            link.commands().sadd(RedisKeys.connectionGroups(connectionId), group);
        }
    }

    @Override
    public void left(String connectionId, String group) {
        if (available) {
            link.commands().srem(RedisKeys.group(group), connectionId);
            link.commands().srem(RedisKeys.connectionGroups(connectionId), group);
        }
    }

    @Override
    public CompletionStage<ForwardReply> forward(String node, ObjectNode request, Duration timeout) {
        if (!available) {
            return CompletableFuture.failedFuture(
                    new ClusterUnavailableException("cluster backplane unreachable: cannot reach node " + node));
        }
        if (!liveNodes.contains(node) && connectedLongerThanTtl()) {
            return CompletableFuture.failedFuture(new NodeGoneException(node));
        }
        return forwarder.send(node, request, timeout);
    }

    private boolean connectedLongerThanTtl() {
        return System.nanoTime() - connectedSinceNanos > config.heartbeatTtl().toNanos();
    }

    @Override
    public Set<String> liveNodes() {
        return liveNodes;
    }

    @Override
    public CompletionStage<Set<String>> connectionIds(@Nullable String route, @Nullable String group) {
        if (!available) {
            return unavailable();
        }
        RedisClusterAsyncCommands<String, String> redis = link.commands();
        if (group != null) {
            return redis.smembers(RedisKeys.group(group)).thenApply(HashSet::new);
        }
        if (route != null) {
            return redis.smembers(RedisKeys.routeConnections(route)).thenApply(HashSet::new);
        }
        Set<String> nodes = liveNodes;
        List<CompletableFuture<Set<String>>> parts = new ArrayList<>();
        for (String node : nodes) {
            parts.add(redis.smembers(RedisKeys.nodeConnections(node)).toCompletableFuture());
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(done -> {
            Set<String> ids = new HashSet<>();
            parts.forEach(part -> ids.addAll(part.join()));
            return ids;
        });
    }

    @Override
    public CompletionStage<List<ConnectionRecord>> records(List<String> ids) {
        if (!available) {
            return unavailable();
        }
        RedisClusterAsyncCommands<String, String> redis = link.commands();
        Map<String, CompletableFuture<Map<String, String>>> hashes = new LinkedHashMap<>();
        for (String id : ids) {
            hashes.put(id, redis.hgetall(RedisKeys.connection(id)).toCompletableFuture());
        }
        return CompletableFuture.allOf(hashes.values().toArray(CompletableFuture[]::new))
                .thenApply(done -> {
                    List<ConnectionRecord> records = new ArrayList<>();
                    hashes.forEach((id, hash) -> {
                        ConnectionRecord record = RecordCodec.fromHash(id, hash.join());
                        if (record != null) {
                            records.add(record);
                        }
                    });
                    return records;
                });
    }

    @Override
    public CompletionStage<Map<String, Set<String>>> groupsOf(List<String> ids) {
        if (!available) {
            return unavailable();
        }
        RedisClusterAsyncCommands<String, String> redis = link.commands();
        Map<String, CompletableFuture<Set<String>>> sets = new LinkedHashMap<>();
        for (String id : ids) {
            sets.put(id, redis.smembers(RedisKeys.connectionGroups(id)).toCompletableFuture());
        }
        return CompletableFuture.allOf(sets.values().toArray(CompletableFuture[]::new))
                .thenApply(done -> {
                    Map<String, Set<String>> groups = new HashMap<>();
                    sets.forEach((id, set) -> groups.put(id, set.join()));
                    return groups;
                });
    }

    @Override
    public CompletionStage<Map<String, Long>> groups() {
        if (!available) {
            return unavailable();
        }
        CompletableFuture<Map<String, Long>> result = new CompletableFuture<>();
        scanGroups(link.commands(), ScanCursor.INITIAL, new ConcurrentHashMap<>(), result);
        return result;
    }

    private void scanGroups(
            RedisClusterAsyncCommands<String, String> redis,
            ScanCursor cursor,
            Map<String, CompletableFuture<Long>> sizes,
            CompletableFuture<Map<String, Long>> result) {
        redis.scan(cursor, ScanArgs.Builder.matches(RedisKeys.GROUP_PATTERN).limit(1000))
                .whenComplete((KeyScanCursor<String> page, Throwable error) -> {
                    if (error != null) {
                        result.completeExceptionally(new ClusterUnavailableException("group scan failed: " + error));
                        return;
                    }
                    for (String key : page.getKeys()) {
                        sizes.put(RedisKeys.groupName(key), redis.scard(key).toCompletableFuture());
                    }
                    if (!page.isFinished()) {
                        scanGroups(redis, page, sizes, result);
                        return;
                    }
                    CompletableFuture.allOf(sizes.values().toArray(CompletableFuture[]::new))
                            .whenComplete((done, failed) -> {
                                Map<String, Long> groups = new HashMap<>();
                                sizes.forEach((name, size) -> {
                                    long count = size.isCompletedExceptionally() ? 0 : size.join();
                                    if (count > 0) {
                                        groups.put(name, count);
                                    }
                                });
                                result.complete(groups);
                            });
                });
    }

    private static <T> CompletionStage<T> unavailable() {
        return CompletableFuture.failedFuture(new ClusterUnavailableException("cluster backplane unreachable"));
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        ClusterMember self = member;
        if (self != null && available) {
            try {
                RedisClusterAsyncCommands<String, String> redis = link.commands();
                redis.srem(RedisKeys.NODES, self.nodeId()).get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                redis.del(RedisKeys.node(self.nodeId())).get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                log.warn("cluster: could not leave cleanly: {}", e.toString());
            }
        }
        forwarder.close();
        link.close();
    }
}
