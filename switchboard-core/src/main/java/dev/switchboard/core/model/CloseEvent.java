package dev.switchboard.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/**
 * A connection has ended; sent to the cleanup function exactly once per accepted connection.
 *
 * @param requestContext where the connection came from
 * @param connectionId the connection that ended
 * @param context the connection's context from registration, if any
 * @param cause why it ended
 */
public record CloseEvent(
        RequestContext requestContext,
        String connectionId,
        @Nullable JsonNode context,
        CloseCause cause) implements FunctionEvent {}
