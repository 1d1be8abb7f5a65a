package dev.switchboard.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.switchboard.core.config.AddressBlock;
import dev.switchboard.core.config.AwsCredential;
import dev.switchboard.core.config.AwsDialectConfig;
import dev.switchboard.core.config.ClusterConfig;
import dev.switchboard.core.config.ConnectionLimits;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.LimitsConfig;
import dev.switchboard.core.config.PushConfig;
import dev.switchboard.core.config.ReliableConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.core.config.RuntimesConfig;
import dev.switchboard.core.config.TencentDialectConfig;
import dev.switchboard.core.config.TlsConfig;
import dev.switchboard.core.config.Units;
import dev.switchboard.core.function.FunctionTarget;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A loaded config written back as YAML with every default filled in, in the keys and forms the
 * config file uses, so that the output loads again as the same configuration. Secrets (tokens,
 * signing secrets, AWS secret keys, a Redis password) are written as {@value #HIDDEN}.
 */
final class EffectiveConfig {
    /** What a secret is written as. */
    static final String HIDDEN = "***";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR));

    private EffectiveConfig() {}

    /**
     * The YAML text of {@code config}; {@code node-id} is written {@code auto} when
     * {@code autoNodeId}, since the id it stands for is drawn anew at each start.
     */
    static String yaml(GatewayConfig config, boolean autoNodeId) {
        Map<String, @Nullable Object> root = new LinkedHashMap<>();
        root.put("node-id", autoNodeId ? "auto" : config.nodeId());
        root.put("listen", config.listen().toString());
        root.put("tls", tls(config.tls()));
        root.put("push", push(config.push()));
        root.put("limits", limits(config.limits()));
        root.put("shutdown-timeout", duration(config.shutdownTimeout()));
        root.put("shutdown-close-code", config.shutdownCloseCode());
        root.put("cleanup-retry-for", duration(config.cleanupRetryFor()));
        root.put(
                "state-dir",
                config.stateDir() == null ? null : config.stateDir().toString());
        root.put("runtimes", runtimes(config.runtimes()));
        root.put("cluster", cluster(config.cluster()));
        root.put(
                "routes",
                config.routes().stream()
                        .map(route -> route(route, config.limits()))
                        .toList());
        try {
            return YAML.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static @Nullable Map<String, Object> tls(@Nullable TlsConfig tls) {
        if (tls == null) {
            return null;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("cert", tls.cert().toString());
        map.put("key", tls.key().toString());
        map.put("watch-interval", duration(tls.watchInterval()));
        return map;
    }

    private static Map<String, @Nullable Object> push(PushConfig push) {
        Map<String, @Nullable Object> map = new LinkedHashMap<>();
        map.put("listen", push.listen().toString());
        map.put("token", secret(push.token()));
        map.put("push-token", secret(push.pushToken()));
        map.put("max-body-bytes", push.maxBodyBytes());
        map.put("tls", tls(push.tls()));
        map.put(
                "aws-credentials",
                push.awsCredentials().stream()
                        .map(EffectiveConfig::awsCredential)
                        .toList());
        return map;
    }

    private static Map<String, Object> awsCredential(AwsCredential credential) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("access-key-id", credential.accessKeyId());
        map.put("secret-access-key", HIDDEN);
        return map;
    }

    private static Map<String, Object> limits(LimitsConfig limits) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("max-connections", limits.maxConnections());
        map.put("max-connections-per-ip", limits.maxConnectionsPerIp());
        map.put("connect-rate-per-ip", limits.connectRatePerIp());
        map.put("max-message-bytes", limits.maxMessageBytes());
        map.put("message-rate", limits.messageRate());
        map.put("idle-timeout", duration(limits.idleTimeout()));
        map.put("max-lifetime", duration(limits.maxLifetime()));
        map.put("outbound-buffer-bytes", limits.outboundBufferBytes());
        map.put("slow-consumer", limits.slowConsumer().configName());
        map.put("handshake-timeout", duration(limits.handshakeTimeout()));
        map.put("max-header-bytes", limits.maxHeaderBytes());
        map.put("ping-interval", duration(limits.pingInterval()));
        map.put("inbound-queue-messages", limits.inboundQueueMessages());
        map.put("inbound-queue-bytes", limits.inboundQueueBytes());
        map.put("close-timeout", duration(limits.closeTimeout()));
        map.put("max-context-bytes", limits.maxContextBytes());
        map.put("max-groups-per-connection", limits.maxGroupsPerConnection());
        map.put("allowed-origins", limits.allowedOrigins());
        map.put(
                "trusted-proxies",
                limits.trustedProxies().stream().map(AddressBlock::text).toList());
        return map;
    }

    private static Map<String, Object> runtimes(RuntimesConfig runtimes) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("workers", runtimes.workers());
        map.put("python", runtimes.python());
        map.put("node", runtimes.node());
        return map;
    }

    private static @Nullable Map<String, Object> cluster(@Nullable ClusterConfig cluster) {
        if (cluster == null) {
            return null;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("redis", cluster.redis().replaceFirst("://[^@/]*@", "://" + HIDDEN + "@"));
        map.put("redis-cluster", cluster.redisCluster());
        map.put("heartbeat-interval", duration(cluster.heartbeatInterval()));
        map.put("heartbeat-ttl", duration(cluster.heartbeatTtl()));
        map.put("forward-timeout", duration(cluster.forwardTimeout()));
        return map;
    }

    private static Map<String, @Nullable Object> route(RouteConfig route, LimitsConfig nodeLimits) {
        Map<String, @Nullable Object> map = new LinkedHashMap<>();
        map.put("path", route.path());
        map.put("dialect", route.dialect().name());
        if (route.dialect() instanceof AwsDialectConfig aws) {
            Map<String, @Nullable Object> keys = new LinkedHashMap<>();
            keys.put("$connect", spec(route.register()));
            keys.put("$default", spec(route.transfer()));
            keys.put("$disconnect", spec(route.cleanup()));
            aws.routeKeys().forEach((key, target) -> keys.put(key, target.spec()));
            map.put("route-keys", keys);
            map.put("route-selection-expression", aws.routeSelectionExpression());
            map.put("route-response", aws.routeResponse());
            map.put("api-id", aws.apiId());
            map.put("domain-name", aws.domainName());
        } else if (route.dialect() instanceof TencentDialectConfig tencent) {
            Map<String, @Nullable Object> functions = new LinkedHashMap<>();
            functions.put("register", spec(route.register()));
            functions.put("transfer", spec(route.transfer()));
            functions.put("cleanup", spec(route.cleanup()));
            map.put("functions", functions);
            map.put("service-id", tencent.serviceId());
            map.put("transfer-action", tencent.transferAction());
        }
        map.put("stage", route.stage());
        Map<String, Object> timeouts = new LinkedHashMap<>();
        timeouts.put("register", duration(route.registerTimeout()));
        timeouts.put("transfer", duration(route.transferTimeout()));
        timeouts.put("cleanup", duration(route.cleanupTimeout()));
        map.put("timeouts", timeouts);
        map.put("signing-secret", secret(route.signingSecret()));
        Map<String, Object> breaker = new LinkedHashMap<>();
        breaker.put("failures", route.circuitBreaker().failures());
        breaker.put("open-for", duration(route.circuitBreaker().openFor()));
        map.put("circuit-breaker", breaker);
        map.put("subprotocols", route.subprotocols());
        map.put("permessage-deflate", route.permessageDeflate());
        map.put("on-transfer-error", route.onTransferError().configName());
        map.put("binary-frames", route.binaryFrames().configName());
        map.put("max-in-flight", route.maxInFlight());
        // the route's own limits as they apply: its values, else its dialect's, else the node's
        ConnectionLimits limits = route.connectionLimits(nodeLimits);
        map.put("max-message-bytes", limits.maxMessageBytes());
        map.put("max-frame-bytes", limits.maxFrameBytes());
        map.put("idle-timeout", duration(limits.idleTimeout()));
        map.put("max-lifetime", duration(limits.maxLifetime()));
        map.put("max-connections", route.maxConnections());
        reliable(route.reliable(), map);
        return map;
    }

    private static void reliable(@Nullable ReliableConfig reliable, Map<String, @Nullable Object> route) {
        if (reliable == null) {
            route.put("resume-window", false);
            return;
        }
        route.put("resume-window", duration(reliable.resumeWindow()));
        Map<String, Object> replay = new LinkedHashMap<>();
        replay.put("max-messages", reliable.replayMaxMessages());
        replay.put("max-bytes", reliable.replayMaxBytes());
        replay.put("max-age", duration(reliable.replayMaxAge()));
        route.put("replay-buffer", replay);
    }

    private static @Nullable String spec(@Nullable FunctionTarget target) {
        return target == null ? null : target.spec();
    }

    private static @Nullable String secret(@Nullable String value) {
        return value == null ? null : HIDDEN;
    }

    private static String duration(Duration duration) {
        return Units.format(duration);
    }
}
