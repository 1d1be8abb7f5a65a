package dev.switchboard.core.dialect;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** What the registration function decided about a new connection. */
public sealed interface RegistrationDecision {

    /**
     * Open the connection.
     *
     * @param subprotocol the subprotocol to send in the 101 response, or null for none
     * @param permessageDeflate whether the function allows {@code permessage-deflate}
     * @param context the connection's context, stored and added to its later events
     * @param groups groups to join on accept
     * @param userId the connection's user, from the answer's top-level {@code userId}, or null
     */
    record Accept(
            @Nullable String subprotocol,
            boolean permessageDeflate,
            @Nullable ObjectNode context,
            List<String> groups,
            @Nullable String userId)
            implements RegistrationDecision {
        /** Accept without naming a user. */
        public Accept(
                @Nullable String subprotocol,
                boolean permessageDeflate,
                @Nullable ObjectNode context,
                List<String> groups) {
            this(subprotocol, permessageDeflate, context, groups, null);
        }

        /** Accept with nothing chosen. */
        public static Accept plain() {
            return new Accept(null, false, null, List.of());
        }
    }

    /**
     * Refuse the connection: the client gets {@code httpStatus} and {@code {"errNo","errMsg"}}.
     *
     * @param httpStatus the status of the handshake response, 400–599
     * @param errNo the errNo sent to the client
     * @param errMsg the errMsg sent to the client
     * @param logReason what the operator's log says about why
     */
    record Refuse(int httpStatus, int errNo, String errMsg, String logReason) implements RegistrationDecision {}

    /**
     * Refuse the connection with the answer the registration function chose, as the AWS
     * dialect's {@code $connect} does with a status other than 2xx.
     *
     * @param httpStatus the status of the handshake response, 300–599
     * @param headers response headers the function set
     * @param body the response body, possibly empty
     * @param contentType the body's content type
     * @param logReason what the operator's log says about why
     */
    record Respond(int httpStatus, Map<String, String> headers, String body, String contentType, String logReason)
            implements RegistrationDecision {
        public Respond {
            headers = Map.copyOf(headers);
        }
    }
}
