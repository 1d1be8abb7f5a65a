package dev.switchboard.core.config;

/** What happens to a connection that does not read fast enough ({@code limits.slow-consumer}). */
public enum SlowConsumerPolicy {
    /** Close it with 1013 (try again later); its cleanup says {@code slow-consumer}. */
    CLOSE("close"),
    /** Drop the message that did not fit and keep the connection. */
    DROP("drop");

    private final String configName;

    SlowConsumerPolicy(String configName) {
        this.configName = configName;
    }

    /** The value written in config. */
    public String configName() {
        return configName;
    }
}
