package dev.switchboard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code ${ENV}}, {@code ${ENV:-default}} and {@code $${LITERAL}} in config text. */
class ConfigEnvSubstitutionTest {
    private static final String ROUTE = """
            routes:
              - path: /chat
            """;

    @Test
    void substitutesASetVariable() {
        GatewayConfig config =
                ConfigLoader.parse(ROUTE + "push:\n  token: ${PUSH_TOKEN}\n", Map.of("PUSH_TOKEN", "s3cret"));

        assertThat(config.push().token()).isEqualTo("s3cret");
    }

    @Test
    void aSetVariableWinsOverItsDefault() {
        GatewayConfig config = ConfigLoader.parse(ROUTE + "node-id: ${NODE:-fallback}\n", Map.of("NODE", "gw-7"));

        assertThat(config.nodeId()).isEqualTo("gw-7");
    }

    @Test
    void usesTheDefaultWhenTheVariableIsUnset() {
        GatewayConfig config = ConfigLoader.parse(ROUTE + "node-id: ${NODE:-gw-default}\n", Map.of());

        assertThat(config.nodeId()).isEqualTo("gw-default");
    }

    @Test
    void usesTheDefaultWhenTheVariableIsEmpty() {
        GatewayConfig config = ConfigLoader.parse(ROUTE + "node-id: ${NODE:-gw-default}\n", Map.of("NODE", ""));

        assertThat(config.nodeId()).isEqualTo("gw-default");
    }

    @Test
    void anEmptyDefaultLeavesTheKeyEmpty() {
        GatewayConfig config = ConfigLoader.parse(ROUTE + "push:\n  token: ${PUSH_TOKEN:-}\n", Map.of());

        assertThat(config.push().token()).isNull();
    }

    @Test
    void anEmptyVariableWithoutDefaultIsEmpty() {
        GatewayConfig config = ConfigLoader.parse(ROUTE + "push:\n  token: ${PUSH_TOKEN}\n", Map.of("PUSH_TOKEN", ""));

        assertThat(config.push().token()).isNull();
    }

    @Test
    void substitutesNumbersDurationsAndPartsOfValues() {
        GatewayConfig config = ConfigLoader.parse(
                ROUTE
                        + "listen: ${HOST:-127.0.0.1}:${PORT}\n"
                        + "limits:\n  max-connections: ${MAX_CONN:-50}\n  idle-timeout: ${IDLE}\n",
                Map.of("PORT", "9000", "IDLE", "90s"));

        assertThat(config.listen()).isEqualTo(new HostPort("127.0.0.1", 9000));
        assertThat(config.limits().maxConnections()).isEqualTo(50);
        assertThat(config.limits().idleTimeout()).hasSeconds(90);
    }

    @Test
    void doubleDollarKeepsTheReferenceLiterally() {
        GatewayConfig config = ConfigLoader.parse("""
                routes:
                  - path: /chat
                    stage: $${STAGE}
                    service-id: "$${SERVICE:-x}"
                """, Map.of("STAGE", "prod", "SERVICE", "svc"));

        assertThat(config.routes().get(0).stage()).isEqualTo("${STAGE}");
        assertThat(((TencentDialectConfig) config.routes().get(0).dialect()).serviceId())
                .isEqualTo("${SERVICE:-x}");
    }

    @Test
    void aDefaultMayContainColonsAndSlashes() {
        GatewayConfig config = ConfigLoader.parse(
                "routes:\n  - path: /chat\n    functions:\n      transfer: ${TRANSFER:-http://127.0.0.1:9000/t}\n",
                Map.of());

        assertThat(config.routes().get(0).transfer().spec()).isEqualTo("http://127.0.0.1:9000/t");
    }

    @Test
    void anUnsetVariableWithoutDefaultNamesTheVariableAndLine() {
        assertThatThrownBy(() -> ConfigLoader.parse(ROUTE + "node-id: ${NODE_NAME}\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("line 3: ${NODE_NAME} is not set (expected: the variable set, or a default as"
                        + " ${NODE_NAME:-value})");
    }

    @Test
    void theDesignExampleLoadsWithoutItsVariableSet() {
        assertThat(ConfigLoader.parse(ConfigLoaderTest.FULL_EXAMPLE, Map.of())
                        .push()
                        .token())
                .isNull();
    }
}
