package dev.switchboard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every config mistake is one {@link ConfigException} line that names the key path, the bad value
 * and what was expected.
 */
class ConfigErrorsTest {
    /** The keys a route may have, as the unknown-key error lists them. */
    private static final String ROUTE_KEYS =
            "api-id, auth, authorizer, binary-frames, circuit-breaker, dialect, domain-name,"
                    + " functions, idle-timeout, max-connections, max-frame-bytes, max-in-flight, max-lifetime,"
                    + " max-message-bytes, on-transfer-error, path, permessage-deflate, presence, replay-buffer, resume-window,"
                    + " route-keys, route-response, route-selection-expression, service-id, signing-secret, stage,"
                    + " subprotocols, timeouts, transfer-action";

    private static final String ROUTE = """
            routes:
              - path: /chat
            """;

    private static void assertRejected(String yaml, String message) {
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(message);
    }

    /** The route list with {@code lines} added to its first route, indented. */
    private static String route(String... lines) {
        StringBuilder yaml = new StringBuilder(ROUTE);
        for (String line : lines) {
            yaml.append("    ").append(line).append('\n');
        }
        return yaml.toString();
    }

    @Nested
    class UnknownKeys {
        @Test
        void topLevelTypoListsTheKnownKeys() {
            assertRejected(
                    ROUTE + "lissen: 0.0.0.0:8080\n",
                    "lissen: unknown key (expected one of: cleanup-retry-for, cluster, limits, listen, node-id,"
                            + " push, routes, runtimes, shutdown-close-code, shutdown-timeout, state-dir, tls)");
        }

        @Test
        void routeKeyTypoNamesTheRouteIndex() {
            assertRejected(
                    route("fuctions: {register: http://127.0.0.1:9000/register}"),
                    "routes[0].fuctions: unknown key (expected one of: " + ROUTE_KEYS + ")");
        }

        @Test
        void typoInALaterRouteNamesThatRoute() {
            assertRejected(
                    ROUTE + "  - path: /echo\n    stag: release\n",
                    "routes[1].stag: unknown key (expected one of: " + ROUTE_KEYS + ")");
        }

        @Test
        void functionKeyTypo() {
            assertRejected(
                    route("functions: {regster: http://127.0.0.1:9000/register}"),
                    "routes[0].functions.regster: unknown key (expected one of: cleanup, register, transfer)");
        }

        @Test
        void timeoutKeyTypo() {
            assertRejected(
                    route("timeouts: {transfr: 3s}"),
                    "routes[0].timeouts.transfr: unknown key (expected one of: cleanup, register, transfer)");
        }

        @Test
        void limitsKeyTypo() {
            assertRejected(
                    ROUTE + "limits: {max-conections: 5}\n",
                    "limits.max-conections: unknown key (expected one of: allowed-origins, close-timeout,"
                            + " connect-rate-per-ip, handshake-timeout, idle-timeout, inbound-queue-bytes,"
                            + " inbound-queue-messages, max-connections, max-connections-per-ip, max-connections-per-user,"
                            + " max-context-bytes, max-groups-per-connection, max-header-bytes, max-lifetime,"
                            + " max-message-bytes, message-rate, outbound-buffer-bytes, ping-interval,"
                            + " slow-consumer, trusted-proxies)");
        }

        @Test
        void pushKeyTypo() {
            assertRejected(
                    ROUTE + "push: {tokn: abc}\n",
                    "push.tokn: unknown key (expected one of: allowed-hosts, allowed-origins, aws-credentials,"
                            + " idle-timeout, listen, max-body-bytes, push-token, request-timeout, tls, token)");
        }

        @Test
        void aPushOnlyTokenNeedsTheAdminTokenAndDiffersFromIt() {
            assertRejected(
                    ROUTE + "push: {push-token: p}\n",
                    "push.push-token: set without push.token (expected: a push.token too, for the admin API; the push"
                            + " token may only POST /push)");
            assertRejected(
                    ROUTE + "push: {token: t, push-token: t}\n",
                    "push.push-token: the same as push.token (expected: a different token)");
        }

        @Test
        void tlsAndClusterKeyTypos() {
            assertRejected(
                    ROUTE + "tls: {certificate: x}\n",
                    "tls.certificate: unknown key (expected one of: cert, key, watch-interval)");
            assertRejected(
                    ROUTE + "cluster: {redis-url: x}\n",
                    "cluster.redis-url: unknown key (expected one of: forward-timeout, heartbeat-interval,"
                            + " heartbeat-ttl, redis, redis-cluster, startup-timeout)");
        }
    }

    @Nested
    class Durations {
        @Test
        void unknownUnit() {
            assertRejected(
                    ROUTE + "limits: {idle-timeout: 10x}\n",
                    "limits.idle-timeout: '10x' (expected: a duration like 500ms, 3s, 2m, 1h or 1d)");
        }

        @Test
        void numberWithoutUnit() {
            assertRejected(
                    ROUTE + "limits: {idle-timeout: 600}\n",
                    "limits.idle-timeout: '600' (expected: a duration like 500ms, 3s, 2m, 1h or 1d)");
        }

        @Test
        void fractionsAndNegativesAreNotDurations() {
            assertRejected(
                    route("timeouts: {register: 1.5s}"),
                    "routes[0].timeouts.register: '1.5s' (expected: a duration like 500ms, 3s, 2m, 1h or 1d)");
            assertRejected(
                    ROUTE + "shutdown-timeout: -1s\n",
                    "shutdown-timeout: '-1s' (expected: a duration like 500ms, 3s, 2m, 1h or 1d)");
        }

        @Test
        void zero() {
            assertRejected(
                    route("timeouts: {register: 0s}"), "routes[0].timeouts.register: 0s (expected: at least 1ms)");
            assertRejected(
                    ROUTE + "limits: {ping-interval: 0ms}\n", "limits.ping-interval: 0s (expected: at least 1ms)");
        }

        @Test
        void tooLargeToRepresent() {
            assertRejected(
                    ROUTE + "cleanup-retry-for: 99999999999999999999d\n",
                    "cleanup-retry-for: '99999999999999999999d' (expected: a duration like 500ms, 3s, 2m, 1h or 1d)");
        }

        @Test
        void aMappingIsNotADuration() {
            assertRejected(
                    ROUTE + "limits: {idle-timeout: {seconds: 5}}\n",
                    "limits.idle-timeout: {\"seconds\":5} (expected: a duration like 500ms, 3s, 2m, 1h or 1d)");
        }
    }

    @Nested
    class Sizes {
        @Test
        void unknownUnit() {
            assertRejected(
                    ROUTE + "limits: {max-message-bytes: 12 parsecs}\n",
                    "limits.max-message-bytes: '12 parsecs' (expected: a size like 131072, 128KiB, 1MiB or 1GiB)");
        }

        @Test
        void fraction() {
            assertRejected(
                    ROUTE + "limits: {max-message-bytes: 1.5MiB}\n",
                    "limits.max-message-bytes: '1.5MiB' (expected: a size like 131072, 128KiB, 1MiB or 1GiB)");
        }

        @Test
        void negative() {
            assertRejected(
                    ROUTE + "limits: {max-message-bytes: -1}\n",
                    "limits.max-message-bytes: '-1' (expected: a size like 131072, 128KiB, 1MiB or 1GiB)");
        }

        @Test
        void zero() {
            assertRejected(
                    ROUTE + "limits: {outbound-buffer-bytes: 0}\n",
                    "limits.outbound-buffer-bytes: 0 (expected: 1 to 2147483647)");
        }

        @Test
        void largerThanAnInt() {
            assertRejected(
                    ROUTE + "limits: {max-message-bytes: 4GiB}\n",
                    "limits.max-message-bytes: 4294967296 (expected: 1 to 2147483647)");
            assertRejected(
                    ROUTE + "push: {max-body-bytes: 2147483648}\n",
                    "push.max-body-bytes: 2147483648 (expected: 1 to 2147483647)");
        }

        @Test
        void belowTheKeysMinimum() {
            assertRejected(
                    ROUTE + "limits: {max-header-bytes: 100}\n",
                    "limits.max-header-bytes: 100 (expected: 256 to 2147483647)");
        }
    }

    @Nested
    class Integers {
        @Test
        void zeroConnections() {
            assertRejected(
                    ROUTE + "limits: {max-connections: 0}\n", "limits.max-connections: 0 (expected: 1 to 2147483647)");
        }

        @Test
        void negative() {
            assertRejected(
                    ROUTE + "limits: {inbound-queue-messages: -5}\n",
                    "limits.inbound-queue-messages: -5 (expected: 1 to 2147483647)");
        }

        @Test
        void aboveTheKeysMaximum() {
            assertRejected(route("max-in-flight: 2000"), "routes[0].max-in-flight: 2000 (expected: 1 to 1024)");
            assertRejected(route("max-in-flight: 0"), "routes[0].max-in-flight: 0 (expected: 1 to 1024)");
        }

        @Test
        void routeMaxConnectionsIsAtLeastOne() {
            assertRejected(route("max-connections: 0"), "routes[0].max-connections: 0 (expected: 1 to 2147483647)");
            assertRejected(route("max-connections: -3"), "routes[0].max-connections: -3 (expected: 1 to 2147483647)");
            assertRejected(
                    route("max-connections: 99999999999"),
                    "routes[0].max-connections: 99999999999 (expected: 1 to 2147483647)");
            assertRejected(route("max-connections: lots"), "routes[0].max-connections: 'lots' (expected: an integer)");
            assertRejected(route("max-connections: [5]"), "routes[0].max-connections: [5] (expected: an integer)");
        }

        @Test
        void routeMaxConnectionsBuiltInCodeIsCheckedToo() {
            // a route built in code checks its own rules as it is built, before it has an index
            assertThatThrownBy(() -> GatewayConfig.builder()
                            .route(RouteConfig.builder("/chat")
                                    .maxConnections(0)
                                    .build())
                            .build())
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("max-connections: 0 (expected: > 0)");
        }

        @Test
        void shutdownCloseCodeIsGoingAwayOrServiceRestart() {
            String expected = " (expected: 1001 (going away) or 1012 (service restart))";
            assertRejected(ROUTE + "shutdown-close-code: 1000\n", "shutdown-close-code: 1000" + expected);
            assertRejected(ROUTE + "shutdown-close-code: 4000\n", "shutdown-close-code: 4000" + expected);
            assertRejected(ROUTE + "shutdown-close-code: restart\n", "shutdown-close-code: 'restart'" + expected);
            assertRejected(ROUTE + "shutdown-close-code: 1012.5\n", "shutdown-close-code: '1012.5'" + expected);
            assertThatThrownBy(() -> GatewayConfig.builder()
                            .route(RouteConfig.builder("/chat").build())
                            .shutdownCloseCode(1011)
                            .build())
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("shutdown-close-code: 1011" + expected);
        }

        @Test
        void largerThanAnIntIsOutOfRangeNotNonNumeric() {
            assertRejected(
                    ROUTE + "limits: {max-connections: 99999999999}\n",
                    "limits.max-connections: 99999999999 (expected: 1 to 2147483647)");
        }

        @Test
        void notANumber() {
            assertRejected(
                    ROUTE + "limits: {max-connections: lots}\n",
                    "limits.max-connections: 'lots' (expected: an integer)");
            assertRejected(
                    ROUTE + "limits: {max-connections-per-ip: 1.5}\n",
                    "limits.max-connections-per-ip: '1.5' (expected: an integer)");
        }
    }

    @Nested
    class WrongTypes {
        @Test
        void scalarWhereAMappingBelongs() {
            assertRejected(ROUTE + "limits: 5\n", "limits: '5' (expected: a mapping of keys to values)");
            assertRejected(
                    route("functions: http://127.0.0.1:9000/transfer"),
                    "routes[0].functions: 'http://127.0.0.1:9000/transfer' (expected: a mapping of keys to values)");
        }

        @Test
        void listWhereAMappingBelongs() {
            assertRejected(ROUTE + "push: [a, b]\n", "push: [\"a\",\"b\"] (expected: a mapping of keys to values)");
        }

        @Test
        void mappingWhereTheRouteListBelongs() {
            assertRejected("routes: {path: /chat}\n", "routes: {\"path\":\"/chat\"} (expected: a list)");
        }

        @Test
        void scalarInTheRouteList() {
            assertRejected("routes: [/chat]\n", "routes[0]: '/chat' (expected: a mapping of keys to values)");
        }

        @Test
        void listWhereAStringBelongs() {
            assertRejected(ROUTE + "listen: [a]\n", "listen: [\"a\"] (expected: host:port)");
            assertRejected(route("stage: [a, b]"), "routes[0].stage: [\"a\",\"b\"] (expected: a string)");
        }

        @Test
        void notABoolean() {
            assertRejected(
                    route("permessage-deflate: maybe"),
                    "routes[0].permessage-deflate: 'maybe' (expected: true or false)");
        }

        @Test
        void notAListOfStrings() {
            assertRejected(route("subprotocols: chat"), "routes[0].subprotocols: 'chat' (expected: a list of strings)");
            assertRejected(
                    route("subprotocols: [[chat]]"),
                    "routes[0].subprotocols: [[\"chat\"]] (expected: a list of strings)");
        }

        @Test
        void notOneOfTheChoices() {
            assertRejected(
                    route("on-transfer-error: drop"),
                    "routes[0].on-transfer-error: 'drop' (expected: one of close, ignore)");
        }

        @Test
        void unsupportedDialectAndTransferAction() {
            assertRejected(route("dialect: azure"), "routes[0].dialect: 'azure' (expected: tencent or aws)");
            assertRejected(
                    route("transfer-action: data"),
                    "routes[0].transfer-action: 'data' (expected: one of data send, data recv)");
        }

        @Test
        void badListenAddress() {
            assertRejected(ROUTE + "listen: '8080'\n", "listen: '8080' (expected: host:port, e.g. 0.0.0.0:8080)");
            assertRejected(
                    ROUTE + "listen: 'localhost:http'\n",
                    "listen: 'localhost:http' (expected: host:port with a numeric port)");
            assertRejected(
                    ROUTE + "push: {listen: '127.0.0.1:70000'}\n", "push.listen: port 70000 (expected: 0-65535)");
        }

        @Test
        void longValuesAreShortenedInTheMessage() {
            String longValue = "x".repeat(100);
            assertThatThrownBy(
                            () -> ConfigLoader.parse(ROUTE + "limits: {idle-timeout: " + longValue + "}\n", Map.of()))
                    .hasMessage("limits.idle-timeout: '" + "x".repeat(59) + "… (expected: a duration like 500ms, 3s,"
                            + " 2m, 1h or 1d)");
        }
    }

    @Nested
    class FunctionTargets {
        @Test
        void unknownScheme() {
            assertRejected(
                    route("functions: {register: 'ftp://127.0.0.1/register'}"),
                    "routes[0].functions.register: 'ftp://127.0.0.1/register' (expected: an http(s):// URL,"
                            + " java:fully.qualified.Class#method, python:file.py[:handler] or node:file.js[:handler])");
        }

        @Test
        void urlWithoutHost() {
            assertRejected(
                    route("functions: {transfer: 'http:///transfer'}"),
                    "routes[0].functions.transfer: 'http:///transfer' has no host (expected: an http(s):// URL,"
                            + " java:fully.qualified.Class#method, python:file.py[:handler] or node:file.js[:handler])");
        }

        @Test
        void javaTargetWithoutMethod() {
            assertRejected(
                    route("functions: {cleanup: 'java:com.example.Chat'}"),
                    "routes[0].functions.cleanup: 'java:com.example.Chat' (expected: java:fully.qualified.Class#method)");
        }

        @Test
        void invalidUrlNamesTheKey() {
            assertThatThrownBy(() ->
                            ConfigLoader.parse(route("functions: {register: 'http://exa mple/register'}"), Map.of()))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith(
                            "routes[0].functions.register: 'http://exa mple/register' is not a valid URL");
        }
    }

    @Nested
    class Routes {
        @Test
        void missingPath() {
            assertRejected(
                    "routes:\n  - dialect: tencent\n", "routes[0].path: missing (expected: a path starting with /)");
        }

        @Test
        void emptyPath() {
            assertRejected("routes:\n  - path: ''\n", "routes[0].path: missing (expected: a path starting with /)");
        }

        @Test
        void missingPathInALaterRoute() {
            assertRejected(ROUTE + "  - stage: test\n", "routes[1].path: missing (expected: a path starting with /)");
        }

        @Test
        void relativePath() {
            assertRejected(
                    "routes:\n  - path: chat\n",
                    "routes[0].path: 'chat' (expected: a path starting with /, without query)");
        }

        @Test
        void pathWithQuery() {
            assertRejected(
                    "routes:\n  - path: /chat?x=1\n",
                    "routes[0].path: '/chat?x=1' (expected: a path starting with /, without query)");
        }

        @Test
        void duplicatePath() {
            assertRejected(
                    ROUTE + "  - path: /echo\n  - path: /chat\n",
                    "routes[2].path: '/chat' is used by an earlier route (expected: each path once)");
        }

        @Test
        void noRoutes() {
            assertRejected("listen: 0.0.0.0:8080\n", "routes: empty (expected: at least one route)");
            assertRejected("routes: []\n", "routes: empty (expected: at least one route)");
            assertRejected("routes:\n", "routes: empty (expected: at least one route)");
        }

        @Test
        void emptyFile() {
            assertRejected("", "routes: empty (expected: at least one route)");
            assertRejected("# only a comment\n", "routes: empty (expected: at least one route)");
        }
    }

    @Nested
    class Listeners {
        @Test
        void pushOnAllInterfacesWithoutToken() {
            assertRejected(
                    ROUTE + "push: {listen: 0.0.0.0:8081}\n",
                    "push.listen: 0.0.0.0:8081 is not a loopback address and push.token is empty (expected: a"
                            + " push.token, or a loopback address such as 127.0.0.1)");
        }

        @Test
        void pushOnAllInterfacesWithAnEmptyToken() {
            assertRejected(
                    ROUTE + "push:\n  listen: 0.0.0.0:8081\n  token: ${SWITCHBOARD_PUSH_TOKEN:-}\n",
                    "push.listen: 0.0.0.0:8081 is not a loopback address and push.token is empty (expected: a"
                            + " push.token, or a loopback address such as 127.0.0.1)");
        }

        @Test
        void pushOnTheClientPort() {
            assertRejected(
                    ROUTE + "listen: 127.0.0.1:8080\npush: {listen: 127.0.0.1:8080}\n",
                    "push.listen: 127.0.0.1:8080 is the same as listen (expected: another port)");
        }
    }

    @Nested
    class NodeId {
        @ParameterizedTest
        @ValueSource(strings = {"bad id!", "gw.1", "gw/1", "é"})
        void invalidCharacters(String nodeId) {
            assertRejected(
                    ROUTE + "node-id: '" + nodeId + "'\n",
                    "node-id: '" + nodeId + "' (expected: auto, or 1-64 characters of A-Z a-z 0-9 _ -)");
        }

        @Test
        void tooLong() {
            String nodeId = "n".repeat(65);
            assertRejected(
                    ROUTE + "node-id: " + nodeId + "\n",
                    "node-id: '" + nodeId + "' (expected: auto, or 1-64 characters of A-Z a-z 0-9 _ -)");
        }

        @Test
        void sixtyFourCharactersAreEnough() {
            String nodeId = "n".repeat(64);
            assertThat(ConfigLoader.parse(ROUTE + "node-id: " + nodeId + "\n", Map.of())
                            .nodeId())
                    .isEqualTo(nodeId);
        }
    }

    @Nested
    class TlsSigningAndBreakers {
        @Test
        void tlsCertificateWithoutKey() {
            assertRejected(
                    ROUTE + "tls: {cert: /etc/switchboard/cert.pem, key: null}\n",
                    "tls.key: missing (expected: the PEM private key file of cert /etc/switchboard/cert.pem)");
        }

        @Test
        void pushTlsKeyWithoutCertificate() {
            assertRejected(
                    ROUTE + "push: {tls: {key: /etc/switchboard/key.pem}}\n",
                    "push.tls.cert: missing (expected: the PEM certificate file that goes with key"
                            + " /etc/switchboard/key.pem)");
        }

        @Test
        void tlsLoadsWithItsWatchInterval() {
            GatewayConfig config = ConfigLoader.parse(
                    ROUTE + "tls: {cert: c.pem, key: k.pem, watch-interval: 250ms}\n"
                            + "push: {tls: {cert: pc.pem, key: pk.pem}}\n",
                    Map.of());
            assertThat(config.tls())
                    .isEqualTo(new TlsConfig(
                            java.nio.file.Path.of("c.pem"), java.nio.file.Path.of("k.pem"), Duration.ofMillis(250)));
            assertThat(config.push().tls())
                    .isEqualTo(new TlsConfig(java.nio.file.Path.of("pc.pem"), java.nio.file.Path.of("pk.pem")));
            assertThat(ConfigLoader.parse(ROUTE + "tls: {cert: null, key: null}\n", Map.of())
                            .tls())
                    .isNull();
        }

        @Test
        void signingSecretComesFromTheEnvironment() {
            RouteConfig route = ConfigLoader.parse(
                            ROUTE + "    signing-secret: ${FN_SECRET}\n", Map.of("FN_SECRET", "s3cret"))
                    .routes()
                    .get(0);
            assertThat(route.signingSecret()).isEqualTo("s3cret");
        }

        @Test
        void circuitBreakerDefaultsAndOverrides() {
            assertThat(ConfigLoader.parse(ROUTE, Map.of()).routes().get(0).circuitBreaker())
                    .isEqualTo(CircuitBreakerConfig.defaults());
            assertThat(ConfigLoader.parse(ROUTE + "    circuit-breaker: {failures: 3, open-for: 2s}\n", Map.of())
                            .routes()
                            .get(0)
                            .circuitBreaker())
                    .isEqualTo(new CircuitBreakerConfig(3, Duration.ofSeconds(2)));
            assertThat(ConfigLoader.parse(ROUTE + "    circuit-breaker: {failures: 0}\n", Map.of())
                            .routes()
                            .get(0)
                            .circuitBreaker()
                            .enabled())
                    .isFalse();
        }

        @Test
        void circuitBreakerWithNegativeFailures() {
            assertRejected(
                    ROUTE + "    circuit-breaker: {failures: -1}\n",
                    "routes[0].circuit-breaker.failures: -1 (expected: 0 to 1000000)");
        }

        @Test
        void redisClusterWithABadUri() {
            assertRejected(
                    ROUTE + "cluster: {redis: 'http://127.0.0.1:6379'}\n",
                    "cluster.redis: 'http://127.0.0.1:6379' (expected: redis://host:port, rediss://… or"
                            + " redis-sentinel://…)");
        }

        @Test
        void heartbeatTtlShorterThanTwoIntervals() {
            assertRejected(
                    ROUTE + "cluster: {redis: 'redis://x:1', heartbeat-interval: 1s, heartbeat-ttl: 1500ms}\n",
                    "cluster.heartbeat-ttl: 1500ms (expected: at least twice heartbeat-interval, 2s)");
        }

        @Test
        void clusterLoads() {
            var cluster = ConfigLoader.parse(ROUTE + "cluster: {redis: 'redis://127.0.0.1:6379'}\n", Map.of())
                    .cluster();
            assertThat(cluster).isEqualTo(dev.switchboard.core.config.ClusterConfig.of("redis://127.0.0.1:6379"));
        }

        @Test
        void nullOrAbsentIsFine() {
            assertThat(ConfigLoader.parse(ROUTE + "tls: null\ncluster:\n  redis:\n", Map.of())
                            .routes())
                    .hasSize(1);
        }
    }

    @Nested
    class Yaml {
        @Test
        void unclosedFlowSequence() {
            assertRejected(
                    ROUTE + "listen: [unclosed\n",
                    "line 3: not valid YAML (while parsing a flow sequence; expected ',' or ']', but got <stream end>)");
        }

        @Test
        void badIndentation() {
            assertRejected("a: b\n  c: d\n", "line 2: not valid YAML (mapping values are not allowed here)");
        }

        @Test
        void rootIsNotAMapping() {
            assertRejected(
                    "- path: /chat\n",
                    "config: not a mapping of keys to values (expected: YAML like 'listen: 0.0.0.0:8080')");
            assertRejected(
                    "just text\n",
                    "config: not a mapping of keys to values (expected: YAML like 'listen: 0.0.0.0:8080')");
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "listen: [unclosed\n",
                    "a: b\n  c: d\n",
                    "listen: 'unterminated\n",
                    "key: value\n\tbad: tab\n",
                    "{a: 1\n",
                })
        void everyYamlErrorIsOneLine(String yaml) {
            assertThatThrownBy(() -> ConfigLoader.parse(yaml, Map.of()))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageMatching("line \\d+: not valid YAML \\(.+\\)")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "\r"));
        }
    }
}
