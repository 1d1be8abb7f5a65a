package dev.switchboard.chaos;

import dev.switchboard.testkit.FaultProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The system under test: one {@code redis-server}, three nodes started from the runnable jar, and
 * a {@link FaultProxy} on each node's link to Redis. Nodes forward pushes to each other through
 * Redis pub/sub, so these three links are every link the cluster has.
 */
final class ChaosCluster implements AutoCloseable {
    static final int NODES = 3;
    /**
     * The documented defaults: a build machine shared with other builds starves a node's
     * heartbeat for seconds, and a tighter TTL then declares live nodes lost with no fault at all.
     */
    static final Duration HEARTBEAT = Duration.ofSeconds(1);

    static final Duration TTL = Duration.ofSeconds(5);
    static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(2);
    static final Duration RESUME_WINDOW = Duration.ofSeconds(5);
    static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    final ChaosRedis redis;
    final List<FaultProxy> links = new ArrayList<>();
    final List<NodeProcess> nodes = new ArrayList<>();

    ChaosCluster(Path dir, String functions) {
        redis = new ChaosRedis(freePort(), dir);
        for (int i = 0; i < NODES; i++) {
            FaultProxy link = FaultProxy.start("n" + (i + 1) + "-redis", redis.port());
            links.add(link);
            nodes.add(new NodeProcess("n" + (i + 1), freePort(), freePort(), link.port(), functions, dir));
        }
        nodes.forEach(NodeProcess::start);
        try {
            for (NodeProcess node : nodes) {
                if (!node.awaitReady(START_TIMEOUT)) {
                    throw new IllegalStateException(
                            node.id() + " not ready within " + START_TIMEOUT + ":\n" + node.logText());
                }
            }
        } catch (RuntimeException e) {
            close(); // nothing started here outlives a failed start
            throw e;
        }
    }

    NodeProcess node(int index) {
        return nodes.get(index);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        nodes.forEach(NodeProcess::close);
        links.forEach(FaultProxy::close);
        redis.close();
    }
}
