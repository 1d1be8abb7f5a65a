package dev.switchboard.core.config;

/**
 * The configuration is invalid. The message is one line that names the key, the bad value and
 * what was expected, e.g. {@code limits.idle-timeout: '10x' (expected: a duration like 500ms, 3s, 2m or 1h)}.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(oneLine(message));
    }

    /**
     * This mistake as seen from the section at {@code path} that holds the record which found it:
     * a record checks its own rules with keys relative to itself ({@code max-in-flight: 0 …}),
     * and the place that knows where it stands puts the path in front
     * ({@code routes[2].max-in-flight: 0 …}).
     */
    public ConfigException under(String path) {
        return path.isEmpty() ? this : new ConfigException(path + "." + getMessage());
    }

    /**
     * Escapes line breaks and other control characters, which a bad value quoted in the message
     * may hold (a YAML string can contain any character), so the message stays one log line.
     */
    private static String oneLine(String message) {
        StringBuilder line = null;
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            if (!Character.isISOControl(c)) {
                if (line != null) {
                    line.append(c);
                }
                continue;
            }
            if (line == null) {
                line = new StringBuilder(message.length() + 8).append(message, 0, i);
            }
            switch (c) {
                case '\n' -> line.append("\\n");
                case '\r' -> line.append("\\r");
                case '\t' -> line.append("\\t");
                default -> line.append(String.format("\\u%04x", (int) c));
            }
        }
        return line == null ? message : line.toString();
    }
}
