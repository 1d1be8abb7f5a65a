package dev.switchboard.core.config;

/**
 * The configuration is invalid. The message is one line that names the key, the bad value and
 * what was expected, e.g. {@code limits.idle-timeout: '10x' (expected: a duration like 500ms, 3s, 2m or 1h)}.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
