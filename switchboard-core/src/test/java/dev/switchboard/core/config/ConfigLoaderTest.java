package dev.switchboard.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.function.FunctionTarget;
import dev.switchboard.core.model.ConnectionId;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
    /** A full configuration using every section of docs/configuration.md. */
    static final String FULL_EXAMPLE = """
            node-id: auto                  # auto = hostname + random suffix
            listen: 0.0.0.0:8080           # client WebSockets
            push:
              listen: 127.0.0.1:8081
              token: ${SWITCHBOARD_PUSH_TOKEN:-}
            tls: {cert: null, key: null}
            cluster: {redis: null}         # e.g. redis://127.0.0.1:6379 ; null = single node, in memory
            limits:
              max-connections: 100000
              max-connections-per-ip: 1000
              max-message-bytes: 131072
              idle-timeout: 600s
              max-lifetime: 2h
              outbound-buffer-bytes: 1048576
            routes:
              - path: /chat
                dialect: tencent
                service-id: service-local
                stage: release
                functions:
                  register: http://127.0.0.1:9000/register
                  transfer: http://127.0.0.1:9000/transfer
                  cleanup:  http://127.0.0.1:9000/cleanup
                timeouts: {register: 3s, transfer: 10s, cleanup: 10s}
            """;

    static final String ONE_ROUTE = """
            routes:
              - path: /chat
            """;

    static GatewayConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, Map.of());
    }

    @Test
    void loadsTheFullExampleOfTheDesign() {
        GatewayConfig config = parse(FULL_EXAMPLE);

        assertThat(config.nodeId()).matches(ConnectionId.NODE_ID);
        assertThat(config.listen()).isEqualTo(new HostPort("0.0.0.0", 8080));
        assertThat(config.push().listen()).isEqualTo(new HostPort("127.0.0.1", 8081));
        assertThat(config.push().token()).isNull();
        assertThat(config.limits().maxConnections()).isEqualTo(100_000);
        assertThat(config.limits().maxConnectionsPerIp()).isEqualTo(1000);
        assertThat(config.limits().maxMessageBytes()).isEqualTo(131_072);
        assertThat(config.limits().idleTimeout()).isEqualTo(Duration.ofSeconds(600));
        assertThat(config.limits().maxLifetime()).isEqualTo(Duration.ofHours(2));
        assertThat(config.limits().outboundBufferBytes()).isEqualTo(1_048_576);

        assertThat(config.routes()).hasSize(1);
        RouteConfig route = config.routes().get(0);
        assertThat(route.path()).isEqualTo("/chat");
        assertThat(route.dialect()).isEqualTo(TencentDialectConfig.defaults());
        assertThat(route.dialect().name()).isEqualTo("tencent");
        assertThat(((TencentDialectConfig) route.dialect()).serviceId()).isEqualTo("service-local");
        assertThat(route.stage()).isEqualTo("release");
        assertThat(route.register()).isEqualTo(new FunctionTarget.Http(URI.create("http://127.0.0.1:9000/register")));
        assertThat(route.transfer()).isEqualTo(new FunctionTarget.Http(URI.create("http://127.0.0.1:9000/transfer")));
        assertThat(route.cleanup()).isEqualTo(new FunctionTarget.Http(URI.create("http://127.0.0.1:9000/cleanup")));
        assertThat(route.registerTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(route.transferTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(route.cleanupTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void designExampleTakesThePushTokenFromTheEnvironment() {
        GatewayConfig config = ConfigLoader.parse(FULL_EXAMPLE, Map.of("SWITCHBOARD_PUSH_TOKEN", "s3cret"));

        assertThat(config.push().token()).isEqualTo("s3cret");
    }

    @Test
    void nodeIdAutoGivesEachNodeItsOwnId() {
        assertThat(parse(ONE_ROUTE).nodeId()).isNotEqualTo(parse(ONE_ROUTE).nodeId());
        assertThat(parse("node-id: auto\n" + ONE_ROUTE).nodeId()).matches(ConnectionId.NODE_ID);
    }

    @Test
    void absentKeysTakeTheDocumentedDefaults() {
        GatewayConfig config = parse(ONE_ROUTE);

        assertThat(config.listen()).isEqualTo(GatewayConfig.DEFAULT_LISTEN);
        assertThat(config.shutdownTimeout()).isEqualTo(GatewayConfig.DEFAULT_SHUTDOWN_TIMEOUT);
        assertThat(config.shutdownCloseCode()).isEqualTo(1001);
        assertThat(config.cleanupRetryFor()).isEqualTo(GatewayConfig.DEFAULT_CLEANUP_RETRY_FOR);
        assertThat(config.push()).isEqualTo(PushConfig.defaults());
        assertThat(config.push().listen()).isEqualTo(PushConfig.DEFAULT_LISTEN);
        assertThat(config.push().token()).isNull();
        assertThat(config.push().maxBodyBytes()).isEqualTo(PushConfig.DEFAULT_MAX_BODY_BYTES);
        assertDefaultLimits(config.limits());

        RouteConfig route = config.routes().get(0);
        TencentDialectConfig tencent = (TencentDialectConfig) route.dialect();
        assertThat(tencent.serviceId()).isEqualTo(TencentDialectConfig.DEFAULT_SERVICE_ID);
        assertThat(route.stage()).isEqualTo(RouteConfig.DEFAULT_STAGE);
        assertThat(route.register()).isNull();
        assertThat(route.transfer()).isNull();
        assertThat(route.cleanup()).isNull();
        assertThat(route.registerTimeout()).isEqualTo(RouteConfig.DEFAULT_REGISTER_TIMEOUT);
        assertThat(route.transferTimeout()).isEqualTo(RouteConfig.DEFAULT_TRANSFER_TIMEOUT);
        assertThat(route.cleanupTimeout()).isEqualTo(RouteConfig.DEFAULT_CLEANUP_TIMEOUT);
        assertThat(tencent.transferAction()).isEqualTo(TencentDialectConfig.DEFAULT_TRANSFER_ACTION);
        assertThat(route.subprotocols()).isEmpty();
        assertThat(route.permessageDeflate()).isFalse();
        assertThat(route.onTransferError()).isEqualTo(OnTransferError.CLOSE);
        assertThat(route.maxInFlight()).isEqualTo(RouteConfig.DEFAULT_MAX_IN_FLIGHT);
        assertThat(route.maxConnections()).as("no limit of the route's own").isNull();
    }

    @Test
    void defaultsMatchTheDesign() {
        assertThat(GatewayConfig.DEFAULT_LISTEN).hasToString("0.0.0.0:8080");
        assertThat(PushConfig.DEFAULT_LISTEN).hasToString("127.0.0.1:8081");
        assertThat(GatewayConfig.DEFAULT_CLEANUP_RETRY_FOR).isEqualTo(Duration.ofHours(1));
        assertThat(RouteConfig.DEFAULT_REGISTER_TIMEOUT).isEqualTo(Duration.ofSeconds(3));
        assertThat(TencentDialectConfig.DEFAULT_TRANSFER_ACTION).isEqualTo("data send");
        assertThat(LimitsConfig.DEFAULT_PING_INTERVAL).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void keysSetToNullOrEmptySectionsCountAsAbsent() {
        GatewayConfig config = parse("""
                listen: null
                push:
                limits:
                  idle-timeout: null
                  max-connections: ~
                routes:
                  - path: /chat
                    functions:
                    timeouts: {register: null}
                """);

        assertThat(config.listen()).isEqualTo(GatewayConfig.DEFAULT_LISTEN);
        assertThat(config.push()).isEqualTo(PushConfig.defaults());
        assertDefaultLimits(config.limits());
        assertThat(config.routes().get(0).register()).isNull();
        assertThat(config.routes().get(0).registerTimeout()).isEqualTo(RouteConfig.DEFAULT_REGISTER_TIMEOUT);
    }

    @Test
    void readsEveryKeyOntoItsBuilderMethod() {
        GatewayConfig config = parse("""
                node-id: gw-1
                listen: 127.0.0.1:9090
                shutdown-timeout: 30s
                shutdown-close-code: 1012
                cleanup-retry-for: 2h
                push:
                  listen: 0.0.0.0:9091
                  token: t0k3n
                  max-body-bytes: 64KiB
                limits:
                  max-connections: 10
                  max-connections-per-ip: 2
                  max-message-bytes: 1MiB
                  idle-timeout: 5m
                  max-lifetime: 1d
                  outbound-buffer-bytes: 2MiB
                  handshake-timeout: 500ms
                  max-header-bytes: 16KiB
                  ping-interval: 15s
                  inbound-queue-messages: 8
                  inbound-queue-bytes: 256KiB
                  close-timeout: 2s
                routes:
                  - path: /chat
                    service-id: service-abc
                    stage: test
                    transfer-action: data recv
                    subprotocols: [chat, superchat]
                    permessage-deflate: true
                    on-transfer-error: ignore
                    max-in-flight: 4
                    max-connections: 500
                    functions:
                      transfer: java:com.example.Chat#transfer
                    timeouts: {transfer: 2m}
                  - path: /echo
                """);

        assertThat(config.nodeId()).isEqualTo("gw-1");
        assertThat(config.listen()).isEqualTo(new HostPort("127.0.0.1", 9090));
        assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.shutdownCloseCode()).isEqualTo(1012);
        assertThat(config.cleanupRetryFor()).isEqualTo(Duration.ofHours(2));
        assertThat(config.push())
                .isEqualTo(PushConfig.builder()
                        .listen(new HostPort("0.0.0.0", 9091))
                        .token("t0k3n")
                        .maxBodyBytes(64 * 1024)
                        .build());
        assertThat(config.limits())
                .isEqualTo(LimitsConfig.builder()
                        .maxConnections(10)
                        .maxConnectionsPerIp(2)
                        .maxMessageBytes(1024 * 1024)
                        .idleTimeout(Duration.ofMinutes(5))
                        .maxLifetime(Duration.ofDays(1))
                        .outboundBufferBytes(2 * 1024 * 1024)
                        .handshakeTimeout(Duration.ofMillis(500))
                        .maxHeaderBytes(16 * 1024)
                        .pingInterval(Duration.ofSeconds(15))
                        .inboundQueueMessages(8)
                        .inboundQueueBytes(256 * 1024)
                        .closeTimeout(Duration.ofSeconds(2))
                        .build());
        RouteConfig chat = config.routes().get(0);
        assertThat(chat)
                .isEqualTo(RouteConfig.builder("/chat")
                        .dialect(TencentDialectConfig.builder()
                                .serviceId("service-abc")
                                .transferAction("data recv")
                                .build())
                        .stage("test")
                        .subprotocols(List.of("chat", "superchat"))
                        .permessageDeflate(true)
                        .onTransferError(OnTransferError.IGNORE)
                        .maxInFlight(4)
                        .maxConnections(500)
                        .transfer(new FunctionTarget.Java("com.example.Chat", "transfer"))
                        .transferTimeout(Duration.ofMinutes(2))
                        .build());
        assertThat(config.routes().get(1))
                .isEqualTo(RouteConfig.builder("/echo").build());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "500ms, PT0.5S",
        "3s, PT3S",
        "2m, PT2M",
        "1h, PT1H",
        "1d, PT24H",
        "1ms, PT0.001S",
        "90s, PT1M30S",
        "10 s, PT10S",
        "3S, PT3S",
    })
    void readsDurations(String written, Duration expected) {
        GatewayConfig config = parse(ONE_ROUTE + "limits: {idle-timeout: '" + written + "'}\n");

        assertThat(config.limits().idleTimeout()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "131072, 131072",
        "128KiB, 131072",
        "1MiB, 1048576",
        "64KB, 64000",
        "1MB, 1000000",
        "128k, 131072",
        "2M, 2097152",
        "1GiB, 1073741824",
        "512 B, 512",
        "128kib, 131072",
    })
    void readsSizes(String written, int expected) {
        GatewayConfig config = parse(ONE_ROUTE + "limits: {max-message-bytes: " + written + "}\n");

        assertThat(config.limits().maxMessageBytes()).isEqualTo(expected);
    }

    @Test
    void acceptsTheLargestSizeThatFitsAnInt() {
        GatewayConfig config = parse(ONE_ROUTE + "limits: {outbound-buffer-bytes: 2147483647}\n");

        assertThat(config.limits().outboundBufferBytes()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void pushListenOnAllInterfacesIsAllowedWithAToken() {
        GatewayConfig config = parse(ONE_ROUTE + "push: {listen: 0.0.0.0:8081, token: abc}\n");

        assertThat(config.push().listen().isLoopback()).isFalse();
        assertThat(config.push().token()).isEqualTo("abc");
    }

    @Test
    void pushListenOnLoopbackNeedsNoToken() {
        assertThat(parse(ONE_ROUTE + "push: {listen: 'localhost:8081'}\n")
                        .push()
                        .token())
                .isNull();
        assertThat(parse(ONE_ROUTE + "push: {listen: '[::1]:8081'}\n").push().listen())
                .isEqualTo(new HostPort("::1", 8081));
    }

    @Test
    void emptyPushTokenMeansNoToken() {
        assertThat(parse(ONE_ROUTE + "push: {token: ''}\n").push().token()).isNull();
    }

    @Test
    void portZeroOnBothListenersIsAllowed() {
        GatewayConfig config = parse(ONE_ROUTE + "listen: 127.0.0.1:0\npush: {listen: 127.0.0.1:0}\n");

        assertThat(config.listen().port()).isZero();
        assertThat(config.push().listen().port()).isZero();
    }

    private static void assertDefaultLimits(LimitsConfig limits) {
        assertThat(limits).isEqualTo(LimitsConfig.defaults());
        assertThat(limits.maxConnections()).isEqualTo(LimitsConfig.DEFAULT_MAX_CONNECTIONS);
        assertThat(limits.maxConnectionsPerIp()).isEqualTo(LimitsConfig.DEFAULT_MAX_CONNECTIONS_PER_IP);
        assertThat(limits.maxMessageBytes()).isEqualTo(LimitsConfig.DEFAULT_MAX_MESSAGE_BYTES);
        assertThat(limits.idleTimeout()).isEqualTo(LimitsConfig.DEFAULT_IDLE_TIMEOUT);
        assertThat(limits.maxLifetime()).isEqualTo(LimitsConfig.DEFAULT_MAX_LIFETIME);
        assertThat(limits.outboundBufferBytes()).isEqualTo(LimitsConfig.DEFAULT_OUTBOUND_BUFFER_BYTES);
        assertThat(limits.handshakeTimeout()).isEqualTo(LimitsConfig.DEFAULT_HANDSHAKE_TIMEOUT);
        assertThat(limits.maxHeaderBytes()).isEqualTo(LimitsConfig.DEFAULT_MAX_HEADER_BYTES);
        assertThat(limits.pingInterval()).isEqualTo(LimitsConfig.DEFAULT_PING_INTERVAL);
        assertThat(limits.inboundQueueMessages()).isEqualTo(LimitsConfig.DEFAULT_INBOUND_QUEUE_MESSAGES);
        assertThat(limits.inboundQueueBytes()).isEqualTo(LimitsConfig.DEFAULT_INBOUND_QUEUE_BYTES);
        assertThat(limits.closeTimeout()).isEqualTo(LimitsConfig.DEFAULT_CLOSE_TIMEOUT);
    }
}
