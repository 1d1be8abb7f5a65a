package dev.switchboard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.function.FunctionTarget;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The aws dialect's route keys, defaults and their mistakes. */
class AwsRouteConfigTest {
    private static GatewayConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, Map.of());
    }

    private static void assertRejected(String yaml, String message) {
        assertThatThrownBy(() -> parse(yaml))
                .isInstanceOf(ConfigException.class)
                .hasMessage(message);
    }

    @Test
    void routeKeysMapToTheThreeFunctionsAndCustomKeys() {
        RouteConfig route = parse("""
                        push:
                          aws-credentials:
                            - {access-key-id: AKID, secret-access-key: s3cret}
                        routes:
                          - path: /chat
                            dialect: aws
                            stage: production
                            api-id: abc123
                            domain-name: ws.example.com
                            route-selection-expression: ${request.body.service}/${request.body.action}
                            route-response: true
                            route-keys:
                              $connect: http://127.0.0.1:9000/connect
                              $default: http://127.0.0.1:9000/default
                              $disconnect: http://127.0.0.1:9000/disconnect
                              chat/send: http://127.0.0.1:9000/send
                        """).routes().get(0);
        AwsDialectConfig aws = (AwsDialectConfig) route.dialect();
        assertThat(route.register()).isEqualTo(FunctionTarget.parse("http://127.0.0.1:9000/connect"));
        assertThat(route.transfer()).isEqualTo(FunctionTarget.parse("http://127.0.0.1:9000/default"));
        assertThat(route.cleanup()).isEqualTo(FunctionTarget.parse("http://127.0.0.1:9000/disconnect"));
        assertThat(aws.routeKeys())
                .containsExactly(Map.entry("chat/send", FunctionTarget.parse("http://127.0.0.1:9000/send")));
        assertThat(aws.routeResponse()).isTrue();
        assertThat(aws.apiId()).isEqualTo("abc123");
        assertThat(aws.domainName()).isEqualTo("ws.example.com");
        assertThat(route.binaryFrames()).isEqualTo(BinaryFrames.CLOSE);
        assertThat(route.onTransferError()).isEqualTo(OnTransferError.IGNORE);
    }

    @Test
    void awsRoutesHaveAwsLimitsAndEachCanBeOverridden() {
        GatewayConfig config = parse("""
                limits: {max-message-bytes: 1MiB, idle-timeout: 30s}
                routes:
                  - {path: /aws, dialect: aws}
                  - {path: /aws-big, dialect: aws, max-message-bytes: 256KiB, max-frame-bytes: 64KiB,
                     idle-timeout: 1h, max-lifetime: 4h}
                  - {path: /tencent}
                """);
        assertThat(config.routes().get(0).connectionLimits(config.limits()))
                .isEqualTo(new ConnectionLimits(128 * 1024, 32 * 1024, Duration.ofMinutes(10), Duration.ofHours(2)));
        assertThat(config.routes().get(1).connectionLimits(config.limits()))
                .isEqualTo(new ConnectionLimits(256 * 1024, 64 * 1024, Duration.ofHours(1), Duration.ofHours(4)));
        assertThat(config.routes().get(2).connectionLimits(config.limits()))
                .isEqualTo(new ConnectionLimits(1024 * 1024, 1024 * 1024, Duration.ofSeconds(30), Duration.ofHours(2)));
        assertThat(config.routes().get(2).binaryFrames()).isEqualTo(BinaryFrames.DELIVER);
        assertThat(config.routes().get(2).onTransferError()).isEqualTo(OnTransferError.CLOSE);
    }

    @Test
    void anAwsRouteTakesAnAuthorizerAndATencentRouteRefusesIt() {
        GatewayConfig config = parse("routes: [{path: /a, dialect: aws, authorizer: http://127.0.0.1:1/auth}]");

        assertThat(((AwsDialectConfig) config.routes().get(0).dialect()).authorizer())
                .isEqualTo(FunctionTarget.parse("http://127.0.0.1:1/auth"));
        assertRejected(
                "routes: [{path: /a, authorizer: http://127.0.0.1:1/auth}]",
                "routes[0].authorizer: set on a 'tencent' route (expected: only with dialect: aws)");
    }

    @Test
    void mistakesAreOneLineEach() {
        assertRejected(
                "routes: [{path: /a, dialect: aws, functions: {transfer: http://127.0.0.1:1/x}}]",
                "routes[0].functions: set on an aws route (expected: route-keys with $connect, $default, $disconnect"
                        + " and custom keys)");
        assertRejected(
                "routes: [{path: /a, route-keys: {x: http://127.0.0.1:1/x}}]",
                "routes[0].route-keys: set on a 'tencent' route (expected: only with dialect: aws)");
        assertRejected(
                "routes: [{path: /a, dialect: aws, route-keys: {$conect: http://127.0.0.1:1/x}}]",
                "routes[0].route-keys.$conect: not a route key (expected: $connect, $default, $disconnect, or a name"
                        + " without $)");
        assertRejected(
                "routes: [{path: /a, dialect: aws, route-selection-expression: action}]",
                "routes[0].route-selection-expression: 'action' (expected: $request.body.<field>[.<field>...] or a"
                        + " template of ${request.body.<field>} parts)");
        assertRejected(
                "routes: [{path: /a, dialect: aws, binary-frames: drop}]",
                "routes[0].binary-frames: 'drop' (expected: one of deliver, close)");
        assertRejected(
                "routes: [{path: /a, dialect: aws, route-keys: {x: ftp://nowhere}}]",
                "routes[0].route-keys.x: 'ftp://nowhere' (expected: " + FunctionTarget.EXPECTED + ")");
        assertRejected(
                "routes: [{path: /a, dialect: aws, max-frame-bytes: 0}]",
                "routes[0].max-frame-bytes: 0 (expected: 1 to 2147483647)");
        assertRejected(
                "push: {aws-credentials: [{access-key-id: AKID}]}\nroutes: [{path: /a}]",
                "push.aws-credentials[0].secret-access-key: missing (expected: the secret access key of AKID)");
    }

    @Test
    void credentialsNeverShowTheirSecret() {
        assertThat(new AwsCredential("AKID", "s3cret").toString()).doesNotContain("s3cret");
        assertThat(PushConfig.builder().maxBodyBytes(1).build().awsCredentials())
                .isEmpty();
    }
}
