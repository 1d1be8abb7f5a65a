package dev.switchboard.redis;

import dev.switchboard.core.cluster.ClusterMember;
import dev.switchboard.core.cluster.ConnectionRecord;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * What a node writes about its own connections: their records and group memberships, and all of
 * them again when Redis may have lost them (a resync). Writes are dropped while Redis is
 * unreachable; the resync after the outage makes up for them. A connection that ends or leaves a
 * group while a resync runs has that removal written again after the resync's writes, so the
 * resync cannot bring it back.
 */
final class Registrations {
    private final RedisLink link;
    private final String node;
    private final Queue<Consumer<RedisClusterAsyncCommands<String, String>>> removedDuringResync =
            new ConcurrentLinkedQueue<>();
    /** Records of connections that ended while Redis was unreachable; a connection id never comes back. */
    private final Queue<Consumer<RedisClusterAsyncCommands<String, String>>> closedWhileUnreachable =
            new ConcurrentLinkedQueue<>();

    /** Connections registered before their 101 whose opened/joined calls are still to come: id to groups. */
    private final Map<String, Set<String>> registered = new ConcurrentHashMap<>();

    /**
     * The connections of this run, while its previous run is not cleaned up yet: a node that
     * started cut off from Redis takes clients before it reclaims that run, and the ids Redis
     * lists under this node then mix both runs. Ended ones stay too: Redis may still list them.
     */
    private final Set<String> thisRun = ConcurrentHashMap.newKeySet();

    private volatile boolean previousRunReclaimed;
    private volatile boolean writable;
    private volatile boolean resyncing;

    Registrations(RedisLink link, String node) {
        this.link = link;
        this.node = node;
    }

    /** Whether writes reach Redis now. */
    void writable(boolean writable) {
        this.writable = writable;
    }

    /**
     * Writes a connection about to open and its groups; completes when Redis holds them, when a
     * write fails (the resync that follows an outage writes them), or at once while Redis is
     * unreachable.
     */
    CompletableFuture<Void> register(ConnectionRecord record, Collection<String> groups) {
        ofThisRun(record.id());
        if (!writable) {
            return CompletableFuture.completedFuture(null);
        }
        registered.put(record.id(), ConcurrentHashMap.newKeySet());
        registered.get(record.id()).addAll(groups);
        List<CompletableFuture<?>> writes = register(link.commands(), record, groups);
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).handle((done, error) -> null);
    }

    void opened(ConnectionRecord record) {
        ofThisRun(record.id());
        Set<String> groups = registered.get(record.id());
        if (groups != null) {
            if (groups.isEmpty()) {
                registered.remove(record.id());
            }
            return;
        }
        if (writable) {
            register(link.commands(), record, Set.of());
        }
    }

    private void ofThisRun(String id) {
        if (!previousRunReclaimed) {
            thisRun.add(id);
        }
    }

    /** The connections this run registered or opened so far (until its previous run is reclaimed). */
    Set<String> thisRun() {
        return Set.copyOf(thisRun);
    }

    /** The previous run is cleaned up: every id Redis lists under this node is this run's from now on. */
    void previousRunReclaimed() {
        previousRunReclaimed = true;
        thisRun.clear();
    }

    void closed(String id, String route, Set<String> groups) {
        registered.remove(id);
        Consumer<RedisClusterAsyncCommands<String, String>> removal =
                redis -> removeRecord(redis, id, route, node, groups);
        if (!writable) {
            // Redis may still hold the record: the next resync removes it, or a takeover would
            // send this connection a second cleanup
            closedWhileUnreachable.add(removal);
        }
        remove(removal);
    }

    void movedAway(String id) {
        // the new node adds it to its own set; the record and memberships stay (same id)
        remove(redis -> redis.srem(RedisKeys.nodeConnections(node), id));
    }

    void joined(String id, String group) {
        Set<String> written = registered.get(id);
        if (written != null && written.remove(group)) {
            if (written.isEmpty()) {
                registered.remove(id);
            }
            return;
        }
        if (writable) {
            RedisClusterAsyncCommands<String, String> redis = link.commands();
            redis.sadd(RedisKeys.group(group), id);
            redis.sadd(RedisKeys.connectionGroups(id), group);
        }
    }

    void left(String id, String group) {
        remove(redis -> {
            redis.srem(RedisKeys.group(group), id);
            redis.srem(RedisKeys.connectionGroups(id), group);
        });
    }

    private void remove(Consumer<RedisClusterAsyncCommands<String, String>> removal) {
        if (!writable) {
            return;
        }
        removal.accept(link.commands());
        if (resyncing) {
            removedDuringResync.add(removal);
        }
    }

    /** What a resync wrote: the live connections, and the ended ones whose records it removed. */
    record Resynced(int connections, int removed) {}

    /**
     * Registers this node, writes every connection it holds with its groups, removes what Redis
     * lists under it that it does not hold, and waits until Redis has confirmed it all.
     *
     * @throws Exception when Redis fails or does not confirm within {@code timeout}
     */
    Resynced resync(ClusterMember self, Duration timeout) throws Exception {
        RedisClusterAsyncCommands<String, String> redis = link.commands();
        removedDuringResync.clear();
        resyncing = true;
        try {
            List<CompletableFuture<?>> writes = new ArrayList<>();
            writes.add(redis.del(RedisKeys.lost(node)).toCompletableFuture());
            writes.add(redis.sadd(RedisKeys.NODES, node).toCompletableFuture());
            int count = 0;
            for (ClusterMember.Membership membership : self.liveConnections()) {
                writes.addAll(register(redis, membership.record(), membership.groups()));
                count++;
            }
            // counted again without announcing: their joins were announced when they happened
            for (ClusterMember.Counted counted : self.presenceCounted()) {
                for (String group : counted.groups()) {
                    writes.add(PresenceRecords.join(redis, group, counted.userId(), counted.connectionId()));
                }
            }
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            for (var removal = closedWhileUnreachable.poll();
                    removal != null;
                    removal = closedWhileUnreachable.poll()) {
                removal.accept(redis);
            }
            int removed = StaleRecords.remove(redis, self, () -> Set.copyOf(registered.keySet()), timeout);
            return new Resynced(count, removed);
        } finally {
            resyncing = false;
            for (var removal = removedDuringResync.poll(); removal != null; removal = removedDuringResync.poll()) {
                removal.accept(redis);
            }
        }
    }

    private static List<CompletableFuture<?>> register(
            RedisClusterAsyncCommands<String, String> redis, ConnectionRecord record, Iterable<String> groups) {
        List<CompletableFuture<?>> writes = new ArrayList<>();
        writes.add(redis.hset(RedisKeys.connection(record.id()), RecordCodec.toHash(record))
                .toCompletableFuture());
        writes.add(redis.sadd(RedisKeys.nodeConnections(record.node()), record.id())
                .toCompletableFuture());
        writes.add(redis.sadd(RedisKeys.routeConnections(record.route()), record.id())
                .toCompletableFuture());
        for (String group : groups) {
            writes.add(redis.sadd(RedisKeys.group(group), record.id()).toCompletableFuture());
            writes.add(
                    redis.sadd(RedisKeys.connectionGroups(record.id()), group).toCompletableFuture());
        }
        return writes;
    }

    /**
     * Removes a connection's record and memberships; {@code route} null when the record is gone
     * already. The set of the node's connections goes last, so a removal cut short by a snapshot
     * leaves the connection listed there, where the next resync finds it.
     */
    static List<CompletableFuture<?>> removeRecord(
            RedisClusterAsyncCommands<String, String> redis,
            String id,
            @Nullable String route,
            String node,
            Set<String> groups) {
        List<CompletableFuture<?>> removals = new ArrayList<>();
        for (String group : groups) {
            removals.add(redis.srem(RedisKeys.group(group), id).toCompletableFuture());
        }
        removals.add(redis.del(RedisKeys.connectionGroups(id)).toCompletableFuture());
        removals.add(redis.del(RedisKeys.connection(id)).toCompletableFuture());
        if (route != null) {
            removals.add(redis.srem(RedisKeys.routeConnections(route), id).toCompletableFuture());
        }
        removals.add(redis.srem(RedisKeys.nodeConnections(node), id).toCompletableFuture());
        return removals;
    }
}
