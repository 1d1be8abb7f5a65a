package dev.switchboard.server.internal.session;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reliable sessions that moved between cluster nodes, as this node knows them. A session resumed
 * on another node leaves a redirect here ({@link #movedTo}), so pushes routed to this node by the
 * session's id follow it; while this node waits for a session it is taking over, the session is
 * {@link #isArriving arriving} and pushes that reach it too early answer 503 rather than 410.
 * Thread-safe.
 */
public final class SessionMoves {
    private final Map<String, String> redirects = new ConcurrentHashMap<>();
    private final Set<String> arriving = ConcurrentHashMap.newKeySet();

    /** The node session {@code id} moved to from here, if it did. */
    public Optional<String> movedTo(String id) {
        return Optional.ofNullable(redirects.get(id));
    }

    /** Session {@code id} now lives on {@code node}. */
    public void moved(String id, String node) {
        redirects.put(id, node);
    }

    /** This node asks for session {@code id}: pushes for it wait (503) until it is here or not. */
    public void arriving(String id) {
        arriving.add(id);
    }

    /** The request for session {@code id} is over: it lives here now (no redirect), or it failed. */
    public void arrived(String id, boolean here) {
        if (here) {
            redirects.remove(id);
        }
        arriving.remove(id);
    }

    /** True while this node waits for session {@code id} from another node. */
    public boolean isArriving(String id) {
        return arriving.contains(id);
    }

    /** The session ended on the node it moved to: its redirect is of no use any more. */
    public void forget(String id) {
        redirects.remove(id);
    }
}
