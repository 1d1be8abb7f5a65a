package dev.switchboard.core.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.switchboard.core.function.FunctionTarget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Reads the YAML config (docs/configuration.md): substitutes {@code ${ENV:-default}}, maps kebab-case keys
 * one-to-one onto the config builders, and validates. Any mistake is one {@link ConfigException}
 * line naming the key.
 */
public final class ConfigLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String SHUTDOWN_CLOSE_CODES = "1001 (going away) or 1012 (service restart)";

    private ConfigLoader() {}

    /** Loads a config file with the process environment. */
    public static GatewayConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            String reason = e instanceof java.nio.file.NoSuchFileException
                    ? "no such file"
                    : e instanceof java.nio.file.AccessDeniedException
                            ? "permission denied"
                            : String.valueOf(e.getMessage());
            throw new ConfigException(file + ": cannot be read (" + reason + ")");
        }
        return parse(text, System.getenv());
    }

    /** Parses config text with the given environment. */
    public static GatewayConfig parse(String yaml, Map<String, String> env) {
        String substituted = EnvSubstitution.apply(yaml, env);
        JsonNode tree;
        try {
            tree = YAML.readTree(substituted);
        } catch (JacksonException e) {
            String where =
                    e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr() + ": ";
            throw new ConfigException(where + "not valid YAML (" + oneLine(e.getOriginalMessage()) + ")");
        } catch (IOException e) {
            throw new ConfigException("config cannot be read (" + e.getMessage() + ")");
        }
        if (tree == null || tree instanceof MissingNode) {
            tree = YAML.createObjectNode();
        }
        return read(ConfigNode.root(tree));
    }

    private static GatewayConfig read(ConfigNode root) {
        GatewayConfig.Builder builder = GatewayConfig.builder();
        String nodeId = root.string("node-id", "auto");
        if (!nodeId.equals("auto")) {
            builder.nodeId(nodeId);
        }
        builder.listen(root.parsed("listen", GatewayConfig.DEFAULT_LISTEN, "host:port", HostPort::parse));
        builder.push(root.object("push").map(ConfigLoader::readPush).orElse(PushConfig.defaults()));
        builder.limits(root.object("limits").map(ConfigLoader::readLimits).orElse(LimitsConfig.defaults()));
        builder.shutdownTimeout(
                root.duration("shutdown-timeout", GatewayConfig.DEFAULT_SHUTDOWN_TIMEOUT, Duration.ofMillis(1)));
        builder.shutdownCloseCode(root.parsed(
                "shutdown-close-code",
                GatewayConfig.DEFAULT_SHUTDOWN_CLOSE_CODE,
                SHUTDOWN_CLOSE_CODES,
                ConfigLoader::shutdownCloseCode));
        builder.cleanupRetryFor(
                root.duration("cleanup-retry-for", GatewayConfig.DEFAULT_CLEANUP_RETRY_FOR, Duration.ofMillis(1)));
        builder.routes(
                root.objects("routes").stream().map(ConfigLoader::readRoute).toList());
        builder.runtimes(root.object("runtimes").map(ConfigLoader::readRuntimes).orElse(RuntimesConfig.defaults()));
        root.object("tls").ifPresent(tls -> builder.tls(readTls(tls)));
        root.object("cluster").ifPresent(cluster -> {
            builder.cluster(readCluster(cluster));
            cluster.finish();
        });
        builder.stateDir(root.parsed("state-dir", null, "a directory path", Path::of));
        root.finish();
        return builder.build();
    }

    private static Integer shutdownCloseCode(String text) {
        int code;
        try {
            code = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' (expected: " + SHUTDOWN_CLOSE_CODES + ")");
        }
        if (!GatewayConfig.SHUTDOWN_CLOSE_CODES.contains(code)) {
            throw new IllegalArgumentException(code + " (expected: " + SHUTDOWN_CLOSE_CODES + ")");
        }
        return code;
    }

    private static @Nullable ClusterConfig readCluster(ConfigNode node) {
        String redis = node.optionalString("redis");
        boolean redisCluster = node.bool("redis-cluster", false);
        Duration ms = Duration.ofMillis(1);
        Duration interval =
                node.duration("heartbeat-interval", ClusterConfig.DEFAULT_HEARTBEAT_INTERVAL, Duration.ofMillis(50));
        Duration ttl = node.duration("heartbeat-ttl", ClusterConfig.DEFAULT_HEARTBEAT_TTL, Duration.ofMillis(100));
        Duration forward = node.duration("forward-timeout", ClusterConfig.DEFAULT_FORWARD_TIMEOUT, ms);
        Duration startup = node.duration("startup-timeout", ClusterConfig.DEFAULT_STARTUP_TIMEOUT, ms);
        if (redis == null) {
            return null;
        }
        if (!redis.startsWith("redis://") && !redis.startsWith("rediss://") && !redis.startsWith("redis-sentinel://")) {
            throw node.error(
                    "redis", "'" + redis + "' (expected: redis://host:port, rediss://… or redis-sentinel://…)");
        }
        if (ttl.compareTo(interval.multipliedBy(2)) < 0) {
            throw node.error(
                    "heartbeat-ttl",
                    Units.format(ttl) + " (expected: at least twice heartbeat-interval, "
                            + Units.format(interval.multipliedBy(2)) + ")");
        }
        return new ClusterConfig(redis, redisCluster, interval, ttl, forward, startup);
    }

    private static PushConfig readPush(ConfigNode node) {
        PushConfig push = new PushConfig(
                node.parsed("listen", PushConfig.DEFAULT_LISTEN, "host:port", HostPort::parse),
                node.optionalString("token"),
                node.size("max-body-bytes", PushConfig.DEFAULT_MAX_BODY_BYTES, 1, Integer.MAX_VALUE),
                node.objects("aws-credentials").stream()
                        .map(ConfigLoader::readAwsCredential)
                        .toList(),
                node.object("tls").map(ConfigLoader::readTls).orElse(null),
                node.optionalString("push-token"),
                node.duration("request-timeout", PushConfig.DEFAULT_REQUEST_TIMEOUT, Duration.ofMillis(1)),
                node.duration("idle-timeout", PushConfig.DEFAULT_IDLE_TIMEOUT, Duration.ofMillis(1)),
                origins(node),
                hosts(node));
        node.finish();
        return push;
    }

    private static List<String> hosts(ConfigNode node) {
        List<String> hosts = node.strings("allowed-hosts");
        for (String host : hosts) {
            if (!host.matches("(\\[[0-9a-fA-F:.]+]|[^/\\s:\\[\\]@]+)(:[0-9]{1,5})?")) {
                throw node.error(
                        "allowed-hosts",
                        "'" + host
                                + "' (expected: host or host:port as the Host header sends it, e.g. push.example.com)");
            }
        }
        return hosts;
    }

    /**
     * {@code cert} and {@code key} both set turn TLS on, both absent (or null, as in the
     * documented example) leave it off; one without the other is a mistake.
     */
    private static @Nullable TlsConfig readTls(ConfigNode node) {
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
            return new TlsConfig(Path.of(cert), Path.of(key), interval);
        } catch (java.nio.file.InvalidPathException e) {
            throw new ConfigException(node.keyPath("cert") + "/key: not a file path (" + e.getMessage() + ")");
        }
    }

    private static CircuitBreakerConfig readCircuitBreaker(ConfigNode node) {
        CircuitBreakerConfig breaker = new CircuitBreakerConfig(
                node.integer("failures", CircuitBreakerConfig.DEFAULT_FAILURES, 0, 1_000_000),
                node.duration("open-for", CircuitBreakerConfig.DEFAULT_OPEN_FOR, Duration.ofMillis(1)));
        node.finish();
        return breaker;
    }

    private static AuthConfig readAuth(ConfigNode node) {
        String jwksUrl = node.optionalString("jwks-url");
        Duration ms = Duration.ofMillis(1);
        AuthConfig.Builder auth = AuthConfig.builder()
                .algorithms(node.strings("algorithms"))
                .secret(node.optionalString("secret"))
                .publicKeys(node.strings("public-keys"))
                .jwksTimeout(node.duration("jwks-timeout", AuthConfig.DEFAULT_JWKS_TIMEOUT, ms))
                .jwksCacheTtl(node.duration("jwks-cache-ttl", AuthConfig.DEFAULT_JWKS_CACHE_TTL, ms))
                .jwksRefreshMinInterval(node.duration(
                        "jwks-refresh-min-interval", AuthConfig.DEFAULT_JWKS_REFRESH_MIN_INTERVAL, Duration.ZERO))
                .queryParameter(node.string("query-parameter", AuthConfig.DEFAULT_QUERY_PARAMETER))
                .authorizationHeader(node.bool("authorization-header", true))
                .subprotocolPrefix(node.string("subprotocol-prefix", ""))
                .issuer(node.optionalString("issuer"))
                .audience(node.optionalString("audience"))
                .clockSkew(node.duration("clock-skew", AuthConfig.DEFAULT_CLOCK_SKEW, Duration.ZERO))
                .maxTokenBytes(node.integer("max-token-bytes", AuthConfig.DEFAULT_MAX_TOKEN_BYTES, 1, 65_536))
                .userIdClaim(node.string("user-id-claim", AuthConfig.DEFAULT_USER_ID_CLAIM))
                .contextClaim(node.optionalString("context-claim"))
                .groupsClaim(node.optionalString("groups-claim"));
        if (jwksUrl != null) {
            try {
                auth.jwksUrl(java.net.URI.create(jwksUrl));
            } catch (IllegalArgumentException e) {
                throw node.error("jwks-url", jwksUrl + " (expected: a URL)");
            }
        }
        node.finish();
        return auth.build();
    }

    private static AwsCredential readAwsCredential(ConfigNode node) {
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

    private static RuntimesConfig readRuntimes(ConfigNode node) {
        RuntimesConfig runtimes = RuntimesConfig.builder()
                .workers(node.integer("workers", RuntimesConfig.DEFAULT_WORKERS, 1, RuntimesConfig.MAX_WORKERS))
                .python(node.string("python", RuntimesConfig.DEFAULT_PYTHON))
                .node(node.string("node", RuntimesConfig.DEFAULT_NODE))
                .build();
        node.finish();
        return runtimes;
    }

    private static LimitsConfig readLimits(ConfigNode node) {
        Duration ms = Duration.ofMillis(1);
        int max = Integer.MAX_VALUE;
        LimitsConfig limits = LimitsConfig.builder()
                .maxConnections(node.integer("max-connections", LimitsConfig.DEFAULT_MAX_CONNECTIONS, 1, max))
                .maxConnectionsPerIp(
                        node.integer("max-connections-per-ip", LimitsConfig.DEFAULT_MAX_CONNECTIONS_PER_IP, 1, max))
                .maxMessageBytes(node.size("max-message-bytes", LimitsConfig.DEFAULT_MAX_MESSAGE_BYTES, 1, max))
                .idleTimeout(node.duration("idle-timeout", LimitsConfig.DEFAULT_IDLE_TIMEOUT, ms))
                .maxLifetime(node.duration("max-lifetime", LimitsConfig.DEFAULT_MAX_LIFETIME, ms))
                .outboundBufferBytes(
                        node.size("outbound-buffer-bytes", LimitsConfig.DEFAULT_OUTBOUND_BUFFER_BYTES, 1, max))
                .handshakeTimeout(node.duration("handshake-timeout", LimitsConfig.DEFAULT_HANDSHAKE_TIMEOUT, ms))
                .maxHeaderBytes(node.size("max-header-bytes", LimitsConfig.DEFAULT_MAX_HEADER_BYTES, 256, max))
                .pingInterval(node.duration("ping-interval", LimitsConfig.DEFAULT_PING_INTERVAL, ms))
                .inboundQueueMessages(
                        node.integer("inbound-queue-messages", LimitsConfig.DEFAULT_INBOUND_QUEUE_MESSAGES, 1, max))
                .inboundQueueBytes(node.size("inbound-queue-bytes", LimitsConfig.DEFAULT_INBOUND_QUEUE_BYTES, 1, max))
                .closeTimeout(node.duration("close-timeout", LimitsConfig.DEFAULT_CLOSE_TIMEOUT, ms))
                .maxContextBytes(node.size("max-context-bytes", LimitsConfig.DEFAULT_MAX_CONTEXT_BYTES, 2, max))
                .maxGroupsPerConnection(node.integer(
                        "max-groups-per-connection", LimitsConfig.DEFAULT_MAX_GROUPS_PER_CONNECTION, 0, max))
                .slowConsumer(node.choice(
                        "slow-consumer",
                        SlowConsumerPolicy.CLOSE,
                        Arrays.asList(SlowConsumerPolicy.values()),
                        SlowConsumerPolicy::configName))
                .connectRatePerIp(node.integer("connect-rate-per-ip", LimitsConfig.DEFAULT_CONNECT_RATE_PER_IP, 1, max))
                .messageRate(node.integer("message-rate", LimitsConfig.DEFAULT_MESSAGE_RATE, 0, max))
                .allowedOrigins(origins(node))
                .trustedProxies(trustedProxies(node))
                .build();
        node.finish();
        return limits;
    }

    private static List<String> origins(ConfigNode node) {
        List<String> origins = node.strings("allowed-origins");
        for (String origin : origins) {
            if (!origin.matches("https?://[^/\\s]+") && !origin.equals("null")) {
                throw node.error(
                        "allowed-origins",
                        "'" + origin
                                + "' (expected: scheme://host[:port] as browsers send it, e.g. https://app.example.com)");
            }
        }
        return origins;
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

    private static RouteConfig readRoute(ConfigNode node) {
        String path = node.optionalString("path");
        if (path == null) {
            throw node.error("path", "missing (expected: a path starting with /)");
        }
        String dialect = node.string("dialect", RouteConfig.DEFAULT_DIALECT);
        RouteConfig.Builder route = RouteConfig.builder(path)
                .dialect(dialect)
                .serviceId(node.string("service-id", RouteConfig.DEFAULT_SERVICE_ID))
                .stage(node.string("stage", RouteConfig.DEFAULT_STAGE))
                .transferAction(node.string("transfer-action", RouteConfig.DEFAULT_TRANSFER_ACTION))
                .subprotocols(node.strings("subprotocols"))
                .permessageDeflate(node.bool("permessage-deflate", false))
                .onTransferError(node.choice(
                        "on-transfer-error",
                        null,
                        Arrays.asList(OnTransferError.values()),
                        OnTransferError::configName))
                .maxInFlight(node.integer("max-in-flight", RouteConfig.DEFAULT_MAX_IN_FLIGHT, 1, 1024))
                .routeSelectionExpression(
                        node.string("route-selection-expression", RouteConfig.DEFAULT_ROUTE_SELECTION_EXPRESSION))
                .routeResponse(node.bool("route-response", false))
                .binaryFrames(node.choice(
                        "binary-frames", null, Arrays.asList(BinaryFrames.values()), BinaryFrames::configName))
                .apiId(node.string("api-id", RouteConfig.DEFAULT_API_ID))
                .domainName(node.optionalString("domain-name"))
                .signingSecret(node.optionalString("signing-secret"));
        node.object("circuit-breaker").ifPresent(breaker -> route.circuitBreaker(readCircuitBreaker(breaker)));
        node.object("auth").ifPresent(auth -> route.auth(readAuth(auth)));
        readRouteLimits(node, route);
        readReliable(node, route);
        boolean aws = RouteConfig.AWS.equals(dialect);
        Optional<ConfigNode> routeKeys = node.object("route-keys");
        if (routeKeys.isPresent() && !aws) {
            throw node.error("route-keys", "set on a '" + dialect + "' route (expected: only with dialect: aws)");
        }
        routeKeys.ifPresent(keys -> readRouteKeys(keys, route));
        Optional<ConfigNode> functions = node.object("functions");
        if (functions.isPresent() && aws) {
            throw node.error(
                    "functions",
                    "set on an aws route (expected: route-keys with $connect, $default, $disconnect and custom keys)");
        }
        functions.ifPresent(f -> {
            route.register(target(f, "register"));
            route.transfer(target(f, "transfer"));
            route.cleanup(target(f, "cleanup"));
            f.finish();
        });
        node.object("timeouts").ifPresent(t -> {
            Duration ms = Duration.ofMillis(1);
            route.registerTimeout(t.duration("register", RouteConfig.DEFAULT_REGISTER_TIMEOUT, ms));
            route.transferTimeout(t.duration("transfer", RouteConfig.DEFAULT_TRANSFER_TIMEOUT, ms));
            route.cleanupTimeout(t.duration("cleanup", RouteConfig.DEFAULT_CLEANUP_TIMEOUT, ms));
            t.finish();
        });
        node.finish();
        return route.build();
    }

    /**
     * {@code resume-window} turns reliable sessions on: a duration, or {@code true} for the
     * default; {@code replay-buffer} bounds what each session keeps for its client.
     */
    private static void readReliable(ConfigNode node, RouteConfig.Builder route) {
        Duration window = node.parsed("resume-window", null, "a duration, true or false", ConfigLoader::resumeWindow);
        Optional<ConfigNode> replay = node.object("replay-buffer");
        if (window == null) {
            if (replay.isPresent()) {
                throw node.error(
                        "replay-buffer",
                        "set without resume-window (expected: resume-window too, which turns"
                                + " reliable sessions on)");
            }
            return;
        }
        ReliableConfig reliable = ReliableConfig.withWindow(window);
        if (replay.isPresent()) {
            ConfigNode limits = replay.get();
            reliable = reliable.withReplayLimits(
                    limits.integer("max-messages", ReliableConfig.DEFAULT_REPLAY_MAX_MESSAGES, 1, 10_000_000),
                    limits.size("max-bytes", ReliableConfig.DEFAULT_REPLAY_MAX_BYTES, 1, Integer.MAX_VALUE),
                    limits.duration("max-age", reliable.replayMaxAge(), Duration.ofMillis(1)));
            limits.finish();
        }
        route.reliable(reliable);
    }

    /** {@code true} is the default window, {@code false} (or 0) none. */
    private static @Nullable Duration resumeWindow(String text) {
        switch (text) {
            case "true", "on" -> {
                return ReliableConfig.DEFAULT_RESUME_WINDOW;
            }
            case "false", "off" -> {
                return null;
            }
            default -> {
                Duration window = durationOf(text, Duration.ZERO);
                return window.isZero() ? null : window;
            }
        }
    }

    private static void readRouteLimits(ConfigNode node, RouteConfig.Builder route) {
        Duration ms = Duration.ofMillis(1);
        int max = Integer.MAX_VALUE;
        route.maxMessageBytes(node.parsed("max-message-bytes", null, Units.SIZE_FORM, s -> sizeIn(s, 1, max)));
        route.maxFrameBytes(node.parsed("max-frame-bytes", null, Units.SIZE_FORM, s -> sizeIn(s, 1, max)));
        route.idleTimeout(node.parsed("idle-timeout", null, Units.DURATION_FORM, s -> durationOf(s, ms)));
        route.maxLifetime(node.parsed("max-lifetime", null, Units.DURATION_FORM, s -> durationOf(s, ms)));
        route.maxConnections(node.optionalInteger("max-connections", 1, max));
    }

    private static Integer sizeIn(String text, long min, long max) {
        long size;
        try {
            size = Units.size(text);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' (expected: " + Units.SIZE_FORM + ")");
        }
        if (size < min || size > max) {
            throw new IllegalArgumentException(size + " (expected: " + min + " to " + max + ")");
        }
        return (int) size;
    }

    private static Duration durationOf(String text, Duration min) {
        Duration duration;
        try {
            duration = Units.duration(text);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' (expected: " + Units.DURATION_FORM + ")");
        }
        if (duration.compareTo(min) < 0) {
            throw new IllegalArgumentException(
                    Units.format(duration) + " (expected: at least " + Units.format(min) + ")");
        }
        return duration;
    }

    /** {@code $connect}, {@code $default} and {@code $disconnect} are the three functions; other keys route messages. */
    private static void readRouteKeys(ConfigNode keys, RouteConfig.Builder route) {
        for (String key : keys.keys()) {
            FunctionTarget target = target(keys, key);
            if (target == null) {
                continue;
            }
            switch (key) {
                case "$connect" -> route.register(target);
                case "$default" -> route.transfer(target);
                case "$disconnect" -> route.cleanup(target);
                default -> route.routeKey(key, target);
            }
        }
        keys.finish();
    }

    /** SnakeYAML's messages span several lines (with a source excerpt); keep the explaining ones. */
    private static String oneLine(String message) {
        List<String> lines = message.lines()
                .filter(line -> !line.isBlank() && !Character.isWhitespace(line.charAt(0)))
                .toList();
        return lines.isEmpty() ? message.strip().replaceAll("\\s+", " ") : String.join("; ", lines);
    }

    private static FunctionTarget target(ConfigNode functions, String key) {
        return functions.parsed(key, null, FunctionTarget.EXPECTED, FunctionTarget::parse);
    }
}
