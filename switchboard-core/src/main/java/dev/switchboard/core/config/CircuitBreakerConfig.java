package dev.switchboard.core.config;

import java.time.Duration;

/**
 * The circuit breaker each function of a route gets ({@code routes[].circuit-breaker}). After
 * {@code failures} consecutive failed calls (no answer in time, unreachable, HTTP 5xx) the
 * circuit opens: calls fail at once, without reaching the function, for {@code openFor}. Then
 * one call goes through as a probe; its success closes the circuit, its failure opens it again.
 *
 * @param failures consecutive failures that open the circuit; 0 turns the breaker off
 * @param openFor how long an open circuit refuses calls before a probe is let through
 */
public record CircuitBreakerConfig(int failures, Duration openFor) {
    public static final int DEFAULT_FAILURES = 5;
    public static final Duration DEFAULT_OPEN_FOR = Duration.ofSeconds(10);

    /** Opens after {@value #DEFAULT_FAILURES} failures, for 10 s. */
    public static CircuitBreakerConfig defaults() {
        return new CircuitBreakerConfig(DEFAULT_FAILURES, DEFAULT_OPEN_FOR);
    }

    /** No breaker: every call reaches the function. */
    public static CircuitBreakerConfig off() {
        return new CircuitBreakerConfig(0, DEFAULT_OPEN_FOR);
    }

    /** True unless {@code failures} is 0. */
    public boolean enabled() {
        return failures > 0;
    }
}
