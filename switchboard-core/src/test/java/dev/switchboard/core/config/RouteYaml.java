package dev.switchboard.core.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

/** One route {@code /chat} loaded from YAML keys, for the tests of a route's blocks and their mistakes. */
final class RouteYaml {
    private RouteYaml() {}

    /** The route {@code /chat} with {@code keys} (YAML at the route's level). */
    static RouteConfig route(String keys) {
        return ConfigLoader.parse("routes:\n  - path: /chat\n" + keys.indent(4), Map.of())
                .routes()
                .get(0);
    }

    /** Asserts {@code keys} are refused with exactly {@code message}. */
    static void assertRejected(String keys, String message) {
        assertThatThrownBy(() -> route(keys))
                .isInstanceOf(ConfigException.class)
                .hasMessage(message);
    }
}
