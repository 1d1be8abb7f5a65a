package dev.switchboard.server.internal.metrics;

/** Which of a route's functions an invocation was; the {@code function} label. */
public enum FunctionRole {
    REGISTER("register"),
    TRANSFER("transfer"),
    CLEANUP("cleanup"),
    PRESENCE("presence");

    private final String label;

    FunctionRole(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
