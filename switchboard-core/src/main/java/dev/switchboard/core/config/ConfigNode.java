package dev.switchboard.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A YAML mapping being read into a config record. Each accessor knows the key's full path, so
 * every error names it; {@link #finish()} rejects keys nobody asked for, which catches typos.
 * A key set to YAML {@code null} counts as absent.
 */
final class ConfigNode {
    private final String path;
    private final JsonNode node;
    private final Set<String> known = new LinkedHashSet<>();

    private ConfigNode(String path, JsonNode node) {
        this.path = path;
        this.node = node;
    }

    static ConfigNode root(JsonNode node) {
        if (!node.isObject()) {
            throw new ConfigException(
                    "config: not a mapping of keys to values (expected: YAML like 'listen: 0.0.0.0:8080')");
        }
        return new ConfigNode("", node);
    }

    String keyPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private @Nullable JsonNode value(String key) {
        known.add(key);
        JsonNode value = node.get(key);
        return value == null || value.isNull() ? null : value;
    }

    private <T> T scalar(String key, T fallback, String expected, Function<String, T> parse) {
        JsonNode value = value(key);
        if (value == null) {
            return fallback;
        }
        if (!value.isValueNode()) {
            throw bad(key, value, expected);
        }
        try {
            return parse.apply(value.asText());
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw bad(key, value, expected);
        }
    }

    String string(String key, String fallback) {
        return scalar(key, fallback, "a string", s -> s);
    }

    @Nullable
    String optionalString(String key) {
        String value = scalar(key, "", "a string", s -> s);
        return value.isEmpty() ? null : value;
    }

    boolean bool(String key, boolean fallback) {
        return scalar(key, fallback, "true or false", s -> switch (s) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException();
        });
    }

    int integer(String key, int fallback, int min, int max) {
        // parsed as long so that 99999999999 is reported as out of range, not as "not an integer"
        long value = scalar(key, (long) fallback, "an integer", Long::parseLong);
        return (int) checkRange(key, value, min, max, Long.toString(value));
    }

    /** An integer in {@code [min, max]}, or null when the key is absent. */
    @Nullable
    Integer optionalInteger(String key, int min, int max) {
        Long value = scalar(key, null, "an integer", Long::parseLong);
        return value == null ? null : (int) checkRange(key, value, min, max, Long.toString(value));
    }

    int size(String key, long fallback, long min, long max) {
        long value = scalar(key, fallback, Units.SIZE_FORM, Units::size);
        return (int) checkRange(key, value, min, max, Long.toString(value));
    }

    Duration duration(String key, Duration fallback, Duration min) {
        Duration value = scalar(key, fallback, Units.DURATION_FORM, Units::duration);
        if (value.compareTo(min) < 0) {
            throw new ConfigException(
                    keyPath(key) + ": " + Units.format(value) + " (expected: at least " + Units.format(min) + ")");
        }
        return value;
    }

    /** A size in {@code [min, max]}, or null when the key is absent. */
    @Nullable
    Integer optionalSize(String key, long min, long max) {
        return parsed(key, null, Units.SIZE_FORM, text -> sizeIn(text, min, max));
    }

    /** A duration of at least {@code min}, or null when the key is absent. */
    @Nullable
    Duration optionalDuration(String key, Duration min) {
        return parsed(key, null, Units.DURATION_FORM, text -> durationOf(text, min));
    }

    /**
     * The record {@code build} makes, with the path of this mapping in front of the key of any
     * rule it breaks (see {@link ConfigException#under}).
     */
    <T> T build(Supplier<T> build) {
        try {
            return build.get();
        } catch (ConfigException e) {
            throw e.under(path);
        }
    }

    <T> T parsed(String key, T fallback, String expected, Function<String, T> parse) {
        JsonNode value = value(key);
        if (value == null) {
            return fallback;
        }
        if (!value.isValueNode()) {
            throw bad(key, value, expected);
        }
        try {
            return parse.apply(value.asText());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(keyPath(key) + ": " + e.getMessage());
        }
    }

    <T> T choice(String key, T fallback, List<T> choices, Function<T, String> name) {
        JsonNode value = value(key);
        if (value == null) {
            return fallback;
        }
        for (T choice : choices) {
            if (name.apply(choice).equals(value.asText())) {
                return choice;
            }
        }
        List<String> names = choices.stream().map(name).toList();
        throw bad(key, value, "one of " + String.join(", ", names));
    }

    List<String> strings(String key) {
        JsonNode value = value(key);
        if (value == null) {
            return List.of();
        }
        if (!value.isArray()) {
            throw bad(key, value, "a list of strings");
        }
        List<String> values = new ArrayList<>();
        for (JsonNode element : value) {
            if (!element.isValueNode() || element.isNull()) {
                throw bad(key, value, "a list of strings");
            }
            values.add(element.asText());
        }
        return List.copyOf(values);
    }

    Optional<ConfigNode> object(String key) {
        JsonNode value = value(key);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isObject()) {
            throw bad(key, value, "a mapping of keys to values");
        }
        return Optional.of(new ConfigNode(keyPath(key), value));
    }

    List<ConfigNode> objects(String key) {
        JsonNode value = value(key);
        if (value == null) {
            return List.of();
        }
        if (!value.isArray()) {
            throw bad(key, value, "a list");
        }
        List<ConfigNode> nodes = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            JsonNode element = value.get(i);
            String elementPath = keyPath(key) + "[" + i + "]";
            if (!element.isObject()) {
                throw new ConfigException(
                        elementPath + ": " + show(element) + " (expected: a mapping of keys to values)");
            }
            nodes.add(new ConfigNode(elementPath, element));
        }
        return nodes;
    }

    /** The keys of this mapping, in order; each still has to be read with an accessor. */
    List<String> keys() {
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    /** Rejects keys that no accessor asked for. */
    void finish() {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new ConfigException(keyPath(name) + ": unknown key (expected one of: "
                        + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }

    ConfigException error(String key, String message) {
        return new ConfigException(keyPath(key) + ": " + message);
    }

    private <T extends Comparable<T>> T checkRange(String key, T value, T min, T max, String shown) {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new ConfigException(keyPath(key) + ": " + shown + " (expected: " + min + " to " + max + ")");
        }
        return value;
    }

    private long checkRange(String key, long value, long min, long max, String shown) {
        return checkRange(key, (Long) value, (Long) min, (Long) max, shown);
    }

    private ConfigException bad(String key, JsonNode value, String expected) {
        return new ConfigException(keyPath(key) + ": " + show(value) + " (expected: " + expected + ")");
    }

    private static Integer sizeIn(String text, long min, long max) {
        long size;
        try {
            size = Units.size(text);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' (expected: " + Units.SIZE_FORM + ")");
        }
        if (size < min || size > max) {
            throw new IllegalArgumentException(size + " (expected: " + min + " to " + max + ")");
        }
        return (int) size;
    }

    /** A duration of at least {@code min}; an {@link IllegalArgumentException} names the form or the bound. */
    static Duration durationOf(String text, Duration min) {
        Duration duration;
        try {
            duration = Units.duration(text);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' (expected: " + Units.DURATION_FORM + ")");
        }
        if (duration.compareTo(min) < 0) {
            throw new IllegalArgumentException(
                    Units.format(duration) + " (expected: at least " + Units.format(min) + ")");
        }
        return duration;
    }

    private static String show(JsonNode value) {
        String text = value.isValueNode() ? "'" + value.asText() + "'" : value.toString();
        return text.length() > 60 ? text.substring(0, 60) + "…" : text;
    }
}
