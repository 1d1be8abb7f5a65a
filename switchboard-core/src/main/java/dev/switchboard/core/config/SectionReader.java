package dev.switchboard.core.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Maps the node-wide YAML sections ({@code push}, {@code limits}, {@code runtimes},
 * {@code cluster}, {@code tls}) onto their builders; each record checks its own rules as it is
 * built, after the section's keys are known to be spelt right.
 */
final class SectionReader {
    private static final Duration MILLISECOND = Duration.ofMillis(1);
    private static final int MAX = Integer.MAX_VALUE;

    private SectionReader() {}

    static PushConfig push(ConfigNode node) {
        PushConfig.Builder push = PushConfig.builder()
                .listen(node.parsed("listen", PushConfig.DEFAULT_LISTEN, "host:port", HostPort::parse))
                .token(node.optionalString("token"))
                .maxBodyBytes(node.size("max-body-bytes", PushConfig.DEFAULT_MAX_BODY_BYTES, 1, MAX))
                .awsCredentials(node.objects("aws-credentials").stream()
                        .map(SectionReader::awsCredential)
                        .toList())
                .tls(node.object("tls").map(SectionReader::tls).orElse(null))
                .pushToken(node.optionalString("push-token"))
                .requestTimeout(node.duration("request-timeout", PushConfig.DEFAULT_REQUEST_TIMEOUT, MILLISECOND))
                .idleTimeout(node.duration("idle-timeout", PushConfig.DEFAULT_IDLE_TIMEOUT, MILLISECOND))
                .allowedOrigins(node.strings("allowed-origins"))
                .allowedHosts(node.strings("allowed-hosts"));
        node.finish();
        return push.build();
    }

    private static AwsCredential awsCredential(ConfigNode node) {
        String id = node.optionalString("access-key-id");
        String secret = node.optionalString("secret-access-key");
        if (id == null) {
            throw node.error("access-key-id", "missing (expected: the access key id callers sign with)");
        }
        if (secret == null) {
            throw node.error("secret-access-key", "missing (expected: the secret access key of " + id + ")");
        }
        node.finish();
        return new AwsCredential(id, secret);
    }

    /**
     * {@code cert} and {@code key} both set turn TLS on, both absent (or null, as in the
     * documented example) leave it off; one without the other is a mistake.
     */
    static @Nullable TlsConfig tls(ConfigNode node) {
        String cert = node.optionalString("cert");
        String key = node.optionalString("key");
        Duration interval = node.duration("watch-interval", TlsConfig.DEFAULT_WATCH_INTERVAL, Duration.ofMillis(10));
        node.finish();
        if (cert == null && key == null) {
            return null;
        }
        if (cert == null) {
            throw node.error("cert", "missing (expected: the PEM certificate file that goes with key " + key + ")");
        }
        if (key == null) {
            throw node.error("key", "missing (expected: the PEM private key file of cert " + cert + ")");
        }
        try {
            return node.build(() -> TlsConfig.builder(Path.of(cert), Path.of(key))
                    .watchInterval(interval)
                    .build());
        } catch (InvalidPathException e) {
            throw new ConfigException(node.keyPath("cert") + "/key: not a file path (" + e.getMessage() + ")");
        }
    }

    static RuntimesConfig runtimes(ConfigNode node) {
        RuntimesConfig.Builder runtimes = RuntimesConfig.builder()
                .workers(node.integer("workers", RuntimesConfig.DEFAULT_WORKERS, 1, RuntimesConfig.MAX_WORKERS))
                .python(node.string("python", RuntimesConfig.DEFAULT_PYTHON))
                .node(node.string("node", RuntimesConfig.DEFAULT_NODE));
        node.finish();
        return runtimes.build();
    }

    /** The cluster, or null when {@code redis} is not set (as {@code ${REDIS:-}} leaves it). */
    static @Nullable ClusterConfig cluster(ConfigNode node) {
        String redis = node.optionalString("redis");
        boolean redisCluster = node.bool("redis-cluster", false);
        Duration interval = node.duration(
                "heartbeat-interval", ClusterConfig.DEFAULT_HEARTBEAT_INTERVAL, ClusterConfig.MIN_HEARTBEAT_INTERVAL);
        Duration ttl =
                node.duration("heartbeat-ttl", ClusterConfig.DEFAULT_HEARTBEAT_TTL, ClusterConfig.MIN_HEARTBEAT_TTL);
        Duration forward = node.duration("forward-timeout", ClusterConfig.DEFAULT_FORWARD_TIMEOUT, MILLISECOND);
        Duration startup = node.duration("startup-timeout", ClusterConfig.DEFAULT_STARTUP_TIMEOUT, MILLISECOND);
        node.finish();
        if (redis == null) {
            return null;
        }
        return ClusterConfig.builder(redis)
                .redisCluster(redisCluster)
                .heartbeatInterval(interval)
                .heartbeatTtl(ttl)
                .forwardTimeout(forward)
                .startupTimeout(startup)
                .build();
    }

    static LimitsConfig limits(ConfigNode node) {
        LimitsConfig.Builder limits = LimitsConfig.builder()
                .maxConnections(node.integer("max-connections", LimitsConfig.DEFAULT_MAX_CONNECTIONS, 1, MAX))
                .maxConnectionsPerIp(
                        node.integer("max-connections-per-ip", LimitsConfig.DEFAULT_MAX_CONNECTIONS_PER_IP, 1, MAX))
                .maxConnectionsPerUser(
                        node.integer("max-connections-per-user", LimitsConfig.DEFAULT_MAX_CONNECTIONS_PER_USER, 0, MAX))
                .maxMessageBytes(node.size("max-message-bytes", LimitsConfig.DEFAULT_MAX_MESSAGE_BYTES, 1, MAX))
                .idleTimeout(node.duration("idle-timeout", LimitsConfig.DEFAULT_IDLE_TIMEOUT, MILLISECOND))
                .maxLifetime(node.duration("max-lifetime", LimitsConfig.DEFAULT_MAX_LIFETIME, MILLISECOND))
                .outboundBufferBytes(
                        node.size("outbound-buffer-bytes", LimitsConfig.DEFAULT_OUTBOUND_BUFFER_BYTES, 1, MAX))
                .handshakeTimeout(
                        node.duration("handshake-timeout", LimitsConfig.DEFAULT_HANDSHAKE_TIMEOUT, MILLISECOND))
                .maxHeaderBytes(node.size("max-header-bytes", LimitsConfig.DEFAULT_MAX_HEADER_BYTES, 256, MAX))
                .pingInterval(node.duration("ping-interval", LimitsConfig.DEFAULT_PING_INTERVAL, MILLISECOND))
                .inboundQueueMessages(
                        node.integer("inbound-queue-messages", LimitsConfig.DEFAULT_INBOUND_QUEUE_MESSAGES, 1, MAX))
                .inboundQueueBytes(node.size("inbound-queue-bytes", LimitsConfig.DEFAULT_INBOUND_QUEUE_BYTES, 1, MAX))
                .closeTimeout(node.duration("close-timeout", LimitsConfig.DEFAULT_CLOSE_TIMEOUT, MILLISECOND))
                .maxContextBytes(node.size("max-context-bytes", LimitsConfig.DEFAULT_MAX_CONTEXT_BYTES, 2, MAX))
                .maxGroupsPerConnection(node.integer(
                        "max-groups-per-connection", LimitsConfig.DEFAULT_MAX_GROUPS_PER_CONNECTION, 0, MAX))
                .slowConsumer(node.choice(
                        "slow-consumer",
                        SlowConsumerPolicy.CLOSE,
                        Arrays.asList(SlowConsumerPolicy.values()),
                        SlowConsumerPolicy::configName))
                .connectRatePerIp(node.integer("connect-rate-per-ip", LimitsConfig.DEFAULT_CONNECT_RATE_PER_IP, 1, MAX))
                .messageRate(node.integer("message-rate", LimitsConfig.DEFAULT_MESSAGE_RATE, 0, MAX))
                .allowedOrigins(node.strings("allowed-origins"))
                .trustedProxies(trustedProxies(node));
        node.finish();
        return limits.build();
    }

    private static List<AddressBlock> trustedProxies(ConfigNode node) {
        List<AddressBlock> blocks = new ArrayList<>();
        for (String text : node.strings("trusted-proxies")) {
            try {
                blocks.add(AddressBlock.parse(text));
            } catch (IllegalArgumentException e) {
                throw node.error("trusted-proxies", e.getMessage());
            }
        }
        return blocks;
    }
}
