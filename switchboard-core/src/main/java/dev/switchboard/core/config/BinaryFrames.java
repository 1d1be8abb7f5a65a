package dev.switchboard.core.config;

/** What a route does with a binary message from a client ({@code binary-frames}). */
public enum BinaryFrames {
    /** Hand it to the message function, base64-encoded (the Tencent dialect's default). */
    DELIVER("deliver"),
    /** Close the connection with 1003, as AWS API Gateway does (the AWS dialect's default). */
    CLOSE("close");

    private final String configName;

    BinaryFrames(String configName) {
        this.configName = configName;
    }

    /** The value written in config. */
    public String configName() {
        return configName;
    }
}
