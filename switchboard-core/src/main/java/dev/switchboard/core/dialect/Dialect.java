package dev.switchboard.core.dialect;

import dev.switchboard.core.function.EventWriter;
import dev.switchboard.core.function.FunctionResult;
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

    /** Reads the transfer function's result: success with an optional reply, or failure. */
    TransferOutcome transferOutcome(FunctionResult result);

    /** True when a cleanup invocation counts as delivered (no retry needed). */
    default boolean cleanupDelivered(FunctionResult result) {
        return result instanceof FunctionResult.Response response && response.ok();
    }
}
