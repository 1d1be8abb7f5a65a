package dev.switchboard.server.internal.metrics;

import dev.switchboard.server.internal.function.CircuitBreakerInvoker;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The meters of one function's circuit breaker, read from the breaker when scraped (the call path
 * updates nothing for them): {@code switchboard_function_circuit_open} (1 while calls are
 * refused), {@code switchboard_function_circuit_opened_total} and
 * {@code switchboard_function_circuit_rejected_total}, labelled by route and function.
 */
public final class CircuitMetrics {
    private CircuitMetrics() {}

    /** Registers the meters of {@code breaker}, the {@code function} of {@code route}. */
    public static void bind(MeterRegistry registry, String route, String function, CircuitBreakerInvoker breaker) {
        Gauge.builder("switchboard.function.circuit.open", breaker, b -> b.isOpen() ? 1 : 0)
                .description("1 while the function's circuit breaker refuses calls, else 0")
                .tags("route", route, "function", function)
                .strongReference(true)
                .register(registry);
        FunctionCounter.builder("switchboard.function.circuit.opened", breaker, CircuitBreakerInvoker::opened)
                .description("Times the function's circuit opened after consecutive failures")
                .tags("route", route, "function", function)
                .register(registry);
        FunctionCounter.builder("switchboard.function.circuit.rejected", breaker, CircuitBreakerInvoker::rejected)
                .description("Calls refused at once because the function's circuit was open")
                .tags("route", route, "function", function)
                .register(registry);
    }
}
