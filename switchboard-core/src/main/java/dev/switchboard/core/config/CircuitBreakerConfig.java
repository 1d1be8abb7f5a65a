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
 * @throws ConfigException keyed relative to the route when {@code failures} is negative or
 *     {@code openFor} is not positive
 */
public record CircuitBreakerConfig(int failures, Duration openFor) {
    public static final int DEFAULT_FAILURES = 5;
    public static final Duration DEFAULT_OPEN_FOR = Duration.ofSeconds(10);

    public CircuitBreakerConfig {
        if (failures < 0) {
            throw new ConfigException("circuit-breaker.failures: " + failures + " (expected: >= 0; 0 turns it off)");
        }
        ConfigRules.positive("circuit-breaker.open-for", openFor);
    }

    /** Opens after {@value #DEFAULT_FAILURES} failures, for 10 s. */
    public static CircuitBreakerConfig defaults() {
        return builder().build();
    }

    /** No breaker: every call reaches the function. */
    public static CircuitBreakerConfig off() {
        return builder().failures(0).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** True unless {@code failures} is 0. */
    public boolean enabled() {
        return failures > 0;
    }

    /** Builds {@link CircuitBreakerConfig}; every setter has the YAML key of the same name. */
    public static final class Builder {
        private int failures = DEFAULT_FAILURES;
        private Duration openFor = DEFAULT_OPEN_FOR;

        private Builder() {}

        /** Consecutive failures that open the circuit (default {@value #DEFAULT_FAILURES}; 0 for none). */
        public Builder failures(int value) {
            this.failures = value;
            return this;
        }

        /** How long an open circuit refuses calls (default 10 s). */
        public Builder openFor(Duration value) {
            this.openFor = value;
            return this;
        }

        /**
         * Builds the config.
         *
         * @throws ConfigException keyed relative to the route when a rule is broken
         */
        public CircuitBreakerConfig build() {
            return new CircuitBreakerConfig(failures, openFor);
        }
    }
}
