package dev.switchboard.redis;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
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
 * resync, and a restarting node waits until Redis has been up long enough for every member to
 * have done so ({@link #awaitRewritten}).
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

    /** Writes every takeover this node remembers again, and forgets those past {@link #KEEP}. */
    void rewrite(RedisClusterAsyncCommands<String, String> redis, Duration timeout) throws Exception {
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
    }

    /** True when a survivor's takeover of {@code node} cleaned up {@code id}. */
    boolean contains(RedisClusterAsyncCommands<String, String> redis, String node, String id) throws Exception {
        return redis.sismember(RedisKeys.takenOver(node), id).get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Waits until Redis has been up for {@code ttl}, at most until {@code deadlineNanos}: a Redis
     * that has just restarted holds no takeover yet, and every member writes its own again within
     * a heartbeat of noticing. Redis's uptime is read from {@code INFO server}.
     */
    void awaitRewritten(RedisClusterAsyncCommands<String, String> redis, Duration ttl, long deadlineNanos)
            throws Exception {
        while (uptimeMillis(redis) < ttl.toMillis() && System.nanoTime() < deadlineNanos) {
            Thread.sleep(100); // nothing tells when the other members have written theirs
        }
    }

    private static long uptimeMillis(RedisClusterAsyncCommands<String, String> redis) throws Exception {
        String info = redis.info("server").get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("uptime_in_seconds:")) {
                return Long.parseLong(
                                line.substring("uptime_in_seconds:".length()).strip())
                        * 1000;
            }
        }
        return Long.MAX_VALUE; // a Redis that does not say: do not wait
    }
}
