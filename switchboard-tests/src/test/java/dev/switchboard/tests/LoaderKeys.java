package dev.switchboard.tests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.ConfigLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every key the real config loader accepts, found by asking the loader itself: an unknown key in
 * a mapping is refused with the list of the keys that mapping knows, and a key whose value may be
 * a mapping (or a list of mappings) is one the loader reads further. Keys come back as full paths
 * with list elements written {@code []}, e.g. {@code routes[].timeouts.register}.
 */
final class LoaderKeys {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROBE = "zz-probe";
    private static final Pattern UNKNOWN =
            Pattern.compile("^(?:(.+)\\.)?" + PROBE + ": unknown key \\(expected one of: (.*)\\)$");

    /** What a mapping needs before the loader reads its other keys (the keys it requires). */
    private static final Map<String, String> SEEDS = Map.of(
            "routes", "{\"path\":\"/probe\",\"resume-window\":\"30s\"}",
            "aws-credentials", "{\"access-key-id\":\"a\",\"secret-access-key\":\"b\"}");

    private LoaderKeys() {}

    static TreeSet<String> all() {
        TreeSet<String> keys = new TreeSet<>();
        ObjectNode root = JSON.createObjectNode();
        root.set("routes", JSON.createArrayNode().add(seed("routes")));
        collect(root, root, "", keys);
        return keys;
    }

    /** Collects the keys of {@code section}, a mapping somewhere inside {@code root}. */
    private static void collect(ObjectNode root, ObjectNode section, String path, TreeSet<String> keys) {
        for (String key : known(root, section, path)
                .orElseThrow(() -> new AssertionError(
                        "the loader did not list the keys of " + (path.isEmpty() ? "the top level" : path)))) {
            String keyPath = path.isEmpty() ? key : path + "." + key;
            keys.add(keyPath.replaceAll("\\[\\d+]", "[]"));
            JsonNode before = section.get(key);
            if (before instanceof ArrayNode list && list.get(0) instanceof ObjectNode element) {
                collect(root, element, keyPath + "[0]", keys);
                continue;
            }
            ObjectNode mapping = before instanceof ObjectNode o ? o : seed(key);
            section.set(key, mapping);
            if (known(root, mapping, keyPath).isPresent()) {
                collect(root, mapping, keyPath, keys);
            } else {
                ObjectNode element = seed(key);
                section.set(key, JSON.createArrayNode().add(element));
                if (known(root, element, keyPath + "[0]").isPresent()) {
                    collect(root, element, keyPath + "[0]", keys);
                }
            }
            restore(section, key, before);
        }
    }

    /** The keys the loader lists for {@code section} when it holds an unknown one. */
    private static Optional<List<String>> known(ObjectNode root, ObjectNode section, String path) {
        section.put(PROBE, 1);
        try {
            ConfigLoader.parse(root.toString(), Map.of());
            return Optional.empty();
        } catch (ConfigException e) {
            Matcher m = UNKNOWN.matcher(e.getMessage());
            String at = path.isEmpty() ? null : path;
            if (!m.matches() || !java.util.Objects.equals(m.group(1), at)) {
                return Optional.empty();
            }
            List<String> names = new ArrayList<>(List.of(m.group(2).split(", ")));
            return Optional.of(names);
        } finally {
            section.remove(PROBE);
        }
    }

    private static void restore(ObjectNode section, String key, JsonNode before) {
        if (before == null) {
            section.remove(key);
        } else {
            section.set(key, before);
        }
    }

    private static ObjectNode seed(String key) {
        try {
            return (ObjectNode) JSON.readTree(SEEDS.getOrDefault(key, "{}"));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
