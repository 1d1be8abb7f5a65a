package dev.switchboard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code runtimes:} section: defaults, YAML keys and one-line errors. */
class RuntimesConfigTest {
    private static final String ROUTE = """
            routes:
              - path: /chat
            """;

    private static GatewayConfig parse(String yaml) {
        return ConfigLoader.parse(ROUTE + yaml, Map.of());
    }

    @Test
    void absentSectionMeansTwoWorkersAndTheCommandsOnThePath() {
        RuntimesConfig runtimes = parse("").runtimes();

        assertThat(runtimes).isEqualTo(RuntimesConfig.defaults());
        assertThat(runtimes.workers()).isEqualTo(2);
        assertThat(runtimes.python()).isEqualTo("python3");
        assertThat(runtimes.node()).isEqualTo("node");
    }

    @Test
    void everyKeyMapsToItsBuilderMethod() {
        RuntimesConfig runtimes = parse("runtimes: {workers: 4, python: /opt/venv/bin/python -X dev, node: nodejs}\n")
                .runtimes();

        assertThat(runtimes)
                .isEqualTo(RuntimesConfig.builder()
                        .workers(4)
                        .python("/opt/venv/bin/python -X dev")
                        .node("nodejs")
                        .build());
    }

    @Test
    void workersOutOfRangeIsRejectedWithTheRange() {
        assertThatThrownBy(() -> parse("runtimes: {workers: 0}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("runtimes.workers: 0 (expected: 1 to 256)");
    }

    @Test
    void unknownKeyListsTheKnownOnes() {
        assertThatThrownBy(() -> parse("runtimes: {worker: 3}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("runtimes.worker: unknown key (expected one of: node, python, workers)");
    }

    @Test
    void codeBuiltConfigIsValidatedToo() {
        GatewayConfig.Builder builder = ConfigLoader.parse(ROUTE, Map.of()).toBuilder();

        assertThatThrownBy(() -> builder.runtimes(
                                RuntimesConfig.builder().python(" ").build())
                        .build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("runtimes.python: empty (expected: a command such as python3)");
    }
}
