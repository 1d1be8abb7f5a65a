package dev.switchboard.redis;

import dev.switchboard.core.cluster.ClusterMember;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Removes what Redis lists under this node that the node no longer holds: the records and
 * memberships of its connections that ended, and the memberships its live connections left. A
 * Redis restored from a snapshot older than those removals brings them back; left there, a later
 * takeover of this node would invoke a second cleanup for a connection that already had one, and
 * group pushes would count members that left, and presence would show users who are gone. Runs during a resync, before the node reports itself
 * available again.
 */
final class StaleRecords {
    private StaleRecords() {}

    /** Redis's view of one connection listed under the node: its record's node and its groups. */
    private record Listed(
            String id, CompletableFuture<Map<String, String>> hash, CompletableFuture<Set<String>> groups) {}

    /**
     * Reads every connection Redis lists under {@code self}, then removes those it does not hold
     * and the groups its live connections are not in. A connection is held when it is live or
     * being registered ({@code registering}, read after Redis so one that opens meanwhile counts).
     *
     * @return how many connections' records were removed
     * @throws Exception when Redis fails or does not confirm within {@code timeout}
     */
    static int remove(
            RedisClusterAsyncCommands<String, String> redis,
            ClusterMember self,
            Supplier<Set<String>> registering,
            Duration timeout)
            throws Exception {
        String node = self.nodeId();
        long millis = timeout.toMillis();
        Set<String> ids = redis.smembers(RedisKeys.nodeConnections(node)).get(millis, TimeUnit.MILLISECONDS);
        List<Listed> listed = new ArrayList<>();
        for (String id : ids) {
            listed.add(new Listed(
                    id,
                    redis.hgetall(RedisKeys.connection(id)).toCompletableFuture(),
                    redis.smembers(RedisKeys.connectionGroups(id)).toCompletableFuture()));
        }
        for (Listed one : listed) {
            one.hash().get(millis, TimeUnit.MILLISECONDS);
            one.groups().get(millis, TimeUnit.MILLISECONDS);
        }
        // read after Redis: a connection written there before is registering or live by now
        Set<String> held = new HashSet<>(registering.get());
        Map<String, Set<String>> liveGroups = new HashMap<>();
        self.liveConnections().forEach(m -> liveGroups.put(m.record().id(), new HashSet<>(m.groups())));
        List<CompletableFuture<?>> removals = new ArrayList<>();
        int removed = 0;
        for (Listed one : listed) {
            String id = one.id();
            Set<String> groups = one.groups().join();
            if (held.contains(id)) {
                continue;
            }
            Set<String> current = liveGroups.get(id);
            if (current != null) {
                for (String group : groups) {
                    if (!current.contains(group)) {
                        removals.add(redis.srem(RedisKeys.group(group), id).toCompletableFuture());
                        removals.add(redis.srem(RedisKeys.connectionGroups(id), group)
                                .toCompletableFuture());
                        // its leave was announced when it left: counted out without a second one
                        removals.add(PresenceRecords.leave(redis, id, group));
                    }
                }
                continue;
            }
            String holder = one.hash().join().getOrDefault("node", node);
            if (!holder.equals(node) || self.movedAway(id)) {
                // a reliable session that lives on another node now: its records are that node's
                removals.add(redis.srem(RedisKeys.nodeConnections(node), id).toCompletableFuture());
                continue;
            }
            removals.addAll(
                    Registrations.removeRecord(redis, id, one.hash().join().get("route"), node, groups));
            // its end was announced with its cleanup: counted out of presence without a second one
            removals.add(PresenceRecords.leave(redis, id, null));
            removed++;
        }
        CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new)).get(millis, TimeUnit.MILLISECONDS);
        return removed;
    }
}
