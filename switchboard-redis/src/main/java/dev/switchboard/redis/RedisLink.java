package dev.switchboard.redis;

import dev.switchboard.core.config.ClusterConfig;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lettuce client and its two connections (commands and pub/sub), for a standalone or
 * Sentinel Redis ({@link RedisClient}) or a Redis Cluster ({@link RedisClusterClient}). Commands
 * are rejected at once while disconnected instead of queuing; Lettuce reconnects on its own and
 * re-subscribes the pub/sub channels. Every lost connection is noted: the Redis this node
 * reconnects to may have restarted or failed over and lost what this node wrote.
 */
final class RedisLink implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisLink.class);

    private final ClusterConfig config;
    private final Duration timeout;
    private final List<Consumer<StatefulRedisPubSubConnection<String, String>>> onConnect =
            new CopyOnWriteArrayList<>();
    private final AtomicBoolean reconnected = new AtomicBoolean();
    private @Nullable AbstractRedisClient client;
    private volatile @Nullable RedisClusterAsyncCommands<String, String> commands;
    private @Nullable StatefulConnection<String, String> connection;
    private @Nullable StatefulRedisPubSubConnection<String, String> pubsub;

    RedisLink(ClusterConfig config, Duration timeout) {
        this.config = config;
        this.timeout = timeout;
    }

    /** Runs {@code action} with the pub/sub connection once it exists. */
    void onConnect(Consumer<StatefulRedisPubSubConnection<String, String>> action) {
        onConnect.add(action);
    }

    /** True once after a connection to Redis was lost: what this node wrote may be gone. */
    boolean takeReconnected() {
        return reconnected.getAndSet(false);
    }

    /** Connects if not connected yet; false when Redis cannot be reached now. */
    synchronized boolean connect() {
        if (commands != null) {
            return true;
        }
        RedisURI uri = RedisURI.create(config.redis());
        uri.setTimeout(timeout);
        try {
            if (config.redisCluster()) {
                RedisClusterClient cluster = RedisClusterClient.create(uri);
                cluster.setOptions(ClusterClientOptions.builder()
                        .autoReconnect(true)
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .timeoutOptions(TimeoutOptions.enabled(timeout))
                        .build());
                client = cluster;
                watch(cluster);
                var clusterConnection = cluster.connect();
                connection = clusterConnection;
                pubsub = cluster.connectPubSub();
                commands = clusterConnection.async();
            } else {
                RedisClient standalone = RedisClient.create(uri);
                standalone.setOptions(ClientOptions.builder()
                        .autoReconnect(true)
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .timeoutOptions(TimeoutOptions.enabled(timeout))
                        .build());
                client = standalone;
                watch(standalone);
                var standaloneConnection = standalone.connect();
                connection = standaloneConnection;
                pubsub = standalone.connectPubSub();
                commands = standaloneConnection.async();
            }
        } catch (RuntimeException e) {
            log.debug("cluster: cannot connect to {}: {}", config.redis(), e.toString());
            shutdownClient();
            return false;
        }
        StatefulRedisPubSubConnection<String, String> subscriptions = pubsub;
        onConnect.forEach(action -> action.accept(subscriptions));
        return true;
    }

    private void watch(AbstractRedisClient redis) {
        redis.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                reconnected.set(true);
            }
        });
    }

    /** The commands; only valid after {@link #connect()} returned true. */
    RedisClusterAsyncCommands<String, String> commands() {
        RedisClusterAsyncCommands<String, String> current = commands;
        if (current == null) {
            throw new IllegalStateException("not connected");
        }
        return current;
    }

    private void shutdownClient() {
        commands = null;
        if (pubsub != null) {
            pubsub.closeAsync();
            pubsub = null;
        }
        if (connection != null) {
            connection.closeAsync();
            connection = null;
        }
        if (client != null) {
            client.shutdownAsync();
            client = null;
        }
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            commands = null;
            if (pubsub != null) {
                pubsub.close();
            }
            if (connection != null) {
                connection.close();
            }
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            client = null;
        }
    }
}
