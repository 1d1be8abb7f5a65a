package dev.switchboard.server.internal.client;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Handshakes per client IP per second ({@code limits.connect-rate-per-ip}), counted in one-second
 * windows. A window that has passed is dropped by {@link #prune}, so the map holds only the
 * addresses that connected in the last second.
 */
final class ConnectRateLimiter {
    private record Window(long second, int count) {}

    private final int perSecond;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    ConnectRateLimiter(int perSecond) {
        this.perSecond = perSecond;
    }

    /** Counts a handshake from {@code address} at {@code nanos}; false when past the rate. */
    boolean tryAcquire(String address, long nanos) {
        long second = nanos / 1_000_000_000L;
        Window window = windows.compute(
                address,
                (key, old) -> old == null || old.second() != second
                        ? new Window(second, 1)
                        : new Window(second, old.count() + 1));
        return window.count() <= perSecond;
    }

    /** Forgets the windows that ended before {@code nanos}. */
    void prune(long nanos) {
        long second = nanos / 1_000_000_000L;
        windows.values().removeIf(window -> window.second() < second);
    }
}
