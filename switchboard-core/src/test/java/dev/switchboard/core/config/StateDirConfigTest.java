package dev.switchboard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StateDirConfigTest {
    private static final String ROUTES = "routes:\n  - path: /chat\n";

    @Test
    void stateDirIsAPathAndAbsentByDefault() {
        assertThat(ConfigLoader.parse(ROUTES, Map.of()).stateDir()).isNull();
        assertThat(ConfigLoader.parse("state-dir: /var/lib/switchboard\n" + ROUTES, Map.of())
                        .stateDir())
                .isEqualTo(Path.of("/var/lib/switchboard"));
        assertThat(ConfigLoader.parse("state-dir: null\n" + ROUTES, Map.of()).stateDir())
                .isNull();
    }

    @Test
    void stateDirSurvivesToBuilder() {
        GatewayConfig config = ConfigLoader.parse("state-dir: state\n" + ROUTES, Map.of());

        assertThat(config.toBuilder().build().stateDir()).isEqualTo(Path.of("state"));
    }

    @Test
    void emptyStateDirIsRefused() {
        assertThatThrownBy(() -> ConfigLoader.parse("state-dir: ''\n" + ROUTES, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("state-dir: empty (expected: a directory path, or no state-dir)");
    }

    @Test
    void stateDirIsAcceptedInClusterMode() {
        // a cluster node records its connections too: Redis can forget them, its own disk does not
        String yaml = "state-dir: /var/lib/switchboard\ncluster:\n  redis: redis://127.0.0.1:6379\n" + ROUTES;

        assertThat(ConfigLoader.parse(yaml, Map.of()).stateDir()).isEqualTo(Path.of("/var/lib/switchboard"));
    }
}
