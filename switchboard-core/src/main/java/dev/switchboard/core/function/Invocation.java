package dev.switchboard.core.function;

import dev.switchboard.core.model.FunctionEvent;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * One call of a function.
 *
 * @param event what happened
 * @param writer how the route's dialect writes the event as JSON
 * @param timeout how long the function may take before the call ends with {@link FunctionResult.Timeout}
 * @param executor where the result must be delivered: the connection's event loop, so that the
 *     message path never hops threads. Invokers may also use it for their timers.
 * @param traceparent the W3C {@code traceparent} of this call's span, sent to the function as a
 *     header; null while tracing is off
 */
public record Invocation(
        FunctionEvent event,
        EventWriter writer,
        Duration timeout,
        ScheduledExecutorService executor,
        @Nullable String traceparent) {

    /** An invocation outside any trace. */
    public Invocation(FunctionEvent event, EventWriter writer, Duration timeout, ScheduledExecutorService executor) {
        this(event, writer, timeout, executor, null);
    }

    /** This invocation's request id, also sent to the function. */
    public String requestId() {
        return event.requestContext().requestId();
    }
}
