package dev.switchboard.core.config;

/** What happens to a connection when its transfer function fails ({@code on-transfer-error}). */
public enum OnTransferError {
    /** Close the connection with 1011, as Tencent does. */
    CLOSE("close"),
    /** Log the failure and keep the connection open; the message is lost. */
    IGNORE("ignore");

    private final String configName;

    OnTransferError(String configName) {
        this.configName = configName;
    }

    /** The value written in config. */
    public String configName() {
        return configName;
    }
}
