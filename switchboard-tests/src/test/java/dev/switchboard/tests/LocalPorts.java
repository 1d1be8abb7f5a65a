package dev.switchboard.tests;

import dev.switchboard.testkit.RedisServer;
import dev.switchboard.testkit.StubFunctionServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/**
 * Gateways run as child processes on loopback ports: a free port to give, whether one listens,
 * and the config of a cluster node.
 */
final class LocalPorts {
    private LocalPorts() {}

    /** A loopback port nothing listens on right now. */
    static int free() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Whether a TCP connection to the loopback {@code port} is accepted within 200 ms. */
    static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A cluster node on {@code clientPort} and {@code pushPort} with one route, {@code /chat},
     * whose registration and cleanup are {@code functions}' {@code /register} and {@code /cleanup}.
     */
    static String clusterNodeConfig(
            String id, int clientPort, int pushPort, RedisServer redis, StubFunctionServer functions) {
        return """
                node-id: %s
                listen: 127.0.0.1:%d
                push:
                  listen: 127.0.0.1:%d
                cluster:
                  redis: %s
                  startup-timeout: 120s
                routes:
                  - path: /chat
                    functions:
                      register: %s
                      cleanup: %s
                """.formatted(
                        id, clientPort, pushPort, redis.uri(), functions.url("/register"), functions.url("/cleanup"));
    }

    /**
     * {@link #clusterNodeConfig(String, int, int, RedisServer, StubFunctionServer)} with a heartbeat
     * every {@code heartbeat}, lost after {@code ttl}, and {@code routeKeys} (YAML at the route's
     * level) added to its route.
     */
    static String clusterNodeConfig(
            String id,
            int clientPort,
            int pushPort,
            RedisServer redis,
            StubFunctionServer functions,
            Duration heartbeat,
            Duration ttl,
            String routeKeys) {
        return clusterNodeConfig(id, clientPort, pushPort, redis, functions)
                        .replace(
                                "  startup-timeout: 120s\n",
                                "  startup-timeout: 120s\n  heartbeat-interval: %dms\n  heartbeat-ttl: %dms\n"
                                        .formatted(heartbeat.toMillis(), ttl.toMillis()))
                + routeKeys.indent(4);
    }
}
