package dev.switchboard.server.internal.client;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts connections, in total and per client IP, from the upgrade request until the socket
 * closes, and refuses those past {@code max-connections} / {@code max-connections-per-ip}, or
 * coming faster than {@code connect-rate-per-ip}.
 */
public final class ConnectionLimiter {
    /** Whether a new connection may proceed. */
    enum Verdict {
        ALLOWED,
        NODE_FULL,
        ADDRESS_FULL,
        ADDRESS_TOO_FAST
    }

    private final int maxTotal;
    private final int maxPerAddress;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<String, Integer> perAddress = new ConcurrentHashMap<>();
    private final ConnectRateLimiter rate;

    public ConnectionLimiter(int maxTotal, int maxPerAddress, int connectRatePerAddress) {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
        this.rate = new ConnectRateLimiter(connectRatePerAddress);
    }

    /** Forgets connect-rate windows that have passed; called once a second. */
    public void prune(long nanos) {
        rate.prune(nanos);
    }

    /** Counts a connection from {@code address} at {@code nanos} unless a limit is reached. */
    Verdict tryAcquire(String address, long nanos) {
        if (!rate.tryAcquire(address, nanos)) {
            return Verdict.ADDRESS_TOO_FAST;
        }
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            return Verdict.NODE_FULL;
        }
        boolean[] allowed = {true};
        perAddress.compute(address, (key, count) -> {
            int next = count == null ? 1 : count + 1;
            if (next > maxPerAddress) {
                allowed[0] = false;
                return count;
            }
            return next;
        });
        if (!allowed[0]) {
            total.decrementAndGet();
            return Verdict.ADDRESS_FULL;
        }
        return Verdict.ALLOWED;
    }

    /** Releases a connection counted by {@link #tryAcquire}. */
    void release(String address) {
        total.decrementAndGet();
        perAddress.computeIfPresent(address, (key, count) -> count <= 1 ? null : count - 1);
    }

    /** Connections currently counted. */
    int total() {
        return total.get();
    }
}
