package dev.switchboard.server.internal.lifecycle;

import java.util.Collection;
import java.util.Collections;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's open connections by id. A connection is here from the moment its handshake
 * completes until it starts closing, so a push to it answers 410 as soon as it is closing.
 */
public final class ConnectionRegistry {
    private final ConcurrentHashMap<String, LiveConnection> connections = new ConcurrentHashMap<>();

    /** Adds an open connection. */
    public void add(LiveConnection connection) {
        connections.put(connection.id(), connection);
    }

    /** Removes a connection that is closing. */
    public void remove(LiveConnection connection) {
        connections.remove(connection.id(), connection);
    }

    /** The open connection with {@code id}. */
    public Optional<LiveConnection> find(String id) {
        return Optional.ofNullable(connections.get(id));
    }

    /** A live view of the open connections. */
    public Collection<LiveConnection> all() {
        return Collections.unmodifiableCollection(connections.values());
    }

    /** The number of open connections. */
    public int size() {
        return connections.size();
    }
}
