package dev.switchboard.core.config;

import dev.switchboard.core.model.ConnectionId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Everything a node needs to run: where it listens, its limits and its routes. Built by
 * {@link ConfigLoader} from YAML or by {@link #builder()} in code; either way each part checks its
 * own rules as it is built, and this record the rules between parts.
 *
 * @param nodeId this node's id; part of every connection id it issues
 * @param listen where clients connect
 * @param push the push listener
 * @param limits client connection limits
 * @param shutdownTimeout how long a graceful stop waits for cleanups before giving up
 * @param shutdownCloseCode the close code a graceful stop closes connections with: 1001 (going
 *     away) or 1012 (service restart: reconnect, another node or this one once restarted)
 * @param cleanupRetryFor how long a failing cleanup is retried before it is given up and logged
 * @param routes the WebSocket endpoints
 * @param runtimes the local process runtimes for {@code python:} and {@code node:} functions
 * @param cluster cluster mode on Redis, or null for a single node with everything in memory
 * @param tls TLS on the client listener ({@code wss://}), or null for plain {@code ws://}
 * @param stateDir where a single node records its open connections so that their cleanups survive
 *     a crash, or null to keep them in memory only
 * @throws ConfigException when a value is out of range or values contradict each other
 */
public record GatewayConfig(
        String nodeId,
        HostPort listen,
        PushConfig push,
        LimitsConfig limits,
        Duration shutdownTimeout,
        int shutdownCloseCode,
        Duration cleanupRetryFor,
        List<RouteConfig> routes,
        RuntimesConfig runtimes,
        @Nullable ClusterConfig cluster,
        @Nullable TlsConfig tls,
        @Nullable Path stateDir) {

    public static final HostPort DEFAULT_LISTEN = new HostPort("0.0.0.0", 8080);
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
    /** 1001 going away: the close code of a graceful stop unless {@code shutdown-close-code} says 1012. */
    public static final int DEFAULT_SHUTDOWN_CLOSE_CODE = 1001;
    /** The close codes {@code shutdown-close-code} allows: 1001 (going away) and 1012 (service restart). */
    public static final List<Integer> SHUTDOWN_CLOSE_CODES = List.of(1001, 1012);
    /** The close codes {@code shutdown-close-code} allows, as error messages name them. */
    public static final String CLOSE_CODES = "1001 (going away) or 1012 (service restart)";

    public static final Duration DEFAULT_CLEANUP_RETRY_FOR = Duration.ofHours(1);

    public GatewayConfig {
        routes = List.copyOf(routes);
        if (!ConnectionId.NODE_ID.matcher(nodeId).matches()) {
            throw new ConfigException(
                    "node-id: '" + nodeId + "' (expected: auto, or 1-64 characters of A-Z a-z 0-9 _ -)");
        }
        if (listen.equals(push.listen()) && listen.port() != 0) {
            throw new ConfigException(
                    "push.listen: " + push.listen() + " is the same as listen (expected: another port)");
        }
        ConfigRules.positive("shutdown-timeout", shutdownTimeout);
        if (!SHUTDOWN_CLOSE_CODES.contains(shutdownCloseCode)) {
            throw new ConfigException("shutdown-close-code: " + shutdownCloseCode + " (expected: " + CLOSE_CODES + ")");
        }
        ConfigRules.positive("cleanup-retry-for", cleanupRetryFor);
        checkStateDir(stateDir);
        checkRoutes(routes);
    }

    private static void checkStateDir(@Nullable Path stateDir) {
        if (stateDir == null) {
            return;
        }
        if (stateDir.toString().isBlank()) {
            throw new ConfigException("state-dir: empty (expected: a directory path, or no state-dir)");
        }
    }

    private static void checkRoutes(List<RouteConfig> routes) {
        if (routes.isEmpty()) {
            throw new ConfigException("routes: empty (expected: at least one route)");
        }
        Set<String> paths = new HashSet<>();
        for (int i = 0; i < routes.size(); i++) {
            String path = routes.get(i).path();
            if (!paths.add(path)) {
                throw new ConfigException("routes[" + i + "].path: '" + path + "' is used by an earlier route"
                        + " (expected: each path once)");
            }
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this config. */
    public Builder toBuilder() {
        return new Builder()
                .nodeId(nodeId)
                .listen(listen)
                .push(push)
                .limits(limits)
                .shutdownTimeout(shutdownTimeout)
                .shutdownCloseCode(shutdownCloseCode)
                .cleanupRetryFor(cleanupRetryFor)
                .routes(routes)
                .runtimes(runtimes)
                .cluster(cluster)
                .tls(tls)
                .stateDir(stateDir);
    }

    /** Builds {@link GatewayConfig}. */
    public static final class Builder {
        private String nodeId = NodeIds.auto();
        private HostPort listen = DEFAULT_LISTEN;
        private PushConfig push = PushConfig.defaults();
        private LimitsConfig limits = LimitsConfig.defaults();
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private int shutdownCloseCode = DEFAULT_SHUTDOWN_CLOSE_CODE;
        private Duration cleanupRetryFor = DEFAULT_CLEANUP_RETRY_FOR;
        private List<RouteConfig> routes = List.of();
        private RuntimesConfig runtimes = RuntimesConfig.defaults();
        private @Nullable ClusterConfig cluster;
        private @Nullable TlsConfig tls;
        private @Nullable Path stateDir;

        private Builder() {}

        public Builder nodeId(String value) {
            this.nodeId = value;
            return this;
        }

        public Builder listen(HostPort value) {
            this.listen = value;
            return this;
        }

        public Builder push(PushConfig value) {
            this.push = value;
            return this;
        }

        public Builder limits(LimitsConfig value) {
            this.limits = value;
            return this;
        }

        public Builder shutdownTimeout(Duration value) {
            this.shutdownTimeout = value;
            return this;
        }

        /**
         * The close code a graceful stop sends every connection: 1001 going away (the default) or
         * 1012 service restart, which tells clients to reconnect (to another node, or to this one
         * once it is back).
         */
        public Builder shutdownCloseCode(int value) {
            this.shutdownCloseCode = value;
            return this;
        }

        public Builder cleanupRetryFor(Duration value) {
            this.cleanupRetryFor = value;
            return this;
        }

        public Builder routes(List<RouteConfig> value) {
            this.routes = value;
            return this;
        }

        /** Cluster mode on Redis; null (the default) runs a single node in memory. */
        public Builder cluster(@Nullable ClusterConfig value) {
            this.cluster = value;
            return this;
        }

        /** TLS on the client listener; null (the default) serves plain {@code ws://}. */
        public Builder tls(@Nullable TlsConfig value) {
            this.tls = value;
            return this;
        }

        /**
         * A directory where the node records every accepted connection ({@code state-dir}), so that
         * after a crash the next start invokes the cleanup of each connection that was open
         * ({@code closedBy: node-lost}). Created if missing; null (the default) keeps connections in
         * memory only. Not allowed with {@link #cluster}, where surviving nodes clean up.
         */
        public Builder stateDir(@Nullable Path value) {
            this.stateDir = value;
            return this;
        }

        /** The process runtimes for {@code python:} and {@code node:} functions. */
        public Builder runtimes(RuntimesConfig value) {
            this.runtimes = value;
            return this;
        }

        public Builder route(RouteConfig value) {
            this.routes = new java.util.ArrayList<>(routes);
            this.routes.add(value);
            return this;
        }

        /**
         * Builds and validates the config.
         *
         * @throws ConfigException when a value is out of range or values contradict each other
         */
        public GatewayConfig build() {
            return new GatewayConfig(
                    nodeId,
                    listen,
                    push,
                    limits,
                    shutdownTimeout,
                    shutdownCloseCode,
                    cleanupRetryFor,
                    routes,
                    runtimes,
                    cluster,
                    tls,
                    stateDir);
        }
    }
}
