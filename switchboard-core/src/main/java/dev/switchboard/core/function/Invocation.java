package dev.switchboard.core.function;

import dev.switchboard.core.model.FunctionEvent;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One call of a function.
 *
 * @param event what happened
 * @param writer how the route's dialect writes the event as JSON
 * @param timeout how long the function may take before the call ends with {@link FunctionResult.Timeout}
 * @param executor where the result must be delivered: the connection's event loop, so that the
 *     message path never hops threads. Invokers may also use it for their timers.
 */
public record Invocation(FunctionEvent event, EventWriter writer, Duration timeout, ScheduledExecutorService executor) {
    /** This invocation's request id, also sent to the function. */
    public String requestId() {
        return event.requestContext().requestId();
    }
}
