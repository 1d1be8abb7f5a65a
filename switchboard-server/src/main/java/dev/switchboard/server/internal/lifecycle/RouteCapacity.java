package dev.switchboard.server.internal.lifecycle;

import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The connections one route holds on this node, against its {@code max-connections}: a slot is
 * taken when the upgrade request passes the node's limits, before the registration function is
 * called, and given back when the socket closes, whatever the outcome. Exact under concurrency: a
 * slot is only taken while fewer than the maximum are held.
 */
public final class RouteCapacity {
    private final int max;
    private final AtomicInteger held = new AtomicInteger();

    /** @param max the route's {@code max-connections}, or null for no limit of its own */
    public RouteCapacity(@Nullable Integer max) {
        this.max = max == null ? Integer.MAX_VALUE : max;
    }

    /** Takes a slot; false when the route already holds its maximum. */
    public boolean tryAcquire() {
        while (true) {
            int current = held.get();
            if (current >= max) {
                return false;
            }
            if (held.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    /** Gives back a slot taken by {@link #tryAcquire}. */
    public void release() {
        held.decrementAndGet();
    }

    /** Slots held now: connections open or in registration. */
    public int held() {
        return held.get();
    }

    /** The route's maximum ({@link Integer#MAX_VALUE} when it has none). */
    public int max() {
        return max;
    }
}
