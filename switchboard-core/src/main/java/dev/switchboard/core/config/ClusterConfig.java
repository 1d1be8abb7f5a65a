package dev.switchboard.core.config;

import java.time.Duration;

/**
 * Cluster mode ({@code cluster:} in YAML): nodes sharing a Redis deployment.
 *
 * @param redis a Lettuce URI: {@code redis://host:port}, {@code redis-sentinel://…}, or
 *     {@code redis://…} with {@code cluster: true}-style comma lists for Redis Cluster
 * @param redisCluster whether the URI names a Redis Cluster
 * @param heartbeatInterval how often a node announces it is alive
 * @param heartbeatTtl how long an announcement lasts; a node silent this long is lost and its
 *     connections are cleaned up by a survivor
 * @param forwardTimeout how long a push forwarded to another node waits for its answer (then 503)
 * @param startupTimeout how long a starting node waits to register in the cluster before it opens
 *     its listeners; past it the node starts degraded ({@code /readyz} 503 until registered)
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

    /** A standalone or Sentinel Redis at {@code redis} with default timings. */
    public static ClusterConfig of(String redis) {
        return new ClusterConfig(
                redis,
                false,
                DEFAULT_HEARTBEAT_INTERVAL,
                DEFAULT_HEARTBEAT_TTL,
                DEFAULT_FORWARD_TIMEOUT,
                DEFAULT_STARTUP_TIMEOUT);
    }

    /** This config with other heartbeat timings. */
    public ClusterConfig withHeartbeat(Duration interval, Duration ttl) {
        return new ClusterConfig(redis, redisCluster, interval, ttl, forwardTimeout, startupTimeout);
    }

    /** This config with another bound on the wait to register at start. */
    public ClusterConfig withStartupTimeout(Duration timeout) {
        return new ClusterConfig(redis, redisCluster, heartbeatInterval, heartbeatTtl, forwardTimeout, timeout);
    }
}
