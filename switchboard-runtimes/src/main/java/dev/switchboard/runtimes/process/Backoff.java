package dev.switchboard.runtimes.process;

import java.time.Duration;

/**
 * How long to wait before starting a worker again after {@code failures} consecutive crashes:
 * nothing after none, then {@code first}, doubling up to {@code max}.
 */
record Backoff(Duration first, Duration max) {
    static final Backoff DEFAULT = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10));

    Duration delay(int failures) {
        if (failures <= 0) {
            return Duration.ZERO;
        }
        int doublings = Math.min(failures - 1, 30);
        long millis = first.toMillis() << doublings;
        return millis <= 0 || millis > max.toMillis() ? max : Duration.ofMillis(millis);
    }
}
