package dev.switchboard.server.internal.metrics;

import dev.switchboard.core.model.CloseCause;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's metrics: one Prometheus registry with JVM and process meters, per-route meters,
 * push API counters, and the most recent disconnects for the dashboard.
 */
public final class GatewayMetrics implements AutoCloseable {
    /** Disconnects kept for the dashboard. */
    public static final int RECENT_DISCONNECTS = 50;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, RouteMetrics> routes = new ConcurrentHashMap<>();
    private final Map<String, Counter> pushes = new ConcurrentHashMap<>();
    private final Map<String, io.micrometer.core.instrument.Timer> forwards = new ConcurrentHashMap<>();
    private final ArrayDeque<Disconnect> recent = new ArrayDeque<>();
    private final JvmGcMetrics gc = new JvmGcMetrics();

    /** One ended connection, for the dashboard. */
    public record Disconnect(Instant at, String route, String connectionId, CloseCause cause) {}

    public GatewayMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /** The meters of {@code route}, created on first use. */
    public RouteMetrics route(String route) {
        return routes.computeIfAbsent(route, r -> new RouteMetrics(registry, r));
    }

    /** A push API request: its action (or endpoint) and outcome ({@code ok} or the error's name). */
    public void push(String action, String outcome) {
        pushes.computeIfAbsent(
                        action + ' ' + outcome,
                        key -> Counter.builder("switchboard.push.requests")
                                .description("Push and admin API requests by action and outcome")
                                .tags("action", action, "outcome", outcome)
                                .register(registry))
                .increment();
    }

    /** A handshake refused before a route was found (unknown path, malformed request). */
    public void refusedWithoutRoute(String reason) {
        pushes.computeIfAbsent(
                        "connect " + reason,
                        key -> Counter.builder("switchboard.connects")
                                .description("Handshakes by outcome")
                                .tags("route", "", "outcome", "refused", "reason", reason)
                                .register(registry))
                .increment();
    }

    /** A request forwarded to another node: its outcome and round-trip time. */
    public void forwarded(String outcome, long nanos) {
        forwards.computeIfAbsent(
                        outcome,
                        o -> io.micrometer.core.instrument.Timer.builder("switchboard.cluster.forwards")
                                .description("Requests forwarded to other cluster nodes, by outcome")
                                .tag("outcome", o)
                                .publishPercentiles(0.5, 0.99)
                                .register(registry))
                .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** Remembers a disconnect for the dashboard (the meters are counted by {@link RouteMetrics}). */
    public void disconnected(String route, String connectionId, CloseCause cause) {
        synchronized (recent) {
            if (recent.size() == RECENT_DISCONNECTS) {
                recent.removeFirst();
            }
            recent.addLast(new Disconnect(Instant.now(), route, connectionId, cause));
        }
    }

    /** The most recent disconnects, newest first. */
    public List<Disconnect> recentDisconnects() {
        synchronized (recent) {
            List<Disconnect> list = new ArrayList<>(recent);
            java.util.Collections.reverse(list);
            return list;
        }
    }

    /** Every route's meters. */
    public Map<String, RouteMetrics> routes() {
        return routes;
    }

    /** The registry, for reading meters. */
    public MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
