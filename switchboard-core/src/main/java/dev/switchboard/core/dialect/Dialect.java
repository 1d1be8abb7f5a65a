package dev.switchboard.core.dialect;

import dev.switchboard.core.function.EventWriter;
import dev.switchboard.core.function.FunctionResult;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.MessageEvent;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The wire format a route speaks with its functions: how events are written and how the
 * registration and transfer responses are read. Pure functions of their inputs; no I/O.
 */
public interface Dialect {

    /** Writes events in this dialect's JSON shape. */
    EventWriter eventWriter();

    /**
     * Reads the registration function's result into accept or refuse.
     *
     * @param requestedSubprotocols the client's {@code Sec-WebSocket-Protocol} header, if any
     */
    RegistrationDecision registrationDecision(FunctionResult result, @Nullable String requestedSubprotocols);

    /**
     * Chooses where a client's message goes. By default every message goes to the route's
     * default function ({@code transfer}, route key {@code $default}).
     */
    default MessageRoute messageRoute(Message message) {
        return new MessageRoute.Select(MessageEvent.DEFAULT_ROUTE_KEY);
    }

    /**
     * Reads the result of the function that took a message: success with an optional reply, or
     * failure (after which the gateway sends the {@link Notice#FUNCTION_FAILED} notice, if any,
     * and applies the route's {@code on-transfer-error} policy).
     */
    TransferOutcome transferOutcome(FunctionResult result);

    /**
     * What the client is told about {@code event} in the case of {@code notice}, or empty when
     * this dialect tells it nothing (the default: unrouted messages are dropped silently and
     * failures are only logged).
     */
    default Optional<Message> notice(Notice notice, MessageEvent event) {
        return Optional.empty();
    }

    /** True when a cleanup invocation counts as delivered (no retry needed). */
    default boolean cleanupDelivered(FunctionResult result) {
        return result instanceof FunctionResult.Response response && response.ok();
    }
}
