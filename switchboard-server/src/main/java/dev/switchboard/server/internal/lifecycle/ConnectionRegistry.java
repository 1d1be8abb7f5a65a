package dev.switchboard.server.internal.lifecycle;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's open connections by id, and by user. A connection is here from the moment its
 * handshake completes until it starts closing, so a push to it answers 410 as soon as it is
 * closing. The connections a user may hold ({@code limits.max-connections-per-user}) are counted
 * from the moment the registration accepts one, before it is open, so that two handshakes of the
 * same user at once cannot both take the last place.
 */
public final class ConnectionRegistry {
    private final ConcurrentHashMap<String, LiveConnection> connections = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Set<LiveConnection>> byUser = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> admitted = new ConcurrentHashMap<>();

    /** Adds an open connection. */
    public void add(LiveConnection connection) {
        connections.put(connection.id(), connection);
        String user = connection.userId();
        if (user != null) {
            byUser.computeIfAbsent(user, u -> ConcurrentHashMap.newKeySet()).add(connection);
        }
    }

    /** Removes a connection that is closing. */
    public void remove(LiveConnection connection) {
        connections.remove(connection.id(), connection);
        String user = connection.userId();
        if (user != null) {
            byUser.computeIfPresent(user, (u, set) -> {
                set.remove(connection);
                return set.isEmpty() ? null : set;
            });
        }
    }

    /** The open connection with {@code id}. */
    public Optional<LiveConnection> find(String id) {
        return Optional.ofNullable(connections.get(id));
    }

    /** A live view of the open connections. */
    public Collection<LiveConnection> all() {
        return Collections.unmodifiableCollection(connections.values());
    }

    /** The open connections of user {@code userId} on this node. */
    public Collection<LiveConnection> ofUser(String userId) {
        Set<LiveConnection> found = byUser.get(userId);
        return found == null ? List.of() : List.copyOf(found);
    }

    /**
     * Counts one more connection of {@code userId} unless it holds {@code max} already (0: no
     * limit); true when counted. Each counted connection is {@link #releaseUser released} once.
     */
    public boolean admitUser(String userId, int max) {
        boolean[] counted = {false};
        admitted.compute(userId, (u, held) -> {
            int now = held == null ? 0 : held;
            if (max > 0 && now >= max) {
                return held;
            }
            counted[0] = true;
            return now + 1;
        });
        return counted[0];
    }

    /** A connection counted by {@link #admitUser} ended, or was never opened. */
    public void releaseUser(String userId) {
        admitted.computeIfPresent(userId, (u, held) -> held <= 1 ? null : held - 1);
    }

    /** The number of open connections. */
    public int size() {
        return connections.size();
    }
}
