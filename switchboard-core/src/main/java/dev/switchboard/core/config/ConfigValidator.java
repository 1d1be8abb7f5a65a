package dev.switchboard.core.config;

import dev.switchboard.core.dialect.aws.RouteSelector;
import dev.switchboard.core.dialect.tencent.TencentDialect;
import dev.switchboard.core.model.ConnectionId;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** The rules that involve more than one value, checked for YAML and code-built configs alike. */
final class ConfigValidator {
    private static final List<String> TRANSFER_ACTIONS = List.of(TencentDialect.DATA_SEND, TencentDialect.DATA_RECV);

    private ConfigValidator() {}

    static void validate(GatewayConfig config) {
        if (!ConnectionId.NODE_ID.matcher(config.nodeId()).matches()) {
            throw new ConfigException(
                    "node-id: '" + config.nodeId() + "' (expected: auto, or 1-64 characters of A-Z a-z 0-9 _ -)");
        }
        PushConfig push = config.push();
        if (push.token() == null && !push.listen().isLoopback()) {
            throw new ConfigException("push.listen: " + push.listen()
                    + " is not a loopback address and push.token is empty"
                    + " (expected: a push.token, or a loopback address such as 127.0.0.1)");
        }
        if (push.pushToken() != null && push.token() == null) {
            throw new ConfigException("push.push-token: set without push.token"
                    + " (expected: a push.token too, for the admin API; the push token may only POST /push)");
        }
        if (push.pushToken() != null && push.pushToken().equals(push.token())) {
            throw new ConfigException("push.push-token: the same as push.token (expected: a different token)");
        }
        if (push.maxBodyBytes() <= 0) {
            throw new ConfigException("push.max-body-bytes: " + push.maxBodyBytes() + " (expected: > 0)");
        }
        for (int i = 0; i < push.awsCredentials().size(); i++) {
            AwsCredential credential = push.awsCredentials().get(i);
            if (credential.accessKeyId().isBlank()
                    || credential.secretAccessKey().isEmpty()) {
                throw new ConfigException("push.aws-credentials[" + i + "]: empty access-key-id or secret-access-key"
                        + " (expected: both set)");
            }
        }
        if (config.listen().equals(push.listen()) && config.listen().port() != 0) {
            throw new ConfigException(
                    "push.listen: " + push.listen() + " is the same as listen (expected: another port)");
        }
        if (config.tls() != null) {
            positive("tls.watch-interval", config.tls().watchInterval());
        }
        if (push.tls() != null) {
            positive("push.tls.watch-interval", push.tls().watchInterval());
        }
        validateLimits(config.limits());
        validateRuntimes(config.runtimes());
        positive("shutdown-timeout", config.shutdownTimeout());
        if (!GatewayConfig.SHUTDOWN_CLOSE_CODES.contains(config.shutdownCloseCode())) {
            throw new ConfigException("shutdown-close-code: " + config.shutdownCloseCode()
                    + " (expected: 1001 (going away) or 1012 (service restart))");
        }
        positive("cleanup-retry-for", config.cleanupRetryFor());
        validateStateDir(config);
        if (config.routes().isEmpty()) {
            throw new ConfigException("routes: empty (expected: at least one route)");
        }
        Set<String> paths = new HashSet<>();
        for (int i = 0; i < config.routes().size(); i++) {
            RouteConfig route = config.routes().get(i);
            String key = "routes[" + i + "]";
            if (!route.path().startsWith("/")
                    || route.path().contains("?")
                    || route.path().contains("#")) {
                throw new ConfigException(
                        key + ".path: '" + route.path() + "' (expected: a path starting with /, without query)");
            }
            if (!paths.add(route.path())) {
                throw new ConfigException(key + ".path: '" + route.path() + "' is used by an earlier route"
                        + " (expected: each path once)");
            }
            if (!route.dialect().equals(RouteConfig.TENCENT) && !route.isAws()) {
                throw new ConfigException(key + ".dialect: '" + route.dialect() + "' (expected: tencent or aws)");
            }
            validateAws(key, route);
            validateRouteLimits(key, route);
            validateReliable(key, route.reliable());
            if (!TRANSFER_ACTIONS.contains(route.transferAction())) {
                throw new ConfigException(key + ".transfer-action: '" + route.transferAction() + "' (expected: one of "
                        + String.join(", ", TRANSFER_ACTIONS) + ")");
            }
            if (route.maxInFlight() < 1 || route.maxInFlight() > 1024) {
                throw new ConfigException(key + ".max-in-flight: " + route.maxInFlight() + " (expected: 1 to 1024)");
            }
            validateFunctionCalls(key, route);
            positive(key + ".timeouts.register", route.registerTimeout());
            positive(key + ".timeouts.transfer", route.transferTimeout());
            positive(key + ".timeouts.cleanup", route.cleanupTimeout());
        }
    }

    private static void validateReliable(String key, @Nullable ReliableConfig reliable) {
        if (reliable == null) {
            return;
        }
        positive(key + ".resume-window", reliable.resumeWindow());
        positive(key + ".replay-buffer.max-messages", reliable.replayMaxMessages());
        positive(key + ".replay-buffer.max-bytes", reliable.replayMaxBytes());
        if (reliable.replayMaxAge().compareTo(reliable.resumeWindow()) < 0) {
            // a parked session whose oldest message ages out ends: the window would be a lie
            throw new ConfigException(key + ".replay-buffer.max-age: " + Units.format(reliable.replayMaxAge())
                    + " (expected: at least the resume-window, " + Units.format(reliable.resumeWindow()) + ")");
        }
    }

    private static void validateAws(String key, RouteConfig route) {
        if (!route.isAws()) {
            if (!route.routeKeys().isEmpty()) {
                throw new ConfigException(key + ".route-keys: set on a '" + route.dialect()
                        + "' route (expected: only with dialect: aws)");
            }
            return;
        }
        for (String routeKey : route.routeKeys().keySet()) {
            if (routeKey.isEmpty() || routeKey.startsWith("$")) {
                throw new ConfigException(key + ".route-keys." + routeKey
                        + ": not a route key (expected: $connect, $default, $disconnect, or a name without $)");
            }
        }
        try {
            RouteSelector.parse(route.routeSelectionExpression());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + ".route-selection-expression: " + e.getMessage());
        }
        if (route.apiId().isBlank()) {
            throw new ConfigException(key + ".api-id: empty (expected: a name such as abcdef1234)");
        }
        if (route.domainName() != null
                && (route.domainName().isBlank() || route.domainName().contains("/"))) {
            throw new ConfigException(key + ".domain-name: '" + route.domainName()
                    + "' (expected: a host name, optionally with :port, such as ws.example.com)");
        }
    }

    private static void validateFunctionCalls(String key, RouteConfig route) {
        if (route.signingSecret() != null && route.signingSecret().isEmpty()) {
            throw new ConfigException(
                    key + ".signing-secret: empty (expected: a secret, or no key for unsigned calls)");
        }
        CircuitBreakerConfig breaker = route.circuitBreaker();
        if (breaker.failures() < 0) {
            throw new ConfigException(
                    key + ".circuit-breaker.failures: " + breaker.failures() + " (expected: >= 0; 0 turns it off)");
        }
        positive(key + ".circuit-breaker.open-for", breaker.openFor());
    }

    private static void validateRouteLimits(String key, RouteConfig route) {
        if (route.maxMessageBytes() != null) {
            positive(key + ".max-message-bytes", route.maxMessageBytes());
        }
        if (route.maxFrameBytes() != null) {
            positive(key + ".max-frame-bytes", route.maxFrameBytes());
        }
        if (route.idleTimeout() != null) {
            positive(key + ".idle-timeout", route.idleTimeout());
        }
        if (route.maxLifetime() != null) {
            positive(key + ".max-lifetime", route.maxLifetime());
        }
        if (route.maxConnections() != null) {
            positive(key + ".max-connections", route.maxConnections());
        }
    }

    private static void validateStateDir(GatewayConfig config) {
        if (config.stateDir() == null) {
            return;
        }
        if (config.stateDir().toString().isBlank()) {
            throw new ConfigException("state-dir: empty (expected: a directory path, or no state-dir)");
        }
    }

    private static void validateRuntimes(RuntimesConfig runtimes) {
        if (runtimes.workers() < 1 || runtimes.workers() > RuntimesConfig.MAX_WORKERS) {
            throw new ConfigException(
                    "runtimes.workers: " + runtimes.workers() + " (expected: 1 to " + RuntimesConfig.MAX_WORKERS + ")");
        }
        if (runtimes.python().isBlank()) {
            throw new ConfigException("runtimes.python: empty (expected: a command such as python3)");
        }
        if (runtimes.node().isBlank()) {
            throw new ConfigException("runtimes.node: empty (expected: a command such as node)");
        }
    }

    private static void validateLimits(LimitsConfig limits) {
        positive("limits.max-connections", limits.maxConnections());
        positive("limits.max-connections-per-ip", limits.maxConnectionsPerIp());
        positive("limits.max-message-bytes", limits.maxMessageBytes());
        positive("limits.outbound-buffer-bytes", limits.outboundBufferBytes());
        positive("limits.max-header-bytes", limits.maxHeaderBytes());
        positive("limits.inbound-queue-messages", limits.inboundQueueMessages());
        positive("limits.inbound-queue-bytes", limits.inboundQueueBytes());
        positive("limits.idle-timeout", limits.idleTimeout());
        positive("limits.max-lifetime", limits.maxLifetime());
        positive("limits.handshake-timeout", limits.handshakeTimeout());
        positive("limits.ping-interval", limits.pingInterval());
        positive("limits.close-timeout", limits.closeTimeout());
        positive("limits.max-context-bytes", limits.maxContextBytes());
        positive("limits.connect-rate-per-ip", limits.connectRatePerIp());
        if (limits.messageRate() < 0) {
            throw new ConfigException(
                    "limits.message-rate: " + limits.messageRate() + " (expected: >= 0, 0 = no limit)");
        }
        if (limits.maxGroupsPerConnection() < 0) {
            throw new ConfigException(
                    "limits.max-groups-per-connection: " + limits.maxGroupsPerConnection() + " (expected: >= 0)");
        }
    }

    private static void positive(String key, long value) {
        if (value <= 0) {
            throw new ConfigException(key + ": " + value + " (expected: > 0)");
        }
    }

    private static void positive(String key, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new ConfigException(key + ": " + Units.format(value) + " (expected: > 0)");
        }
    }
}
