package dev.switchboard.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Who is in a group, cluster-wide: for each group one hash holds the user of every counted
 * connection and each user's count, changed by scripts that touch that one key, so that exactly
 * one caller sees a user's first join and exactly one sees their last leave, whichever nodes the
 * connections are on. Each connection also lists the groups it is counted in, so that its end
 * (on its node, or by the survivor that takes a lost node over) stops every count it holds.
 */
final class PresenceRecords {
    /** Returns the user's count after the join, or 0 when the connection was counted already. */
    private static final String JOIN = """
            if redis.call('HSETNX', KEYS[1], 'c:' .. ARGV[1], ARGV[2]) == 0 then return 0 end
            return redis.call('HINCRBY', KEYS[1], 'u:' .. ARGV[2], 1)
            """;

    /** Returns the user when this was their last counted connection, else nil. */
    private static final String LEAVE = """
            local user = redis.call('HGET', KEYS[1], 'c:' .. ARGV[1])
            if not user then return false end
            redis.call('HDEL', KEYS[1], 'c:' .. ARGV[1])
            if redis.call('HINCRBY', KEYS[1], 'u:' .. user, -1) > 0 then return false end
            redis.call('HDEL', KEYS[1], 'u:' .. user)
            return user
            """;

    private PresenceRecords() {}

    /** Counts {@code id} of {@code user} in {@code group}; true when it is the user's first there. */
    static CompletableFuture<Boolean> join(
            RedisClusterAsyncCommands<String, String> redis, String group, String user, String id) {
        // listed before it is counted: an end that reads the list after this counts it out too
        redis.sadd(RedisKeys.presenceOf(id), group);
        return redis.<Long>eval(JOIN, ScriptOutputType.INTEGER, new String[] {RedisKeys.presence(group)}, id, user)
                .toCompletableFuture()
                .thenApply(count -> count == 1);
    }

    /**
     * Stops counting {@code id} in {@code group}, or in every group it is counted in when null.
     *
     * @return each group where it was its user's last connection, with that user
     */
    static CompletableFuture<Map<String, String>> leave(
            RedisClusterAsyncCommands<String, String> redis, String id, @Nullable String group) {
        CompletableFuture<? extends Collection<String>> groups = group != null
                ? CompletableFuture.completedFuture(List.of(group))
                : redis.smembers(RedisKeys.presenceOf(id)).toCompletableFuture();
        return groups.thenCompose(names -> {
            Map<String, CompletableFuture<String>> lasts = new LinkedHashMap<>();
            for (String name : names) {
                lasts.put(name, leaveOne(redis, id, name));
            }
            CompletableFuture<?> unlisted = group != null
                    ? redis.srem(RedisKeys.presenceOf(id), group).toCompletableFuture()
                    : redis.del(RedisKeys.presenceOf(id)).toCompletableFuture();
            List<CompletableFuture<?>> all = new ArrayList<>(lasts.values());
            all.add(unlisted);
            return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                    .thenApply(done -> {
                        Map<String, String> left = new HashMap<>();
                        lasts.forEach((name, user) -> {
                            if (user.join() != null) {
                                left.put(name, user.join());
                            }
                        });
                        return left;
                    });
        });
    }

    private static CompletableFuture<String> leaveOne(
            RedisClusterAsyncCommands<String, String> redis, String id, String group) {
        return redis.<String>eval(LEAVE, ScriptOutputType.VALUE, new String[] {RedisKeys.presence(group)}, id)
                .toCompletableFuture();
    }

    /** The users counted in {@code group}, each with its number of counted connections. */
    static CompletableFuture<Map<String, Long>> users(RedisClusterAsyncCommands<String, String> redis, String group) {
        return redis.hgetall(RedisKeys.presence(group)).toCompletableFuture().thenApply(hash -> {
            Map<String, Long> users = new HashMap<>();
            hash.forEach((field, value) -> {
                if (field.startsWith("u:")) {
                    users.put(field.substring(2), Long.parseLong(value));
                }
            });
            return users;
        });
    }
}
