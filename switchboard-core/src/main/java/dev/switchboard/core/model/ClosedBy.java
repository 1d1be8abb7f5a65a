package dev.switchboard.core.model;

/** Who or what ended a connection; sent to the cleanup function as {@code closedBy}. */
public enum ClosedBy {
    CLIENT("client"),
    SERVER("server"),
    PUSH("push"),
    ADMIN("admin"),
    IDLE_TIMEOUT("idle-timeout"),
    MAX_LIFETIME("max-lifetime"),
    TRANSFER_ERROR("transfer-error"),
    SLOW_CONSUMER("slow-consumer"),
    SHUTDOWN("shutdown"),
    NODE_LOST("node-lost");

    private final String wireName;

    ClosedBy(String wireName) {
        this.wireName = wireName;
    }

    /** The value functions see, e.g. {@code idle-timeout}. */
    public String wireName() {
        return wireName;
    }
}
