package dev.switchboard.adversarial.functions;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A user's transfer function with a recursion that never ends: the stack overflows, a real
 * {@link StackOverflowError} thrown inside the gateway. Loaded with {@code --functions-jar}.
 */
public final class RunawayRecursion {
    /** Never returns. */
    public JsonNode transfer(JsonNode event) {
        return depthOf(event);
    }

    private JsonNode depthOf(JsonNode node) {
        return depthOf(node);
    }
}
