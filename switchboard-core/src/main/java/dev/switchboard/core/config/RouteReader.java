package dev.switchboard.core.config;

import dev.switchboard.core.function.FunctionTarget;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Maps one {@code routes[n]} mapping onto a {@link RouteConfig.Builder} and its dialect's
 * builder. Every route key is read whatever the dialect, so a typo is named the same way on any
 * route; the records check their own rules, and a rule broken in a route is named under the
 * route's path ({@code routes[n].…}).
 */
final class RouteReader {
    private static final Duration MILLISECOND = Duration.ofMillis(1);
    private static final int MAX = Integer.MAX_VALUE;

    private RouteReader() {}

    static RouteConfig route(ConfigNode node) {
        String path = node.optionalString("path");
        if (path == null) {
            throw node.error("path", "missing (expected: a path starting with /)");
        }
        String dialect = node.string("dialect", TencentDialectConfig.NAME);
        RouteConfig.Builder route = RouteConfig.builder(path)
                .stage(node.string("stage", RouteConfig.DEFAULT_STAGE))
                .subprotocols(node.strings("subprotocols"))
                .permessageDeflate(node.bool("permessage-deflate", false))
                .onTransferError(node.choice(
                        "on-transfer-error",
                        null,
                        Arrays.asList(OnTransferError.values()),
                        OnTransferError::configName))
                .maxInFlight(
                        node.integer("max-in-flight", RouteConfig.DEFAULT_MAX_IN_FLIGHT, 1, RouteConfig.MAX_IN_FLIGHT))
                .binaryFrames(node.choice(
                        "binary-frames", null, Arrays.asList(BinaryFrames.values()), BinaryFrames::configName))
                .signingSecret(node.optionalString("signing-secret"));
        node.object("circuit-breaker").ifPresent(breaker -> route.circuitBreaker(circuitBreaker(node, breaker)));
        node.object("auth").ifPresent(auth -> route.auth(auth(auth)));
        node.object("presence").ifPresent(presence -> route.presence(presence(node, presence)));
        limits(node, route);
        reliable(node, route);
        TencentDialectConfig.Builder tencent = tencent(node);
        AwsDialectConfig.Builder aws = aws(node);
        functions(node, route, dialect, dialect.equals(AwsDialectConfig.NAME) ? aws : null);
        node.finish();
        DialectConfig chosen = switch (dialect) {
            case TencentDialectConfig.NAME -> node.build(tencent::build);
            case AwsDialectConfig.NAME -> node.build(aws::build);
            default -> throw node.error("dialect", "'" + dialect + "' (expected: tencent or aws)");
        };
        return node.build(route.dialect(chosen)::build);
    }

    /** The Tencent keys, read on every route; a route of another dialect leaves them unused. */
    private static TencentDialectConfig.Builder tencent(ConfigNode node) {
        return TencentDialectConfig.builder()
                .serviceId(node.string("service-id", TencentDialectConfig.DEFAULT_SERVICE_ID))
                .transferAction(node.choice(
                        "transfer-action",
                        TencentDialectConfig.DEFAULT_TRANSFER_ACTION,
                        TencentDialectConfig.TRANSFER_ACTIONS,
                        action -> action));
    }

    /** The AWS keys but {@code route-keys}, read on every route; a route of another dialect leaves them unused. */
    private static AwsDialectConfig.Builder aws(ConfigNode node) {
        return AwsDialectConfig.builder()
                .routeSelectionExpression(
                        node.string("route-selection-expression", AwsDialectConfig.DEFAULT_ROUTE_SELECTION_EXPRESSION))
                .routeResponse(node.bool("route-response", false))
                .apiId(node.string("api-id", AwsDialectConfig.DEFAULT_API_ID))
                .domainName(node.optionalString("domain-name"));
    }

    /**
     * A Tencent route names its functions under {@code functions}, an AWS route under
     * {@code route-keys}, where {@code $connect}, {@code $default} and {@code $disconnect} are the
     * three functions and other keys route messages.
     */
    private static void functions(
            ConfigNode node, RouteConfig.Builder route, String dialect, AwsDialectConfig.@Nullable Builder aws) {
        Optional<ConfigNode> routeKeys = node.object("route-keys");
        if (routeKeys.isPresent() && aws == null) {
            throw node.error("route-keys", "set on a '" + dialect + "' route (expected: only with dialect: aws)");
        }
        routeKeys.ifPresent(keys -> routeKeys(keys, route, aws));
        FunctionTarget authorizer = target(node, "authorizer");
        if (authorizer != null && aws == null) {
            throw node.error("authorizer", "set on a '" + dialect + "' route (expected: only with dialect: aws)");
        }
        if (aws != null) {
            aws.authorizer(authorizer);
        }
        Optional<ConfigNode> functions = node.object("functions");
        if (functions.isPresent() && aws != null) {
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
            route.registerTimeout(t.duration("register", RouteConfig.DEFAULT_REGISTER_TIMEOUT, MILLISECOND));
            route.transferTimeout(t.duration("transfer", RouteConfig.DEFAULT_TRANSFER_TIMEOUT, MILLISECOND));
            route.cleanupTimeout(t.duration("cleanup", RouteConfig.DEFAULT_CLEANUP_TIMEOUT, MILLISECOND));
            t.finish();
        });
    }

    private static void routeKeys(ConfigNode keys, RouteConfig.Builder route, AwsDialectConfig.Builder aws) {
        for (String key : keys.keys()) {
            FunctionTarget target = target(keys, key);
            if (target == null) {
                continue;
            }
            switch (key) {
                case "$connect" -> route.register(target);
                case "$default" -> route.transfer(target);
                case "$disconnect" -> route.cleanup(target);
                default -> aws.routeKey(key, target);
            }
        }
        keys.finish();
    }

    private static @Nullable FunctionTarget target(ConfigNode functions, String key) {
        return functions.parsed(key, null, FunctionTarget.EXPECTED, FunctionTarget::parse);
    }

    private static void limits(ConfigNode node, RouteConfig.Builder route) {
        route.maxMessageBytes(node.optionalSize("max-message-bytes", 1, MAX));
        route.maxFrameBytes(node.optionalSize("max-frame-bytes", 1, MAX));
        route.idleTimeout(node.optionalDuration("idle-timeout", MILLISECOND));
        route.maxLifetime(node.optionalDuration("max-lifetime", MILLISECOND));
        route.maxConnections(node.optionalInteger("max-connections", 1, MAX));
    }

    /**
     * {@code resume-window} turns reliable sessions on: a duration, or {@code true} for the
     * default; {@code replay-buffer} bounds what each session keeps for its client.
     */
    private static void reliable(ConfigNode node, RouteConfig.Builder route) {
        Duration window = node.parsed("resume-window", null, "a duration, true or false", RouteReader::resumeWindow);
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
        ReliableConfig.Builder reliable = ReliableConfig.builder().resumeWindow(window);
        replay.ifPresent(limits -> {
            reliable.replayMaxMessages(
                            limits.integer("max-messages", ReliableConfig.DEFAULT_REPLAY_MAX_MESSAGES, 1, 10_000_000))
                    .replayMaxBytes(limits.size("max-bytes", ReliableConfig.DEFAULT_REPLAY_MAX_BYTES, 1, MAX))
                    .replayMaxAge(limits.duration("max-age", ReliableConfig.defaultReplayMaxAge(window), MILLISECOND));
            limits.finish();
        });
        route.reliable(node.build(reliable::build));
    }

    /** {@code true} is the default window, {@code false} (or 0) none. */
    private static @Nullable Duration resumeWindow(String text) {
        return switch (text) {
            case "true", "on" -> ReliableConfig.DEFAULT_RESUME_WINDOW;
            case "false", "off" -> null;
            default -> {
                Duration window = ConfigNode.durationOf(text, Duration.ZERO);
                yield window.isZero() ? null : window;
            }
        };
    }

    /** The breaker's keys are named relative to the route ({@code circuit-breaker.failures}). */
    private static CircuitBreakerConfig circuitBreaker(ConfigNode route, ConfigNode node) {
        CircuitBreakerConfig.Builder breaker = CircuitBreakerConfig.builder()
                .failures(node.integer("failures", CircuitBreakerConfig.DEFAULT_FAILURES, 0, 1_000_000))
                .openFor(node.duration("open-for", CircuitBreakerConfig.DEFAULT_OPEN_FOR, MILLISECOND));
        node.finish();
        return route.build(breaker::build);
    }

    /** Presence names its mistakes relative to the route ({@code presence.groups}). */
    private static PresenceConfig presence(ConfigNode route, ConfigNode node) {
        List<String> groups = node.strings("groups");
        PresenceConfig.Builder presence = PresenceConfig.builder()
                .groups(groups.isEmpty() && !node.keys().contains("groups") ? PresenceConfig.DEFAULT_GROUPS : groups)
                .events(node.bool("events", true))
                .function(target(node, "function"))
                .timeout(node.duration("timeout", PresenceConfig.DEFAULT_TIMEOUT, MILLISECOND));
        node.finish();
        return route.build(presence::build);
    }

    /** Token auth names its mistakes {@code auth.…}, as it always has. */
    private static AuthConfig auth(ConfigNode node) {
        String jwksUrl = node.optionalString("jwks-url");
        AuthConfig.Builder auth = AuthConfig.builder()
                .algorithms(node.strings("algorithms"))
                .secret(node.optionalString("secret"))
                .publicKeys(node.strings("public-keys"))
                .jwksTimeout(node.duration("jwks-timeout", AuthConfig.DEFAULT_JWKS_TIMEOUT, MILLISECOND))
                .jwksCacheTtl(node.duration("jwks-cache-ttl", AuthConfig.DEFAULT_JWKS_CACHE_TTL, MILLISECOND))
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
                auth.jwksUrl(URI.create(jwksUrl));
            } catch (IllegalArgumentException e) {
                throw node.error("jwks-url", jwksUrl + " (expected: a URL)");
            }
        }
        node.finish();
        return auth.build();
    }
}
