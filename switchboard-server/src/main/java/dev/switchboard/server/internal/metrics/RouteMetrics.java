package dev.switchboard.server.internal.metrics;

import dev.switchboard.core.model.CloseCause;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The meters of one route, created once so the message path only increments. Meters whose
 * labels vary (refusal reasons, close codes, outcomes) are created on first use and cached;
 * every label takes a bounded set of values.
 */
public final class RouteMetrics {
    /** Histogram buckets of function durations: few, so the exposition stays small. */
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(30)
    };

    private final MeterRegistry registry;
    private final String route;
    private final AtomicInteger open = new AtomicInteger();
    private final Counter accepted;
    private final Counter messagesIn;
    private final Counter messagesOut;
    private final Counter bytesIn;
    private final Counter bytesOut;
    private final Counter slowConsumerCloses;
    private final DistributionSummary queueDepth;
    private final Map<String, Counter> refused = new ConcurrentHashMap<>();
    private final Map<String, Counter> disconnects = new ConcurrentHashMap<>();
    private final Map<String, Counter> sessions = new ConcurrentHashMap<>();
    /** Function timers by role and outcome, created up front: the message path only records. */
    private final Timer[][] functions;

    RouteMetrics(MeterRegistry registry, String route) {
        this.registry = registry;
        this.route = route;
        registry.gauge("switchboard.connections.open", io.micrometer.core.instrument.Tags.of("route", route), open);
        this.accepted = Counter.builder("switchboard.connects")
                .description("Handshakes by outcome")
                .tags("route", route, "outcome", "accepted", "reason", "")
                .register(registry);
        this.messagesIn = counter("switchboard.messages.received", "Messages received from clients");
        this.messagesOut = counter("switchboard.messages.sent", "Messages sent to clients");
        this.bytesIn = counter("switchboard.received.bytes", "Payload bytes received from clients");
        this.bytesOut = counter("switchboard.sent.bytes", "Payload bytes sent to clients");
        this.slowConsumerCloses = counter("switchboard.slow.consumer.closes", "Connections closed as slow consumers");
        this.functions = new Timer[FunctionRole.values().length][FunctionOutcome.values().length];
        for (FunctionRole role : FunctionRole.values()) {
            for (FunctionOutcome outcome : FunctionOutcome.values()) {
                if (outcome != FunctionOutcome.REFUSED || role == FunctionRole.REGISTER) {
                    functions[role.ordinal()][outcome.ordinal()] = functionTimer(role, outcome);
                }
            }
        }
        this.queueDepth = DistributionSummary.builder("switchboard.inbound.queue.depth")
                .description("Depth of a connection's transfer queue when a message had to wait in it")
                .tags("route", route)
                .register(registry);
    }

    private Counter counter(String name, String description) {
        return Counter.builder(name)
                .description(description)
                .tags("route", route)
                .register(registry);
    }

    public void connectAccepted() {
        accepted.increment();
    }

    /**
     * A reliable session event ({@code switchboard_sessions_total{event}}): {@code parked} (its
     * socket dropped), {@code resumed}, {@code expired} (not resumed in time) or {@code refused}
     * (a resume that got a reset).
     */
    public void session(String event) {
        sessions.computeIfAbsent(
                        event,
                        name -> Counter.builder("switchboard.sessions")
                                .description("Reliable session events")
                                .tags("route", route, "event", name)
                                .register(registry))
                .increment();
    }

    /** A handshake refused for {@code reason} (e.g. {@code function}, {@code function-error}). */
    public void connectRefused(String reason) {
        refused.computeIfAbsent(
                        reason,
                        r -> Counter.builder("switchboard.connects")
                                .description("Handshakes by outcome")
                                .tags("route", route, "outcome", "refused", "reason", r)
                                .register(registry))
                .increment();
    }

    public void opened() {
        open.incrementAndGet();
    }

    /** A reliable session moved to another cluster node: it is open there, not here. */
    public void movedAway() {
        open.decrementAndGet();
        session("moved-away");
    }

    /** A connection ended with {@code cause}. */
    public void closed(CloseCause cause) {
        open.decrementAndGet();
        String closedBy = cause.closedBy().wireName();
        String code = codeLabel(cause.code());
        disconnects
                .computeIfAbsent(
                        closedBy + ' ' + code,
                        key -> Counter.builder("switchboard.disconnects")
                                .description("Connections that ended, by who ended them and close code")
                                .tags("route", route, "closed_by", closedBy, "code", code)
                                .register(registry))
                .increment();
    }

    public void messageIn(int bytes) {
        messagesIn.increment();
        bytesIn.increment(bytes);
    }

    public void messageOut(int bytes) {
        messagesOut.increment();
        bytesOut.increment(bytes);
    }

    public void slowConsumerClosed() {
        slowConsumerCloses.increment();
    }

    public void queueDepth(int depth) {
        queueDepth.record(depth);
    }

    /** One invocation of this route's {@code role} function that took {@code nanos}. */
    public void invocation(FunctionRole role, FunctionOutcome outcome, long nanos) {
        functions[role.ordinal()][outcome.ordinal()].record(nanos, TimeUnit.NANOSECONDS);
    }

    private Timer functionTimer(FunctionRole role, FunctionOutcome outcome) {
        return Timer.builder("switchboard.function.duration")
                .description("Function invocations by function and outcome")
                .tags("route", route, "function", role.label(), "outcome", outcome.label())
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
    }

    /** Open connections now. */
    public int openConnections() {
        return open.get();
    }

    /**
     * Close codes as a bounded label: the standard codes as themselves, application codes as
     * {@code 3xxx} / {@code 4xxx} (a client may send any of 2,000 of those).
     */
    static String codeLabel(int code) {
        if (code >= 3000 && code <= 3999) {
            return "3xxx";
        }
        if (code >= 4000 && code <= 4999) {
            return "4xxx";
        }
        return code >= 1000 && code <= 1015 ? Integer.toString(code) : "other";
    }
}
