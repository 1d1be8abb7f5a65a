package dev.switchboard.redis;

import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The nodes this node counts as members of the cluster: every node it has seen registered, until
 * that node is declared lost by a takeover or leaves gracefully. Held in memory rather than read
 * from Redis, so a Redis that restarts empty, fails over or is flushed cannot make a live node
 * disappear from group pushes. Thread-safe.
 */
final class Members {
    private static final long NEVER = Long.MIN_VALUE;

    private final String self;
    /** Each member with the {@link System#nanoTime()} its heartbeat was last seen, or NEVER. */
    private final Map<String, Long> lastAlive = new ConcurrentHashMap<>();

    Members(String self) {
        this.self = self;
    }

    /** Counts {@code nodes} as members (registered, heartbeat not seen yet). */
    void addAll(Collection<String> nodes) {
        nodes.forEach(node -> lastAlive.putIfAbsent(node, NEVER));
    }

    /** {@code node}'s heartbeat was seen at {@code nanos}. */
    void alive(String node, long nanos) {
        lastAlive.put(node, nanos);
    }

    /** {@code node} was declared lost by a takeover, or left: no push waits for it any more. */
    void remove(String node) {
        if (!node.equals(self)) {
            lastAlive.remove(node);
        }
    }

    boolean contains(String node) {
        return node.equals(self) || lastAlive.containsKey(node);
    }

    /** True when {@code node}'s heartbeat was seen less than {@code nanos} before {@code now}. */
    boolean seenWithin(String node, long nanos, long now) {
        long seen = lastAlive.getOrDefault(node, NEVER);
        return seen != NEVER && now - seen < nanos;
    }

    /** The other members. */
    Set<String> others() {
        Set<String> others = new HashSet<>(lastAlive.keySet());
        others.remove(self);
        return others;
    }

    /** Every member, this node included. */
    Set<String> all() {
        Set<String> all = others();
        all.add(self);
        return Set.copyOf(all);
    }
}
