package dev.switchboard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.function.FunctionTarget;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A config built in code is held to the rules a YAML file is: each record refuses a mistake as it
 * is built, with the message the file's mistake gets, less the {@code routes[n].} a route built
 * alone cannot know.
 */
class CodeBuiltConfigTest {
    @Test
    void clusterRulesHoldWithoutTheLoader() {
        assertThatThrownBy(() -> ClusterConfig.of("http://127.0.0.1:6379"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("cluster.redis: 'http://127.0.0.1:6379' (expected: redis://host:port, rediss://… or"
                        + " redis-sentinel://…)");
        assertThatThrownBy(() ->
                        ClusterConfig.of("redis://x:1").withHeartbeat(Duration.ofSeconds(1), Duration.ofMillis(1500)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("cluster.heartbeat-ttl: 1500ms (expected: at least twice heartbeat-interval, 2s)");
        assertThatThrownBy(() -> ClusterConfig.builder("redis://x:1")
                        .heartbeatInterval(Duration.ofMillis(10))
                        .build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("cluster.heartbeat-interval: 10ms (expected: at least 50ms)");
    }

    @Test
    void pushRulesHoldWithoutTheLoader() {
        assertThatThrownBy(() -> PushConfig.defaults().withListen(new HostPort("0.0.0.0", 8081)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("push.listen: 0.0.0.0:8081 is not a loopback address and push.token is empty"
                        + " (expected: a push.token, or a loopback address such as 127.0.0.1)");
        assertThatThrownBy(() -> PushConfig.builder()
                        .allowedHosts(java.util.List.of("http://x/y"))
                        .build())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("push.allowed-hosts: 'http://x/y' (expected: host or host:port");
    }

    @Test
    void limitsRulesHoldWithoutTheLoader() {
        assertThatThrownBy(() -> LimitsConfig.builder().maxConnections(0).build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("limits.max-connections: 0 (expected: > 0)");
    }

    @Test
    void aRouteNamesItsMistakeRelativeToItself() {
        assertThatThrownBy(() -> RouteConfig.builder("chat").build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("path: 'chat' (expected: a path starting with /, without query)");
        assertThatThrownBy(() -> RouteConfig.builder("/chat").maxInFlight(0).build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("max-in-flight: 0 (expected: 1 to 1024)");
        assertThatThrownBy(() -> ReliableConfig.withWindow(Duration.ofMinutes(1))
                        .withReplayLimits(10, 1024, Duration.ofSeconds(30)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("replay-buffer.max-age: 30s (expected: at least the resume-window, 1m)");
    }

    @Test
    void dialectRulesHoldWithoutTheLoader() {
        assertThatThrownBy(() ->
                        TencentDialectConfig.builder().transferAction("data").build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("transfer-action: 'data' (expected: one of data send, data recv)");
        assertThatThrownBy(() -> AwsDialectConfig.builder()
                        .routeKey("$conect", FunctionTarget.parse("http://127.0.0.1:9000/x"))
                        .build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("route-keys.$conect: not a route key (expected: $connect, $default, $disconnect,"
                        + " or a name without $)");
        assertThatThrownBy(() -> AwsDialectConfig.builder()
                        .routeSelectionExpression("action")
                        .build())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("route-selection-expression: 'action' (expected: $request.body.");
    }

    @Test
    void theDialectGivesTheDefaultsTheRouteLeavesOpen() {
        RouteConfig tencent = RouteConfig.builder("/chat").build();
        RouteConfig aws =
                RouteConfig.builder("/aws").dialect(AwsDialectConfig.defaults()).build();

        assertThat(tencent.onTransferError()).isEqualTo(OnTransferError.CLOSE);
        assertThat(tencent.binaryFrames()).isEqualTo(BinaryFrames.DELIVER);
        assertThat(tencent.connectionLimits(LimitsConfig.defaults()).maxFrameBytes())
                .isEqualTo(LimitsConfig.DEFAULT_MAX_MESSAGE_BYTES);
        assertThat(aws.onTransferError()).isEqualTo(OnTransferError.IGNORE);
        assertThat(aws.binaryFrames()).isEqualTo(BinaryFrames.CLOSE);
        assertThat(aws.connectionLimits(LimitsConfig.defaults()))
                .isEqualTo(new ConnectionLimits(
                        AwsDialectConfig.MAX_MESSAGE_BYTES,
                        AwsDialectConfig.MAX_FRAME_BYTES,
                        AwsDialectConfig.IDLE_TIMEOUT,
                        AwsDialectConfig.MAX_LIFETIME));
    }
}
