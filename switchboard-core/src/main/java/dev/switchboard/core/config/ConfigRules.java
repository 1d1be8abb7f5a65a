package dev.switchboard.core.config;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The checks many config records share; each throws a {@link ConfigException} naming {@code key}. */
final class ConfigRules {
    private ConfigRules() {}

    static void positive(String key, long value) {
        if (value <= 0) {
            throw new ConfigException(key + ": " + value + " (expected: > 0)");
        }
    }

    static void positive(String key, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new ConfigException(key + ": " + Units.format(value) + " (expected: > 0)");
        }
    }

    static void positiveIfSet(String key, @Nullable Integer value) {
        if (value != null) {
            positive(key, value);
        }
    }

    static void positiveIfSet(String key, @Nullable Duration value) {
        if (value != null) {
            positive(key, value);
        }
    }

    static void atLeast(String key, Duration value, Duration min) {
        if (value.compareTo(min) < 0) {
            throw new ConfigException(
                    key + ": " + Units.format(value) + " (expected: at least " + Units.format(min) + ")");
        }
    }

    /** Browser origins, {@code scheme://host[:port]} as an {@code Origin} header sends them, or {@code null}. */
    static List<String> origins(String key, List<String> origins) {
        for (String origin : origins) {
            if (!origin.matches("https?://[^/\\s]+") && !origin.equals("null")) {
                throw new ConfigException(key + ": '" + origin
                        + "' (expected: scheme://host[:port] as browsers send it, e.g. https://app.example.com)");
            }
        }
        return List.copyOf(origins);
    }
}
