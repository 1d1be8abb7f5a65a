package dev.switchboard.core.function;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** How a function invocation ended. Invokers never fail their futures: every end is one of these. */
public sealed interface FunctionResult {

    /** One line for logs saying how the invocation ended. */
    String describe();

    /**
     * The function answered.
     *
     * @param status HTTP status (200 for in-process functions that returned normally)
     * @param body the body as JSON, or null when it was empty or not JSON
     * @param bodyPreview the start of the raw body, for logs when it was not JSON
     */
    record Response(int status, @Nullable JsonNode body, String bodyPreview) implements FunctionResult {
        /**
         * True when the function answered with a 2xx status. Tencent functions answer 200; any
         * 2xx is accepted so that an HTTP function may answer a cleanup with 204.
         */
        public boolean ok() {
            return status >= 200 && status < 300;
        }

        @Override
        public String describe() {
            return "HTTP " + status
                    + (body == null && !bodyPreview.isEmpty() ? " with a non-JSON body: " + bodyPreview : "");
        }
    }

    /** The function did not answer within its timeout. */
    record Timeout(Duration after) implements FunctionResult {
        @Override
        public String describe() {
            return "no answer within " + after.toMillis() + " ms";
        }
    }

    /** The function could not be reached or failed without an answer (refused, reset, threw). */
    record Failure(String reason) implements FunctionResult {
        @Override
        public String describe() {
            return reason;
        }
    }
}
