package dev.switchboard.core.config;

import java.time.Duration;

/**
 * Cluster mode ({@code cluster:} in YAML): nodes sharing a Redis deployment.
 *
 * @param redis a Lettuce URI: {@code redis://host:port}, {@code rediss://…},
 *     {@code redis-sentinel://…}, or {@code redis://…} comma lists for Redis Cluster
 * @param redisCluster whether the URI names a Redis Cluster
 * @param heartbeatInterval how often a node announces it is alive; at least 50 ms
 * @param heartbeatTtl how long an announcement lasts, at least twice the interval; a node silent
 *     this long is lost and its connections are cleaned up by a survivor
 * @param forwardTimeout how long a push forwarded to another node waits for its answer (then 503)
 * @param startupTimeout how long a starting node waits to register in the cluster before it opens
 *     its listeners; past it the node starts degraded ({@code /readyz} 503 until registered)
 * @throws ConfigException naming the {@code cluster.} key of the first rule broken
 */
public record ClusterConfig(
        String redis,
        boolean redisCluster,
        Duration heartbeatInterval,
        Duration heartbeatTtl,
        Duration forwardTimeout,
        Duration startupTimeout) {
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_HEARTBEAT_TTL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_FORWARD_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(10);
    /** The shortest heartbeat interval: a shorter one would spend Redis on announcements. */
    public static final Duration MIN_HEARTBEAT_INTERVAL = Duration.ofMillis(50);
    /** The shortest heartbeat TTL. */
    public static final Duration MIN_HEARTBEAT_TTL = Duration.ofMillis(100);

    public ClusterConfig {
        if (!redis.startsWith("redis://") && !redis.startsWith("rediss://") && !redis.startsWith("redis-sentinel://")) {
            throw new ConfigException(
                    "cluster.redis: '" + redis + "' (expected: redis://host:port, rediss://… or redis-sentinel://…)");
        }
        ConfigRules.atLeast("cluster.heartbeat-interval", heartbeatInterval, MIN_HEARTBEAT_INTERVAL);
        ConfigRules.atLeast("cluster.heartbeat-ttl", heartbeatTtl, MIN_HEARTBEAT_TTL);
        ConfigRules.positive("cluster.forward-timeout", forwardTimeout);
        ConfigRules.positive("cluster.startup-timeout", startupTimeout);
        if (heartbeatTtl.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
            throw new ConfigException("cluster.heartbeat-ttl: " + Units.format(heartbeatTtl)
                    + " (expected: at least twice heartbeat-interval, "
                    + Units.format(heartbeatInterval.multipliedBy(2)) + ")");
        }
    }

    /** A standalone or Sentinel Redis at {@code redis} with default timings. */
    public static ClusterConfig of(String redis) {
        return builder(redis).build();
    }

    /** A builder for a cluster on {@code redis}, with default timings. */
    public static Builder builder(String redis) {
        return new Builder(redis);
    }

    /** A builder starting from this config. */
    public Builder toBuilder() {
        return new Builder(redis)
                .redisCluster(redisCluster)
                .heartbeatInterval(heartbeatInterval)
                .heartbeatTtl(heartbeatTtl)
                .forwardTimeout(forwardTimeout)
                .startupTimeout(startupTimeout);
    }

    /** This config with other heartbeat timings. */
    public ClusterConfig withHeartbeat(Duration interval, Duration ttl) {
        return toBuilder().heartbeatInterval(interval).heartbeatTtl(ttl).build();
    }

    /** This config with another bound on the wait to register at start. */
    public ClusterConfig withStartupTimeout(Duration timeout) {
        return toBuilder().startupTimeout(timeout).build();
    }

    /** Builds {@link ClusterConfig}; every setter has the YAML key of the same name. */
    public static final class Builder {
        private final String redis;
        private boolean redisCluster;
        private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
        private Duration heartbeatTtl = DEFAULT_HEARTBEAT_TTL;
        private Duration forwardTimeout = DEFAULT_FORWARD_TIMEOUT;
        private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;

        private Builder(String redis) {
            this.redis = redis;
        }

        /** Whether the URI names a Redis Cluster (default false). */
        public Builder redisCluster(boolean value) {
            this.redisCluster = value;
            return this;
        }

        /** How often a node announces it is alive (default 1 s, at least 50 ms). */
        public Builder heartbeatInterval(Duration value) {
            this.heartbeatInterval = value;
            return this;
        }

        /** How long an announcement lasts (default 5 s, at least twice the interval). */
        public Builder heartbeatTtl(Duration value) {
            this.heartbeatTtl = value;
            return this;
        }

        /** How long a forwarded push waits for the other node (default 2 s). */
        public Builder forwardTimeout(Duration value) {
            this.forwardTimeout = value;
            return this;
        }

        /** How long a starting node waits to register before it starts degraded (default 10 s). */
        public Builder startupTimeout(Duration value) {
            this.startupTimeout = value;
            return this;
        }

        /**
         * Builds the config.
         *
         * @throws ConfigException naming the {@code cluster.} key of the first rule broken
         */
        public ClusterConfig build() {
            return new ClusterConfig(
                    redis, redisCluster, heartbeatInterval, heartbeatTtl, forwardTimeout, startupTimeout);
        }
    }
}
