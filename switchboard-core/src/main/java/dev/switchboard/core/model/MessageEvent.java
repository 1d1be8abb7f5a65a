package dev.switchboard.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/**
 * A client sent a message; sent to the transfer function.
 *
 * @param requestContext where the message comes from
 * @param connectionId the sender
 * @param message the message
 * @param context the connection's context from registration, if any
 */
public record MessageEvent(
        RequestContext requestContext,
        String connectionId,
        Message message,
        @Nullable JsonNode context) implements FunctionEvent {}
