package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.ClusterConfig;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.LimitsConfig;
import dev.switchboard.core.config.ReliableConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.core.json.Json;
import dev.switchboard.testkit.RedisServer;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.TestGateway.PushResponse;
import dev.switchboard.testkit.WsClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reliable sessions across two cluster nodes on a real {@code redis-server}: the client's socket
 * is reset in the middle of two streams and its resume lands on the other node (the proxy in front
 * stands for a load balancer), which takes the session over from the first one.
 */
class ReliableClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int MESSAGES = 10_000;

    private final StubFunctionServer functions = StubFunctionServer.start();
    private final ExecutorService pusher = Executors.newSingleThreadExecutor();
    private final List<TestGateway> nodes = new ArrayList<>();
    private RedisServer redis;
    private TcpProxy network;

    @BeforeEach
    void startRedis() {
        redis = RedisServer.start();
    }

    @AfterEach
    void stopAll() {
        pusher.shutdownNow();
        if (network != null) {
            network.close();
        }
        nodes.forEach(TestGateway::close);
        redis.close();
        functions.close();
    }

    private TestGateway node(String id) {
        TestGateway node = TestGateway.start(GatewayConfig.builder()
                .nodeId(id)
                .cluster(ClusterConfig.of(redis.uri()).withHeartbeat(Duration.ofMillis(200), Duration.ofSeconds(1)))
                .limits(LimitsConfig.builder().messageRate(1_000_000).build())
                .route(RouteConfig.builder("/chat")
                        .register(functions.target("/register"))
                        .transfer(functions.target("/transfer"))
                        .cleanup(functions.target("/cleanup"))
                        .reliable(ReliableConfig.withWindow(Duration.ofSeconds(30))
                                .withReplayLimits(20_000, 16 << 20, Duration.ofMinutes(5)))
                        .build()));
        nodes.add(node);
        return node;
    }

    private static void awaitLive(TestGateway node, int count) {
        await().atMost(WAIT)
                .until(() -> node.send(HttpRequest.newBuilder(node.pushUri("/readyz"))
                                        .build())
                                .status()
                        == 200);
        await().atMost(WAIT).until(() -> node.gateway().clusterNodes().size() == count);
    }

    private URI chat() {
        return URI.create("ws://127.0.0.1:" + network.port() + "/chat");
    }

    /** Pushes {@code p-from} to {@code p-(to-1)} through {@code node}; collects the answers. */
    private Future<?> push(TestGateway node, String id, int from, int to, ConcurrentLinkedQueue<PushResponse> answers) {
        return pusher.submit(() -> {
            for (int i = from; i < to; i++) {
                answers.add(node.push(TestGateway.sendText(id, "p-" + i)));
            }
        });
    }

    /** Nodes A and B, both seeing the cluster, and a client connected to A through the network. */
    private ReliableTestClient clientOnA(TestGateway a, TestGateway b) throws Exception {
        awaitLive(a, 2);
        awaitLive(b, 2);
        network = TcpProxy.to(a.gateway().clientAddress().getPort());
        return ReliableTestClient.open(chat());
    }

    @Test
    void aResumeOnAnotherNodeTakesTheSessionOverAndLosesNothing() throws Exception {
        TestGateway a = node("node-a");
        TestGateway b = node("node-b");
        awaitLive(a, 2);
        awaitLive(b, 2);
        network = TcpProxy.to(a.gateway().clientAddress().getPort());
        functions.on(
                "/register",
                event -> StubFunctionServer.StubResponse.json(StubFunctionServer.json()
                        .put("errNo", 0)
                        .put("errMsg", "ok")
                        .<com.fasterxml.jackson.databind.node.ObjectNode>set(
                                "context", StubFunctionServer.json().put("user", "ann"))
                        .set("groups", StubFunctionServer.json().arrayNode().add("room"))));
        ReliableTestClient client = ReliableTestClient.open(chat());
        String id = client.session();
        assertThat(id).startsWith("node-a.");
        ConcurrentLinkedQueue<PushResponse> answers = new ConcurrentLinkedQueue<>();

        // pushes go through node B (forwarded to A by the id); the network fails mid-stream
        Future<?> firstPushes = push(b, id, 0, MESSAGES / 2, answers);
        for (int i = 0; i < MESSAGES / 2; i++) {
            client.send("c-" + i);
            if (i == MESSAGES / 4) {
                client.awaitReceived(MESSAGES / 4, WAIT);
                network.cutAll();
            }
        }
        firstPushes.get();
        push(a, id, MESSAGES / 2, MESSAGES * 6 / 10, answers).get();
        for (int i = MESSAGES / 2; i < MESSAGES * 6 / 10; i++) {
            client.send("c-" + i);
        }

        // the load balancer sends the reconnect to node B
        network.forwardTo(b.gateway().clientAddress().getPort());
        JsonNode resumed = client.resume();
        assertThat(resumed.path("type").asText()).isEqualTo("resumed");
        assertThat(resumed.path("session").asText()).isEqualTo(id);
        assertThat(b.gateway().openConnections()).isEqualTo(1);
        assertThat(a.gateway().openConnections()).isZero();

        // the rest alternates between the nodes: pushes routed to A by the id follow the session
        Future<?> lastPushes = pusher.submit(() -> {
            for (int i = MESSAGES * 6 / 10; i < MESSAGES; i++) {
                answers.add((i % 2 == 0 ? a : b).push(TestGateway.sendText(id, "p-" + i)));
            }
        });
        for (int i = MESSAGES * 6 / 10; i < MESSAGES; i++) {
            client.send("c-" + i);
        }
        lastPushes.get();
        client.awaitReceived(MESSAGES, WAIT);
        await().atMost(WAIT).until(() -> functions.received("/transfer").size() >= MESSAGES);

        ReliableStreams.assertIntact(client, functions, answers, id, MESSAGES);
        assertThat(functions.received("/transfer"))
                .allSatisfy(
                        event -> assertThat(event.at("/context/user").asText()).isEqualTo("ann"));

        // the session kept its group, now on node B, whichever node the group push enters
        PushResponse group = a.push("{\"websocket\":{\"action\":\"data send\",\"group\":\"room\","
                + "\"dataType\":\"text\",\"data\":\"to the room\"}}");
        assertThat(group.status()).isEqualTo(200);
        assertThat(group.body().path("delivered").asInt()).isEqualTo(1);
        client.awaitReceived(MESSAGES + 1, WAIT);
        assertThat(client.received().get(MESSAGES)).isEqualTo("to the room");

        // node A leaving the cluster does not take the session with it
        a.close();
        nodes.remove(a);
        await().atMost(WAIT).until(() -> b.gateway().clusterNodes().size() == 1);
        assertThat(b.push(TestGateway.sendText(id, "after a left")).status()).isEqualTo(200);
        client.awaitReceived(MESSAGES + 2, WAIT);
        assertThat(functions.received("/cleanup")).isEmpty();

        // and a close frame ends it once, on node B
        client.socket().close(1000, "bye");
        await().atMost(WAIT).until(() -> functions.received("/cleanup").size() == 1);
        assertThat(functions
                        .received("/cleanup")
                        .get(0)
                        .at("/websocket/secConnectionID")
                        .asText())
                .isEqualTo(id);
    }

    @Test
    void aWrongTokenOnAnotherNodeIsRefusedAndTheSessionStaysWithItsClient() throws Exception {
        TestGateway a = node("node-a");
        TestGateway b = node("node-b");
        ReliableTestClient client = clientOnA(a, b);
        String id = client.session();
        network.cutAll();
        // until node A notices the drop, pushes are written to the dead socket: kept all the same
        AtomicInteger pushed = new AtomicInteger();
        await().atMost(WAIT)
                .until(() -> b.push(TestGateway.sendText(id, "queued-" + pushed.getAndIncrement()))
                                .status()
                        == 202);
        network.forwardTo(b.gateway().clientAddress().getPort());

        WsClient forged = WsClient.to(URI.create(chat() + "?sb-session=" + id + "&sb-token=guess&sb-seq=0"))
                .subprotocols(ReliableTestClient.SUBPROTOCOL)
                .open();
        JsonNode refused = Json.mapper().readTree(forged.next(WAIT).data());
        assertThat(refused.path("type").asText()).isEqualTo("reset");
        assertThat(refused.path("errNo").asInt()).isEqualTo(4011);
        assertThat(forged.awaitClose(WAIT).code()).isEqualTo(4410);
        assertThat(a.gateway().openConnections()).isEqualTo(1);
        assertThat(b.gateway().openConnections()).isZero();

        assertThat(client.resume().path("type").asText()).isEqualTo("resumed");
        client.awaitReceived(pushed.get(), WAIT);
        assertThat(client.received()).containsExactlyElementsOf(ReliableStreams.numbered("queued-", pushed.get()));
        assertThat(a.push(TestGateway.sendText(id, "via a")).status()).isEqualTo(200);
        client.awaitReceived(pushed.get() + 1, WAIT);
        assertThat(client.received()).endsWith("via a").hasSize(pushed.get() + 1);
        assertThat(functions.received("/register")).hasSize(1);
        assertThat(functions.received("/cleanup")).isEmpty();
    }

    @Test
    void pushesDuringTheMoveAreDeliveredOnceInOrderOrAnswered503() throws Exception {
        TestGateway a = node("node-a");
        TestGateway b = node("node-b");
        ReliableTestClient client = clientOnA(a, b);
        String id = client.session();
        List<Integer> statuses = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();

        // one push after another, alternately through both nodes, through the drop and the move
        Future<?> pushes = pusher.submit(() -> {
            for (int i = 0; !stop.get(); i++) {
                statuses.add((i % 2 == 0 ? a : b)
                        .push(TestGateway.sendText(id, "p-" + i))
                        .status());
            }
        });
        await().atMost(WAIT).until(() -> client.receivedCount() >= 200);
        network.cutAll();
        await().atMost(WAIT).until(() -> statuses.contains(202));
        network.forwardTo(b.gateway().clientAddress().getPort());
        assertThat(client.resume().path("type").asText()).isEqualTo("resumed");
        int atResume = statuses.size();
        await().atMost(WAIT).until(() -> statuses.size() >= atResume + 200);
        stop.set(true);
        pushes.get();

        List<Integer> answered = List.copyOf(statuses);
        // a push answered 200 or 202 arrives; 503 (the session was moving) is not a promise
        List<String> promised = IntStream.range(0, answered.size())
                .filter(i -> answered.get(i) == 200 || answered.get(i) == 202)
                .mapToObj(i -> "p-" + i)
                .toList();
        assertThat(answered).allSatisfy(status -> assertThat(status).isIn(200, 202, 503));
        await().atMost(WAIT).until(() -> client.received().containsAll(promised));
        List<String> received = client.received();
        assertThat(received).doesNotHaveDuplicates();
        assertThat(received.stream()
                        .map(text -> Integer.parseInt(text.substring(2)))
                        .toList())
                .isSorted();
        assertThat(client.duplicates()).isZero();
        assertThat(client.gaps()).isZero();
        assertThat(functions.received("/register")).hasSize(1);
        assertThat(functions.received("/cleanup")).isEmpty();
    }
}
