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
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
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
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster backplane on Redis. One scheduler thread heartbeats, watches the backplane's
 * health, re-registers this node's connections whenever Redis may have lost them, learns the
 * members and takes over lost nodes; everything else is asynchronous Lettuce commands that never
 * block the caller.
 */
public final class RedisBackplane implements ClusterBackplane {
    private static final Logger log = LoggerFactory.getLogger(RedisBackplane.class);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration RESYNC_TIMEOUT = Duration.ofSeconds(30);

    private final ClusterConfig config;
    private final RedisLink link;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "switchboard-cluster");
        thread.setDaemon(true);
        return thread;
    });
    /** Heartbeats while the cluster thread is busy with a resync, which can take longer than the TTL. */
    private final ScheduledExecutorService keepAlive = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "switchboard-cluster-keepalive");
        thread.setDaemon(true);
        return thread;
    });

    private final Forwarder forwarder;
    private final CompletableFuture<Void> registered = new CompletableFuture<>();
    private volatile @Nullable Joined joined;
    /** Redis answers: writes and forwarded requests go through. */
    private volatile boolean reachable;
    /** Reachable, and this node's registration and connections are all in Redis. */
    private volatile boolean available;

    private volatile long connectedSinceNanos;

    /** What exists once {@link #start} knows this node. */
    private record Joined(
            ClusterMember self, Members members, Registrations registrations, NodeLossMonitor lossMonitor) {}

    public RedisBackplane(ClusterConfig config) {
        this.config = config;
        this.link = new RedisLink(config, COMMAND_TIMEOUT);
        this.forwarder = new Forwarder(link, scheduler);
    }

    @Override
    public CompletionStage<Void> start(ClusterMember member) {
        Members members = new Members(member.nodeId());
        Joined state = new Joined(
                member, members, new Registrations(link, member.nodeId()), new NodeLossMonitor(link, config, members));
        state.lossMonitor().start(member);
        forwarder.start(member);
        link.onConnect(pubsub -> {
            pubsub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String node) {
                    if (channel.equals(RedisKeys.MEMBERS_CHANNEL)) {
                        members.remove(node); // declared lost, or left
                    }
                }
            });
            pubsub.async().subscribe(RedisKeys.MEMBERS_CHANNEL);
        });
        this.joined = state;
        long interval = config.heartbeatInterval().toNanos();
        scheduler.scheduleWithFixedDelay(this::tickSafely, 0, interval, TimeUnit.NANOSECONDS);
        return registered;
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            log.warn("cluster heartbeat failed: {}", e.toString());
        }
    }

    /** Heartbeat, health, resync when Redis may have lost this node's state, members, node loss. */
    private void tick() {
        Joined state = joined;
        if (state == null) {
            return;
        }
        if (!link.connect()) {
            markUnavailable("cannot connect to " + config.redis());
            return;
        }
        RedisClusterAsyncCommands<String, String> redis = link.commands();
        String node = state.self().nodeId();
        String previous;
        long added;
        try {
            previous = await(redis.setGet(
                    RedisKeys.node(node),
                    "alive",
                    SetArgs.Builder.px(config.heartbeatTtl().toMillis())));
            added = await(redis.sadd(RedisKeys.NODES, node));
        } catch (Exception e) {
            markUnavailable(e.toString());
            return;
        }
        boolean reconnected = link.takeReconnected();
        if (!available) {
            resync(state, "cluster backplane reachable at " + config.redis());
        } else if (previous == null || added > 0 || reconnected) {
            // a Redis that restarted, failed over or was flushed, or a takeover of this node
            resync(state, "cluster: Redis at " + config.redis() + " may have lost this node's registration");
        }
        if (available) {
            state.lossMonitor().refresh(state.self(), redis, System.nanoTime() - connectedSinceNanos);
        }
    }

    private static <T> T await(RedisFuture<T> command) throws Exception {
        return command.toCompletableFuture().get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Writes this node and its connections again; available only once Redis holds them all. */
    private void resync(Joined state, String why) {
        available = false;
        reachable = true;
        state.registrations().writable(true);
        String node = state.self().nodeId();
        long interval = config.heartbeatInterval().toNanos();
        ScheduledFuture<?> heartbeats =
                keepAlive.scheduleWithFixedDelay(() -> heartbeat(node), interval, interval, TimeUnit.NANOSECONDS);
        try {
            // first, and marked as done: a restarting node waits for every member's (even one
            // that is itself starting, which has none) before it cleans up its previous run
            state.lossMonitor().rewriteTakenOver(node, link.commands(), COMMAND_TIMEOUT);
            if (!registered.isDone()) {
                forwarder.subscribed().get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                // a member from now on, so group pushes visit it while it cleans up its previous run
                await(link.commands().del(RedisKeys.lost(node)));
                await(link.commands().sadd(RedisKeys.NODES, node));
                state.lossMonitor()
                        .reclaimPreviousRun(
                                state.self(), link.commands(), config.startupTimeout(), state.registrations()::thisRun);
                state.registrations().previousRunReclaimed();
            }
            rewriteMembers(state);
            Registrations.Resynced resynced = state.registrations().resync(state.self(), RESYNC_TIMEOUT);
            connectedSinceNanos = System.nanoTime();
            available = true;
            if (resynced.removed() > 0) {
                log.info(
                        "{}: this node and its {} connections are registered; {} records of connections that"
                                + " ended were removed",
                        why,
                        resynced.connections(),
                        resynced.removed());
            } else {
                log.info("{}: this node and its {} connections are registered", why, resynced.connections());
            }
            registered.complete(null);
        } catch (Exception e) {
            markUnavailable("registration failed: " + e);
        } finally {
            heartbeats.cancel(false);
        }
    }

    /** Keeps this node's heartbeat key alive; a failure shows at the next tick. */
    private void heartbeat(String node) {
        try {
            link.commands()
                    .set(
                            RedisKeys.node(node),
                            "alive",
                            SetArgs.Builder.px(config.heartbeatTtl().toMillis()));
        } catch (RuntimeException e) {
            // not connected: the next tick marks the backplane unreachable
        }
    }

    private void markUnavailable(String why) {
        if (reachable) {
            log.warn("cluster backplane unreachable ({}): local traffic continues, cross-node pushes answer 503", why);
        }
        reachable = false;
        available = false;
        Joined state = joined;
        if (state != null) {
            state.registrations().writable(false);
        }
    }

    @Override
    public boolean available() {
        return available;
    }

    @Override
    public void opened(ConnectionRecord record) {
        Joined state = joined;
        if (state != null) {
            state.registrations().opened(record);
        }
    }

    @Override
    public CompletionStage<Void> register(ConnectionRecord record, Collection<String> groups) {
        Joined state = joined;
        return state == null
                ? CompletableFuture.completedFuture(null)
                : state.registrations().register(record, groups);
    }

    @Override
    public void closed(String connectionId, String route, Set<String> groups) {
        Joined state = joined;
        if (state != null) {
            state.registrations().closed(connectionId, route, groups);
        }
    }

    @Override
    public void movedAway(String connectionId) {
        Joined state = joined;
        if (state != null) {
            state.registrations().movedAway(connectionId);
        }
    }

    @Override
    public void joined(String connectionId, String group) {
        Joined state = joined;
        if (state != null) {
            state.registrations().joined(connectionId, group);
        }
    }

    @Override
    public void left(String connectionId, String group) {
        Joined state = joined;
        if (state != null) {
            state.registrations().left(connectionId, group);
        }
    }

    /**
     * Forwards to a member at once. A node this one does not know is looked up in Redis first:
     * registered (it may have just started) means forward; unknown to Redis too, after this node
     * has joined and been connected for a full TTL, means it is not in the cluster (410). A node
     * still joining forwards: Redis may have forgotten a member that cannot reach it.
     */
    @Override
    public CompletionStage<ForwardReply> forward(String node, ObjectNode request, Duration timeout) {
        Joined state = joined;
        if (!reachable || state == null) {
            return CompletableFuture.failedFuture(
                    new ClusterUnavailableException("cluster backplane unreachable: cannot reach node " + node));
        }
        if (state.members().contains(node) || !connectedLongerThanTtl()) {
            return forwarder.send(node, request, timeout);
        }
        RedisClusterAsyncCommands<String, String> redis = link.commands();
        CompletableFuture<Boolean> registeredThere =
                redis.sismember(RedisKeys.NODES, node).toCompletableFuture();
        return redis.exists(RedisKeys.node(node))
                .toCompletableFuture()
                .thenCombine(registeredThere, (alive, listed) -> alive > 0 || listed)
                .exceptionally(error -> {
                    throw new ClusterUnavailableException("cluster backplane unreachable: " + error);
                })
                .thenCompose(known -> {
                    if (!known) {
                        return CompletableFuture.failedFuture(new NodeGoneException(node));
                    }
                    state.members().addAll(List.of(node));
                    return forwarder.send(node, request, timeout);
                });
    }

    /** Whether this node has joined and been connected long enough to know every live member. */
    private boolean connectedLongerThanTtl() {
        return registered.isDone()
                && System.nanoTime() - connectedSinceNanos
                        > config.heartbeatTtl().toNanos();
    }

    @Override
    public Set<String> members() {
        Joined state = joined;
        return state == null ? Set.of() : state.members().all();
    }

    @Override
    public CompletionStage<Set<String>> currentMembers() {
        Joined state = joined;
        if (!reachable || state == null) {
            return unavailable();
        }
        if (!registered.isDone()) {
            // started cut off from Redis, or still joining: what it knows of the members is partial
            return CompletableFuture.failedFuture(
                    new ClusterUnavailableException("this node has not joined the cluster yet"));
        }
        return link.commands().smembers(RedisKeys.NODES).toCompletableFuture().handle((registered, error) -> {
            if (error != null) {
                throw new ClusterUnavailableException("cluster backplane unreachable: " + error);
            }
            state.members().addAll(registered);
            return state.members().all();
        });
    }

    @Override
    public CompletionStage<Set<String>> connectionIds(@Nullable String route, @Nullable String group) {
        if (!reachable) {
            return unavailable();
        }
        RedisClusterAsyncCommands<String, String> redis = link.commands();
        if (group != null) {
            return redis.smembers(RedisKeys.group(group)).thenApply(HashSet::new);
        }
        if (route != null) {
            return redis.smembers(RedisKeys.routeConnections(route)).thenApply(HashSet::new);
        }
        Set<String> nodes = members();
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
        if (!reachable) {
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
        if (!reachable) {
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
        if (!reachable) {
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

    /**
     * Lists again every member this node knows and no takeover declared lost: a Redis that lost
     * them must not let a node that starts now leave a member out of its group pushes.
     */
    private void rewriteMembers(Joined state) throws Exception {
        RedisClusterAsyncCommands<String, String> redis = link.commands();
        for (String member : state.members().others()) {
            if (await(redis.exists(RedisKeys.lost(member))) == 0) {
                await(redis.sadd(RedisKeys.NODES, member));
            }
        }
    }

    @Override
    public CompletionStage<Boolean> presenceJoin(String group, String userId, String connectionId) {
        if (!reachable) {
            return unavailable();
        }
        return PresenceRecords.join(link.commands(), group, userId, connectionId);
    }

    @Override
    public CompletionStage<Map<String, String>> presenceLeave(String connectionId, @Nullable String group) {
        if (!reachable) {
            return unavailable();
        }
        return PresenceRecords.leave(link.commands(), connectionId, group);
    }

    @Override
    public CompletionStage<Map<String, Long>> presence(String group) {
        if (!reachable) {
            return unavailable();
        }
        return PresenceRecords.users(link.commands(), group);
    }

    @Override
    public CompletionStage<Set<String>> silentMembers() {
        Joined state = joined;
        if (!reachable || state == null) {
            return unavailable();
        }
        RedisClusterAsyncCommands<String, String> redis = link.commands();
        Map<String, CompletableFuture<Long>> alive = new LinkedHashMap<>();
        for (String node : state.members().others()) {
            alive.put(node, redis.exists(RedisKeys.node(node)).toCompletableFuture());
        }
        return CompletableFuture.allOf(alive.values().toArray(CompletableFuture[]::new))
                .thenApply(done -> {
                    Set<String> silent = new HashSet<>();
                    alive.forEach((node, count) -> {
                        if (count.join() == 0) {
                            silent.add(node);
                        }
                    });
                    return silent;
                });
    }

    private static <T> CompletionStage<T> unavailable() {
        return CompletableFuture.failedFuture(new ClusterUnavailableException("cluster backplane unreachable"));
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        keepAlive.shutdownNow();
        Joined state = joined;
        if (state != null && reachable) {
            try {
                RedisClusterAsyncCommands<String, String> redis = link.commands();
                String node = state.self().nodeId();
                NodeLossMonitor.declareGone(redis, node, state.lossMonitor().lostMarkMillis());
                redis.srem(RedisKeys.NODES, node).get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                redis.del(RedisKeys.node(node)).get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                log.warn("cluster: could not leave cleanly: {}", e.toString());
            }
        }
        forwarder.close();
        link.close();
    }
}
