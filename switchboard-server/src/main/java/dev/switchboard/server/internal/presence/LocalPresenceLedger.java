package dev.switchboard.server.internal.presence;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/** Presence counted in this node's memory, for a node without a cluster. Thread-safe. */
final class LocalPresenceLedger implements PresenceLedger {
    /** Group to counted connection to its user. */
    private final Map<String, Map<String, String>> users = new HashMap<>();
    /** Group to user to its counted connections. */
    private final Map<String, Map<String, Long>> counts = new HashMap<>();
    /** Connection to the groups it is counted in. */
    private final Map<String, Set<String>> groupsOf = new HashMap<>();

    @Override
    public synchronized CompletionStage<Boolean> join(String group, String user, String id) {
        if (users.computeIfAbsent(group, g -> new HashMap<>()).putIfAbsent(id, user) != null) {
            return CompletableFuture.completedFuture(false);
        }
        groupsOf.computeIfAbsent(id, c -> new HashSet<>()).add(group);
        long count = counts.computeIfAbsent(group, g -> new HashMap<>()).merge(user, 1L, Long::sum);
        return CompletableFuture.completedFuture(count == 1);
    }

    @Override
    public synchronized CompletionStage<Map<String, String>> leave(String id, @Nullable String group) {
        Set<String> counted = groupsOf.getOrDefault(id, new HashSet<>());
        List<String> names = group != null ? List.of(group) : List.copyOf(counted);
        Map<String, String> lasts = new HashMap<>();
        for (String name : names) {
            String user = leaveOne(id, name);
            if (user != null) {
                lasts.put(name, user);
            }
            counted.remove(name);
        }
        if (counted.isEmpty()) {
            groupsOf.remove(id);
        }
        return CompletableFuture.completedFuture(lasts);
    }

    /** Counts {@code id} out of {@code group}; its user when that was their last connection there. */
    private @Nullable String leaveOne(String id, String group) {
        Map<String, String> members = users.get(group);
        String user = members == null ? null : members.remove(id);
        if (user == null) {
            return null;
        }
        if (members.isEmpty()) {
            users.remove(group);
        }
        Map<String, Long> byUser = counts.get(group);
        long left = byUser.merge(user, -1L, Long::sum);
        if (left > 0) {
            return null;
        }
        byUser.remove(user);
        if (byUser.isEmpty()) {
            counts.remove(group);
        }
        return user;
    }

    @Override
    public synchronized CompletionStage<Map<String, Long>> users(String group) {
        return CompletableFuture.completedFuture(Map.copyOf(counts.getOrDefault(group, Map.of())));
    }

    @Override
    public CompletionStage<Set<String>> silentNodes() {
        return CompletableFuture.completedFuture(Set.of());
    }
}
