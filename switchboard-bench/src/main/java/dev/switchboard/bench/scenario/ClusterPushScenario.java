package dev.switchboard.bench.scenario;

import dev.switchboard.bench.report.Latency;
import dev.switchboard.bench.report.RunResult;
import dev.switchboard.bench.report.ScenarioReport;
import dev.switchboard.core.config.ClusterConfig;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.testkit.RedisServer;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.WsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Push throughput and latency to a connection on the same node versus on another node of a
 * two-node cluster sharing a {@code redis-server}, measured in one run: the cost of forwarding.
 * Both nodes run in this JVM (they meet only through Redis, as separate processes would); the
 * pushes come from this JVM's HTTP client at a fixed concurrency.
 */
@Command(name = "cluster-push", description = "Local vs cross-node push through a two-node Redis cluster.")
final class ClusterPushScenario extends Scenario {
    @Option(names = "--connections", description = "Client connections on the receiving node (default: 100).")
    int connections = 100;

    @Option(names = "--concurrency", description = "Pushes in flight (default: 16).")
    int concurrency = 16;

    @Override
    String name() {
        return "cluster-push";
    }

    @Override
    void run(ScenarioReport report) throws Exception {
        report.parameters().put("connections", connections);
        report.parameters().put("concurrency", concurrency);
        try (RedisServer redis = RedisServer.start();
                StubFunctionServer functions = StubFunctionServer.start()) {
            ClusterConfig cluster = ClusterConfig.of(redis.uri());
            TestGateway sender = node("bench-a", cluster, functions);
            TestGateway owner = node("bench-b", cluster, functions);
            try {
                while (sender.gateway().clusterNodes().size() < 2) {
                    Thread.sleep(50); // the nodes see each other after a heartbeat
                }
                List<WsClient> clients = new ArrayList<>();
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < connections; i++) {
                    int before = functions.received("/register").size();
                    clients.add(WsClient.open(owner.ws("/bench")));
                    ids.add(functions
                            .received("/register")
                            .get(before)
                            .at("/websocket/secConnectionID")
                            .asText());
                }
                for (int payload : options.payloads) {
                    report.runs().add(measure("push to a local connection", "local", owner, ids, payload));
                    report.runs().add(measure("push forwarded to another node", "cross-node", sender, ids, payload));
                }
                clients.forEach(WsClient::close);
            } finally {
                sender.close();
                owner.close();
            }
        }
        report.notes()
                .add("Both nodes, redis-server and the HTTP client share the machine. A cross-node push is"
                        + " an HTTP request to node A, a Redis PUBLISH to node B's inbox, the delivery on B, and"
                        + " B's reply published back to A before A answers.");
    }

    private static TestGateway node(String id, ClusterConfig cluster, StubFunctionServer functions) {
        return TestGateway.start(GatewayConfig.builder()
                .nodeId(id)
                .cluster(cluster)
                .route(RouteConfig.builder("/bench")
                        .register(functions.target("/register"))
                        .build()));
    }

    private RunResult measure(String name, String server, TestGateway via, List<String> ids, int payload)
            throws Exception {
        HttpClient http = HttpClient.newBuilder().build();
        URI push = via.pushUri("/push");
        String data = "x".repeat(payload);
        Histogram histogram = new Histogram(3_600_000_000_000L, 3);
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long warmupEnd = System.nanoTime() + (long) (options.warmupSeconds * 1e9);
        long end = warmupEnd + (long) (options.durationSeconds * 1e9);
        ExecutorService lanes = Executors.newFixedThreadPool(concurrency);
        log(name + ", " + payload + " B");
        List<CompletableFuture<Void>> loops = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            int lane = i;
            loops.add(CompletableFuture.runAsync(
                    () -> {
                        int n = lane;
                        while (System.nanoTime() < end) {
                            String id = ids.get(n++ % ids.size());
                            HttpRequest request = HttpRequest.newBuilder(push)
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(TestGateway.sendText(id, data)))
                                    .build();
                            long started = System.nanoTime();
                            try {
                                int status = http.send(request, HttpResponse.BodyHandlers.discarding())
                                        .statusCode();
                                long now = System.nanoTime();
                                if (now >= warmupEnd && now < end) {
                                    if (status == 200) {
                                        ok.incrementAndGet();
                                        synchronized (histogram) {
                                            histogram.recordValue(now - started);
                                        }
                                    } else {
                                        errors.incrementAndGet();
                                    }
                                }
                            } catch (Exception e) {
                                errors.incrementAndGet();
                            }
                        }
                    },
                    lanes));
        }
        CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).join();
        lanes.shutdown();
        double seconds = options.durationSeconds;
        return new RunResult(
                name,
                server,
                ids.size(),
                payload,
                0,
                seconds,
                ok.get(),
                ok.get() / seconds,
                0,
                errors.get(),
                Latency.of(histogram),
                Double.NaN,
                -1);
    }
}
