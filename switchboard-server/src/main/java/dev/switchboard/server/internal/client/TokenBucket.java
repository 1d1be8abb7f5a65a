package dev.switchboard.server.internal.client;

/**
 * A rate with bursts up to the same number: {@code rate} tokens a second, at most {@code rate}
 * held, full at the start. Used on one event loop, so not thread-safe.
 */
final class TokenBucket {
    private final int rate;
    private double tokens;
    private long lastNanos;

    /** A bucket of {@code rate} a second (0: no limit), full at {@code nowNanos}. */
    TokenBucket(int rate, long nowNanos) {
        this.rate = rate;
        this.tokens = rate;
        this.lastNanos = nowNanos;
    }

    /** Takes one token at {@code nowNanos}: false when none is left, so the caller is too fast. */
    boolean take(long nowNanos) {
        if (rate == 0) {
            return true;
        }
        tokens = Math.min(rate, tokens + (nowNanos - lastNanos) * rate / 1e9);
        lastNanos = nowNanos;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}
