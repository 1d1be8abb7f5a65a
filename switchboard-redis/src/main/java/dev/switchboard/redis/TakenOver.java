package dev.switchboard.redis;

import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The connections this node cleaned up when it took a lost node over, kept for {@link #KEEP}
 * in Redis ({@code sb:takenover:{node}}) and in this node's memory. A lost node that restarts
 * under its own id reads them, so the connections its own disk recorded get no second cleanup.
 * Redis may forget them (a restart, a failover, a flush); this node writes them again at each
 * resync and then marks that it has ({@code sb:rewritten:{node}}, the Redis run it wrote to); a
 * restarting node waits until every member that heartbeats has done so ({@link #awaitRewritten}).
 */
final class TakenOver {
    /** How long a takeover is remembered: a node restarting later than this may repeat cleanups. */
    static final Duration KEEP = Duration.ofHours(24);

    private static final long WAIT_MILLIS = 2000;

    /** Lost node to the ids cleaned up, with when the memory of them ends (epoch millis). */
    private final Map<String, Taken> byNode = new ConcurrentHashMap<>();

    private record Taken(Set<String> ids, long untilMillis) {}

    /** Notes that {@code id}, of lost node {@code node}, had its cleanup here; completes once Redis has it. */
    CompletableFuture<Void> add(RedisClusterAsyncCommands<String, String> redis, String node, String id) {
        long until = System.currentTimeMillis() + KEEP.toMillis();
        byNode.compute(node, (lost, taken) -> {
            Taken now = taken == null ? new Taken(ConcurrentHashMap.newKeySet(), until) : new Taken(taken.ids(), until);
            now.ids().add(id);
            return now;
        });
        return CompletableFuture.allOf(
                        redis.sadd(RedisKeys.takenOver(node), id).toCompletableFuture(),
                        redis.pexpireat(RedisKeys.takenOver(node), until).toCompletableFuture())
                .exceptionally(error -> null); // the next resync writes it again
    }

    /**
     * Writes every takeover this node ({@code self}) remembers again, forgets those past {@link
     * #KEEP}, and then marks this Redis run as rewritten by {@code self}.
     */
    void rewrite(String self, RedisClusterAsyncCommands<String, String> redis, Duration timeout) throws Exception {
        long now = System.currentTimeMillis();
        byNode.values().removeIf(taken -> taken.untilMillis() < now);
        List<CompletableFuture<?>> writes = new ArrayList<>();
        byNode.forEach((node, taken) -> {
            if (!taken.ids().isEmpty()) {
                writes.add(redis.sadd(RedisKeys.takenOver(node), taken.ids().toArray(String[]::new))
                        .toCompletableFuture());
                writes.add(redis.pexpireat(RedisKeys.takenOver(node), taken.untilMillis())
                        .toCompletableFuture());
            }
        });
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        String run = serverInfo(redis).get("run_id");
        if (run != null) {
            redis.set(RedisKeys.rewritten(self), run, SetArgs.Builder.px(KEEP.toMillis()))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** True when a survivor's takeover of {@code node} cleaned up {@code id}. */
    boolean contains(RedisClusterAsyncCommands<String, String> redis, String node, String id) throws Exception {
        return redis.sismember(RedisKeys.takenOver(node), id).get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Waits, at most until {@code deadlineNanos}, until Redis has been up for {@code ttl} (every
     * member that reaches it heartbeats by then) and every member that heartbeats has written its
     * takeovers to this Redis run: a Redis that has just restarted, empty or from an old snapshot,
     * holds only what the members wrote again. A member slowed by its machine is waited for,
     * rather than assumed to be done within a heartbeat.
     */
    void awaitRewritten(String self, RedisClusterAsyncCommands<String, String> redis, Duration ttl, long deadlineNanos)
            throws Exception {
        while (!rewrittenByEveryMember(self, redis, ttl) && System.nanoTime() < deadlineNanos) {
            Thread.sleep(100); // nothing tells when the other members have written theirs
        }
    }

    private static boolean rewrittenByEveryMember(
            String self, RedisClusterAsyncCommands<String, String> redis, Duration ttl) throws Exception {
        Map<String, String> info = serverInfo(redis); // one INFO gives both
        String uptime = info.get("uptime_in_seconds");
        String run = info.get("run_id");
        if (uptime == null || run == null) {
            return true; // a Redis that does not say: do not wait
        }
        if (Long.parseLong(uptime) * 1000 < ttl.toMillis()) {
            return false;
        }
        for (String member : redis.smembers(RedisKeys.NODES).get(WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
            if (member.equals(self)
                    || redis.exists(RedisKeys.node(member)).get(WAIT_MILLIS, TimeUnit.MILLISECONDS) == 0) {
                continue; // this node, or one that does not heartbeat: it writes nothing
            }
            if (!run.equals(redis.get(RedisKeys.rewritten(member)).get(WAIT_MILLIS, TimeUnit.MILLISECONDS))) {
                return false;
            }
        }
        return true;
    }

    /** The fields of Redis's {@code INFO server}, by name. */
    private static Map<String, String> serverInfo(RedisClusterAsyncCommands<String, String> redis) throws Exception {
        String info = redis.info("server").get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        Map<String, String> fields = new HashMap<>();
        for (String line : info.split("\\r?\\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
        }
        return fields;
    }
}
