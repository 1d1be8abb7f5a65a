package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.LimitsConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.core.function.FunctionTarget;
import dev.switchboard.core.json.Json;
import dev.switchboard.server.internal.function.HttpFunctionInvokerFactory;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.WsClient;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * 10,000 connections opened and dropped with a TCP reset, in batches, against a real gateway in
 * this JVM: afterwards the node holds no connection, every connection its registration function
 * accepted got exactly one cleanup, and the process's file descriptors and heap are back where
 * they were. One connection in ten is reset right after its upgrade request, while its
 * registration may still be running.
 */
@EnabledOnOs(OS.LINUX) // counts file descriptors in /proc/self/fd
class ChurnTest {
    private static final Logger log = LoggerFactory.getLogger(ChurnTest.class);
    private static final int CONNECTIONS = 10_000;
    private static final int BATCH = 200;
    /** The state of a listening socket in /proc/net/tcp. */
    private static final String TCP_LISTEN = "0A";

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Descriptors besides sockets of clients and functions (JDK, jars, threads); a leak of 1% is 100. */
    private static final int FD_TOLERANCE = 8;
    /** Records of 10,000 ids in the counting functions, plus noise; a leak of 1 KiB per connection is 10 MB. */
    private static final long HEAP_TOLERANCE_BYTES = 8L * 1024 * 1024;

    private CountingFunctions functions;
    private TestGateway gateway;

    @BeforeEach
    void start() {
        functions = CountingFunctions.start();
        gateway = TestGateway.start(GatewayConfig.builder()
                .limits(LimitsConfig.builder()
                        .maxConnectionsPerIp(CONNECTIONS)
                        .connectRatePerIp(1_000_000)
                        .build())
                .route(RouteConfig.builder("/chat")
                        .register(FunctionTarget.parse(functions.url("/register")))
                        .cleanup(FunctionTarget.parse(functions.url("/cleanup")))
                        .build()));
    }

    @AfterEach
    void stop() {
        gateway.close();
        functions.close();
    }

    @Test
    void connectionsResetByTheThousandLeaveNothingBehind() {
        // warm up: event loops, function pools, buffer arenas and JIT reach their working size
        churn(4 * BATCH);
        awaitSettled();
        Descriptors fdsBefore = descriptors();
        long heapBefore = usedHeapAfterGc();
        long directBefore = PlatformDependent.usedDirectMemory();
        int registeredBefore = functions.registered.size();
        long started = System.nanoTime();

        churn(CONNECTIONS);
        awaitSettled();

        Duration took = Duration.ofNanos(System.nanoTime() - started);
        await().atMost(WAIT).until(() -> descriptors().clientSockets() == 0);
        Descriptors fdsAfter = descriptors();
        long heapAfter = usedHeapAfterGc();
        long directAfter = PlatformDependent.usedDirectMemory();
        int accepted = functions.registered.size() - registeredBefore;
        log.info(
                "churn: {} connections reset in {} s; {} accepted, {} cleanups; fds {} -> {}; heap {} -> {} KiB;"
                        + " Netty direct memory {} -> {} KiB",
                CONNECTIONS,
                took.toMillis() / 1000.0,
                accepted,
                functions.cleanups.size() - registeredBefore,
                fdsBefore,
                fdsAfter,
                heapBefore / 1024,
                heapAfter / 1024,
                directBefore / 1024,
                directAfter / 1024);
        assertThat(accepted).as("connections accepted").isGreaterThan(CONNECTIONS * 8 / 10);
        assertThat(gateway.gateway().openConnections()).isZero();
        assertThat(functions.cleanups.keySet()).isEqualTo(functions.registered);
        assertThat(functions.cleanups.values()).allMatch(count -> count.get() == 1);
        assertThat(functions.duplicateRegistrations.get()).isZero();
        assertThat(fdsAfter.others())
                .as("descriptors other than sockets of clients and functions: %s -> %s", fdsBefore, fdsAfter)
                .isLessThanOrEqualTo(fdsBefore.others() + FD_TOLERANCE);
        // the function pools keep connections open for reuse, up to their bound; no more
        assertThat(fdsAfter.functionSockets())
                .as("function sockets, both ends")
                .isLessThanOrEqualTo(2 * 2 * eventLoops() * HttpFunctionInvokerFactory.MAX_CONNECTIONS_PER_LOOP);
        assertThat(heapAfter).as("heap used after GC").isLessThanOrEqualTo(heapBefore + HEAP_TOLERANCE_BYTES);
        // the node still serves
        try (WsClient client = WsClient.open(gateway.ws("/chat"))) {
            assertThat(client.isOpen()).isTrue();
        }
    }

    /** Opens {@code count} connections, {@link #BATCH} at a time, and resets each. */
    private void churn(int count) {
        int port = gateway.gateway().clientAddress().getPort();
        for (int done = 0; done < count; done += BATCH) {
            List<RawWebSocket> batch = new ArrayList<>(BATCH);
            for (int i = 0; i < BATCH; i++) {
                batch.add(RawWebSocket.startUpgrade(port, "/chat"));
            }
            for (int i = 0; i < BATCH; i++) {
                if (i % 10 == 0) {
                    batch.get(i).reset(); // gone while its registration may be running
                } else {
                    batch.get(i).finishUpgrade();
                }
            }
            batch.forEach(RawWebSocket::reset);
        }
    }

    /** Waits until the node holds no connection and every registered one has had its cleanup. */
    private void awaitSettled() {
        await().atMost(WAIT).until(() -> gateway.gateway().openConnections() == 0);
        await().atMost(WAIT).until(() -> functions.cleanups.size() >= functions.registered.size());
    }

    /**
     * This process's open file descriptors: all of them, the TCP sockets of client connections
     * (either end, on the gateway's port) and those of function calls (either end, on the
     * function server's port). Sockets are told apart by inode, through /proc/net/tcp.
     */
    private record Descriptors(int total, int clientSockets, int functionSockets) {
        int others() {
            return total - clientSockets - functionSockets;
        }

        @Override
        public String toString() {
            return total + " (client sockets " + clientSockets + ", function sockets " + functionSockets + ")";
        }
    }

    private Descriptors descriptors() {
        int clientPort = gateway.gateway().clientAddress().getPort();
        int functionPort = functions.port();
        Map<Long, int[]> connections = tcpConnectionsByInode();
        int total = 0;
        int client = 0;
        int function = 0;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    continue; // closed meanwhile
                }
                total++;
                if (!target.startsWith("socket:[")) {
                    continue;
                }
                int[] ports = connections.get(Long.parseLong(target.substring(8, target.length() - 1)));
                if (ports == null) {
                    continue;
                }
                if (ports[0] == clientPort || ports[1] == clientPort) {
                    client++;
                } else if (ports[0] == functionPort || ports[1] == functionPort) {
                    function++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Descriptors(total, client, function);
    }

    /** Local and remote port of every TCP socket not listening, by inode. */
    private static Map<Long, int[]> tcpConnectionsByInode() {
        Map<Long, int[]> ports = new HashMap<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(table));
            } catch (IOException e) {
                continue; // no IPv6
            }
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                if (fields[3].equals(TCP_LISTEN)) {
                    continue;
                }
                ports.put(Long.parseLong(fields[9]), new int[] {port(fields[1]), port(fields[2])});
            }
        }
        return ports;
    }

    /** The port of an address as /proc/net/tcp writes it, e.g. {@code 0100007F:1F90}. */
    private static int port(String address) {
        return Integer.parseInt(address.substring(address.indexOf(':') + 1), 16);
    }

    private static int eventLoops() {
        return Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    /** The smallest heap use seen after three full collections. */
    private static long usedHeapAfterGc() {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            least = Math.min(
                    least,
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return least;
    }

    /**
     * Registration and cleanup functions over HTTP that only count, by connection id, so that what
     * they keep stays small next to what a leak in the gateway would hold.
     */
    private static final class CountingFunctions implements AutoCloseable {
        static {
            // as in StubFunctionServer: without it each answer waits for a delayed ACK
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }

        private static final byte[] OK = "{\"errNo\":0,\"errMsg\":\"ok\"}".getBytes(StandardCharsets.UTF_8);

        final Set<String> registered = ConcurrentHashMap.newKeySet();
        final Map<String, AtomicInteger> cleanups = new ConcurrentHashMap<>();
        final AtomicInteger duplicateRegistrations = new AtomicInteger();
        private final HttpServer server;
        private final ExecutorService executor = Executors.newFixedThreadPool(8);

        private CountingFunctions(HttpServer server) {
            this.server = server;
        }

        static CountingFunctions start() {
            try {
                HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
                CountingFunctions functions = new CountingFunctions(server);
                server.createContext("/", functions::handle);
                server.setExecutor(functions.executor);
                server.start();
                return functions;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String url(String path) {
            return "http://127.0.0.1:" + port() + path;
        }

        int port() {
            return server.getAddress().getPort();
        }

        private void handle(HttpExchange exchange) throws IOException {
            JsonNode event = Json.mapper().readTree(exchange.getRequestBody().readAllBytes());
            String id = event.at("/websocket/secConnectionID").asText();
            if (exchange.getRequestURI().getPath().equals("/register")) {
                if (!registered.add(id)) {
                    duplicateRegistrations.incrementAndGet();
                }
            } else {
                cleanups.computeIfAbsent(id, key -> new AtomicInteger()).incrementAndGet();
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, OK.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(OK);
            }
        }

        @Override
        public void close() {
            server.stop(0);
            executor.shutdownNow();
        }
    }
}
