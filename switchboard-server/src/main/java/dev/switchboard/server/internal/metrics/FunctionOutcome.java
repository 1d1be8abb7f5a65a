package dev.switchboard.server.internal.metrics;

import dev.switchboard.core.function.FunctionResult;

/** How an invocation ended, as the {@code outcome} label. */
public enum FunctionOutcome {
    OK("ok"),
    /** The registration function answered and refused the connection. */
    REFUSED("refused"),
    ERROR("error"),
    TIMEOUT("timeout");

    private final String label;

    FunctionOutcome(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The outcome of a raw result: 2xx is ok, a timeout is timeout, anything else error. */
    public static FunctionOutcome of(FunctionResult result) {
        if (result instanceof FunctionResult.Timeout) {
            return TIMEOUT;
        }
        return result instanceof FunctionResult.Response response && response.ok() ? OK : ERROR;
    }
}
