package dev.switchboard.redis;

import dev.switchboard.core.cluster.ClusterMember;
import dev.switchboard.core.cluster.ConnectionRecord;
import dev.switchboard.core.config.ClusterConfig;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds members whose heartbeat stopped and takes each over on exactly one survivor: the first to
 * set the node's takeover lock invokes the cleanup of every connection the lost node held
 * ({@code closedBy: node-lost}), removes their records and memberships, and finally declares the
 * node lost (to every member). The lock is refreshed while cleanups are under way, so a slow
 * cleanup function does not hand the node to a second survivor. A member whose heartbeat key is
 * missing but that this node saw alive within {@code heartbeat-ttl} is not lost: Redis may just
 * have forgotten the key (restart, failover, flush) and the node heartbeats again.
 */
final class NodeLossMonitor {
    private static final Logger log = LoggerFactory.getLogger(NodeLossMonitor.class);
    private static final long WAIT_MILLIS = 2000;

    private final RedisLink link;
    private final ClusterConfig config;
    private final Members members;
    private final Set<String> takingOver = ConcurrentHashMap.newKeySet();
    private final TakenOver takenOver = new TakenOver();
    private volatile @Nullable ClusterMember member;

    NodeLossMonitor(RedisLink link, ClusterConfig config, Members members) {
        this.link = link;
        this.config = config;
        this.members = members;
    }

    void start(ClusterMember self) {
        this.member = self;
    }

    private long lockMillis() {
        return Math.max(10_000, config.heartbeatTtl().toMillis() * 4);
    }

    /** How long a lost node's mark stays: members that missed the announcement forget it by then. */
    long lostMarkMillis() {
        return Math.max(60_000, config.heartbeatTtl().toMillis() * 12);
    }

    /**
     * Learns the registered nodes and which members heartbeat; when this node has been connected
     * for longer than the TTL (so the others had time to heartbeat), takes over members silent
     * for longer than the TTL. Runs on the cluster thread.
     */
    void refresh(ClusterMember self, RedisClusterAsyncCommands<String, String> redis, long connectedForNanos) {
        long now = System.nanoTime();
        List<String> silent = new ArrayList<>();
        try {
            Set<String> registered = redis.smembers(RedisKeys.NODES).get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
            registered.remove(self.nodeId());
            members.addAll(registered);
            for (String node : members.others()) {
                if (redis.exists(RedisKeys.node(node)).get(WAIT_MILLIS, TimeUnit.MILLISECONDS) > 0) {
                    members.alive(node, now);
                } else if (redis.exists(RedisKeys.lost(node)).get(WAIT_MILLIS, TimeUnit.MILLISECONDS) > 0) {
                    members.remove(node); // declared lost by another survivor, or left
                } else {
                    silent.add(node);
                }
            }
            for (String node : takingOver) {
                redis.pexpire(RedisKeys.takeover(node), lockMillis());
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the cluster's nodes: " + e, e);
        }
        long ttl = config.heartbeatTtl().toNanos();
        if (connectedForNanos > ttl) {
            for (String node : silent) {
                if (!members.seenWithin(node, ttl, now)) {
                    tryTakeover(redis, node);
                }
            }
        }
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
        if (heartbeats(redis, node)) {
            // it restarted between the check and the lock: its new run's connections are live
            redis.del(RedisKeys.takeover(node));
            return;
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
                cleanups.add(cleanUp(redis, self, node, id, null, true).thenApply(cleaned -> null));
            }
            CompletableFuture.allOf(cleanups.toArray(CompletableFuture[]::new)).whenComplete((done, failed) -> {
                redis.srem(RedisKeys.NODES, node);
                redis.del(RedisKeys.nodeConnections(node));
                declareGone(redis, node, lostMarkMillis());
                members.remove(node);
                log.warn("cluster: node {} taken over: {} connections cleaned up", node, ids.size());
                release(redis, node, null);
            });
        });
    }

    private static boolean heartbeats(RedisClusterAsyncCommands<String, String> redis, String node) {
        try {
            return redis.exists(RedisKeys.node(node)).get(WAIT_MILLIS, TimeUnit.MILLISECONDS) > 0;
        } catch (Exception e) {
            return true; // cannot tell: not lost
        }
    }

    /**
     * Cleans up the connections a previous run of this node left: those Redis lists under its id
     * and those its own {@code state-dir} recorded ({@link ClusterMember#previousRun()}), which
     * Redis may have forgotten. Holds this node's takeover lock so no survivor cleans them up too,
     * and waits while a survivor's takeover of the previous run is under way; a connection such a
     * takeover already cleaned up ({@link TakenOver}) is forgotten without a second cleanup. A node
     * that started cut off from Redis runs this with its listeners open: {@code thisRun} gives the
     * connections it took meanwhile, read after Redis's list so that one registered in between
     * is among them.
     *
     * @return how many connections were cleaned up
     * @throws Exception when Redis fails or the lock is not free within {@code timeout}
     */
    int reclaimPreviousRun(
            ClusterMember self,
            RedisClusterAsyncCommands<String, String> redis,
            Duration timeout,
            Supplier<Set<String>> thisRun)
            throws Exception {
        String node = self.nodeId();
        long deadline = System.nanoTime() + timeout.toNanos();
        takenOver.awaitRewritten(node, redis, config.heartbeatTtl(), deadline);
        while (!"OK"
                .equals(redis.set(
                                RedisKeys.takeover(node),
                                node,
                                SetArgs.Builder.nx().px(lockMillis()))
                        .get(WAIT_MILLIS, TimeUnit.MILLISECONDS))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("a takeover of this node's previous run is still under way");
            }
            Thread.sleep(100); // a survivor holds the lock while it cleans up; no event tells its end
        }
        try {
            Map<String, ConnectionRecord> previous = new LinkedHashMap<>();
            for (String id : redis.smembers(RedisKeys.nodeConnections(node)).get(WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                previous.put(id, null);
            }
            // after the read: a connection registered before it is among these
            Set<String> live = new HashSet<>(thisRun.get());
            self.liveConnections()
                    .forEach(membership -> live.add(membership.record().id()));
            Set<String> cleanedElsewhere = new HashSet<>();
            for (ConnectionRecord record : self.previousRun()) {
                if (takenOver.contains(redis, record.node(), record.id())) {
                    cleanedElsewhere.add(record.id());
                } else {
                    previous.put(record.id(), record);
                }
            }
            cleanedElsewhere.forEach(self::cleanedUpElsewhere);
            previous.keySet().removeAll(live);
            List<CompletableFuture<Boolean>> cleanups = new ArrayList<>();
            previous.forEach((id, record) -> cleanups.add(cleanUp(redis, self, node, id, record, false)));
            CompletableFuture.allOf(cleanups.toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!previous.isEmpty() || !cleanedElsewhere.isEmpty()) {
                log.warn(
                        "cluster: {} connections of this node's previous run cleaned up; {} more had their"
                                + " cleanup from the node that took it over",
                        previous.size(),
                        cleanedElsewhere.size());
            }
            return previous.size();
        } finally {
            redis.del(RedisKeys.takeover(node));
        }
    }

    /**
     * Invokes the cleanup of connection {@code id}, listed under {@code node}, and removes its
     * records. Its record comes from Redis, else from {@code known} (this node's own disk); a
     * connection with neither is only unlisted. A record in Redis that names another node is a
     * reliable session that moved there: it is that node's, and only unlisted here. In a
     * {@code takeover} the cleanup is noted ({@link TakenOver}) as soon as it is delivered, before
     * the records are removed: Redis may fail then, and the node must still learn of it.
     *
     * @return whether the cleanup was invoked (and delivered or given up)
     */
    private CompletableFuture<Boolean> cleanUp(
            RedisClusterAsyncCommands<String, String> redis,
            ClusterMember self,
            String node,
            String id,
            @Nullable ConnectionRecord known,
            boolean takeover) {
        return redis.hgetall(RedisKeys.connection(id))
                .toCompletableFuture()
                .thenCompose(hash -> {
                    ConnectionRecord stored = RecordCodec.fromHash(id, hash);
                    ConnectionRecord record = stored != null ? stored : known;
                    if (record == null) {
                        redis.srem(RedisKeys.nodeConnections(node), id);
                        return CompletableFuture.completedFuture(false);
                    }
                    if (!record.node().equals(node)) {
                        redis.srem(RedisKeys.nodeConnections(node), id);
                        if (known != null) {
                            self.cleanedUpElsewhere(id); // not ours to clean up: it lives there
                        }
                        return CompletableFuture.completedFuture(false);
                    }
                    ConnectionRecord cleaned = known != null ? known : record;
                    return self.cleanupLost(cleaned)
                            .toCompletableFuture()
                            .thenCompose(done -> {
                                if (takeover) {
                                    takenOver.add(redis, node, id); // in memory now, in Redis soon
                                }
                                return redis.smembers(RedisKeys.connectionGroups(id));
                            })
                            .thenCompose(groups -> CompletableFuture.allOf(
                                    Registrations.removeRecord(redis, id, record.route(), node, new HashSet<>(groups))
                                            .toArray(CompletableFuture[]::new)))
                            .thenApply(done -> true);
                })
                .exceptionally(error -> {
                    log.warn("cluster: cleanup of {} from lost node {} failed: {}", id, node, error.toString());
                    return false;
                });
    }

    /** Writes the connections this node took over again, after Redis may have lost them. */
    void rewriteTakenOver(String self, RedisClusterAsyncCommands<String, String> redis, Duration timeout)
            throws Exception {
        takenOver.rewrite(self, redis, timeout);
    }

    /** Marks {@code node} lost or left and tells every member, which stop waiting for it. */
    static void declareGone(RedisClusterAsyncCommands<String, String> redis, String node, long markMillis) {
        redis.set(RedisKeys.lost(node), "gone", SetArgs.Builder.px(markMillis));
        redis.publish(RedisKeys.MEMBERS_CHANNEL, node);
    }

    private void release(RedisClusterAsyncCommands<String, String> redis, String node, @Nullable String problem) {
        if (problem != null) {
            log.warn("cluster: takeover of node {} stopped: {}", node, problem);
        }
        redis.del(RedisKeys.takeover(node));
        takingOver.remove(node);
    }
}
