package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.ClusterConfig;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.LimitsConfig;
import dev.switchboard.core.config.ReliableConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.testkit.RedisServer;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.StubFunctionServer.StubResponse;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.TestGateway.PushResponse;
import dev.switchboard.testkit.WsClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Users across a real cluster: three gateway nodes in this JVM that meet only through a real
 * {@code redis-server}. A user's connections are spread over every node; a by-user push, close
 * or listing through any node covers all of them, and a member node that does not answer is
 * named in a 503, never skipped.
 */
class UsersClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration HEARTBEAT = Duration.ofMillis(200);
    private static final Duration TTL = Duration.ofSeconds(2);
    private static final Duration FORWARD_TIMEOUT = Duration.ofMillis(500);

    private RedisServer redis;
    private final StubFunctionServer functions = StubFunctionServer.start();
    private final List<TestGateway> nodes = new ArrayList<>();
    private final List<WsClient> clients = new ArrayList<>();

    @BeforeEach
    void startRedis() {
        redis = RedisServer.start();
        functions.on("/register", UsersPushTest::userOfQuery);
        functions.on("/cleanup", event -> StubResponse.ok());
    }

    @AfterEach
    void stopAll() {
        clients.forEach(WsClient::close);
        nodes.forEach(TestGateway::close);
        redis.close();
        functions.close();
    }

    private TestGateway node(String id, LimitsConfig limits) {
        TestGateway node = TestGateway.start(GatewayConfig.builder()
                .nodeId(id)
                .cluster(new ClusterConfig(
                        redis.uri(), false, HEARTBEAT, TTL, FORWARD_TIMEOUT, ClusterConfig.DEFAULT_STARTUP_TIMEOUT))
                .limits(limits)
                .route(RouteConfig.builder("/chat")
                        .register(functions.target("/register"))
                        .cleanup(functions.target("/cleanup"))
                        .build()));
        nodes.add(node);
        return node;
    }

    private List<TestGateway> threeNodes(LimitsConfig limits) {
        List<TestGateway> three = List.of(node("node-a", limits), node("node-b", limits), node("node-c", limits));
        for (TestGateway node : three) {
            await().atMost(WAIT).until(() -> node.gateway().clusterNodes().size() == 3);
        }
        return three;
    }

    private String connect(TestGateway node, String user) {
        return ClusterClients.connect(functions, node.ws("/chat?user=" + user), clients);
    }

    private static JsonNode get(TestGateway node, String path) {
        return node.send(HttpRequest.newBuilder(node.pushUri(path)).build()).body();
    }

    private static PushResponse getResponse(TestGateway node, String path) {
        return node.send(HttpRequest.newBuilder(node.pushUri(path)).build());
    }

    private static Set<String> ids(JsonNode listing) {
        Set<String> ids = new HashSet<>();
        listing.get("connections").forEach(c -> ids.add(c.get("secConnectionID").asText()));
        return ids;
    }

    @Test
    void aUsersConnectionsOnEveryNodeAreReachedListedAndClosedThroughAnyNode() {
        List<TestGateway> three = threeNodes(LimitsConfig.defaults());
        Set<String> alice = new HashSet<>();
        for (TestGateway node : three) {
            alice.add(connect(node, "alice"));
            alice.add(connect(node, "alice"));
        }
        connect(three.get(1), "bob");
        WsClient bob = clients.get(clients.size() - 1);

        PushResponse sent = three.get(0).push(UsersPushTest.toUser("alice", "hi alice"));
        JsonNode listedViaB = get(three.get(1), "/users/alice");
        JsonNode pagedViaC = get(three.get(2), "/users/alice?limit=4");

        assertThat(sent.status()).as(sent.body().toString()).isEqualTo(200);
        assertThat(sent.body().get("delivered").asInt()).isEqualTo(6);
        for (WsClient client : clients.subList(0, 6)) {
            assertThat(client.next(WAIT).text()).isEqualTo("hi alice");
        }
        assertThat(bob.poll(Duration.ofMillis(300))).isNull();
        assertThat(ids(listedViaB)).isEqualTo(alice);
        assertThat(listedViaB.get("size").asInt()).isEqualTo(6);
        assertThat(pagedViaC.get("connections")).hasSize(4);
        assertThat(pagedViaC.get("nextCursor").isNull()).isFalse();

        PushResponse closed =
                three.get(2).push("{\"websocket\":{\"action\":\"closing\",\"userId\":\"alice\",\"closeCode\":4000}}");

        assertThat(closed.status()).isEqualTo(200);
        assertThat(closed.body().get("delivered").asInt()).isEqualTo(6);
        for (WsClient client : clients.subList(0, 6)) {
            assertThat(client.awaitClose(WAIT).code()).isEqualTo(4000);
        }
        assertThat(bob.isOpen()).isTrue();
        await().atMost(WAIT)
                .until(() ->
                        get(three.get(0), "/users/alice").get("connections").isEmpty());
    }

    /**
     * A member that stopped answering: registered in Redis with a live heartbeat, but nothing
     * reads its inbox. It stands for a frozen node (a process that cannot be frozen and thawed
     * inside this JVM); the other two nodes are real.
     */
    @Test
    void aMemberThatDoesNotAnswerIsNamedInA503WithTheCountsOfTheOthers() throws Exception {
        List<TestGateway> live =
                List.of(node("node-a", LimitsConfig.defaults()), node("node-b", LimitsConfig.defaults()));
        for (TestGateway node : live) {
            await().atMost(WAIT).until(() -> node.gateway().clusterNodes().size() == 2);
        }
        connect(live.get(0), "alice");
        connect(live.get(1), "alice");
        redisCli("SET", "sb:node:node-frozen", "1", "PX", "600000");
        redisCli("SADD", "sb:nodes", "node-frozen");

        PushResponse sent = live.get(0).push(UsersPushTest.toUser("alice", "hi"));
        PushResponse listed = getResponse(live.get(1), "/users/alice");

        assertThat(sent.status()).as(sent.body().toString()).isEqualTo(503);
        assertThat(sent.errNo()).isEqualTo(5030);
        assertThat(sent.body().get("delivered").asInt()).isEqualTo(2);
        assertThat(sent.body().get("unreachableNodes").toString()).isEqualTo("[\"node-frozen\"]");
        assertThat(listed.status()).as(listed.body().toString()).isEqualTo(503);
        assertThat(listed.body().get("connections")).hasSize(2);
        assertThat(listed.body().get("unreachableNodes").toString()).isEqualTo("[\"node-frozen\"]");
    }

    @Test
    void maxConnectionsPerUserCountsEachNodeOnItsOwn() {
        List<TestGateway> three =
                threeNodes(LimitsConfig.builder().maxConnectionsPerUser(1).build());
        for (TestGateway node : three) {
            connect(node, "alice");
        }

        WsClient.Refused second =
                WsClient.to(three.get(0).ws("/chat?user=alice")).refused();

        assertThat(second.status()).isEqualTo(429);
        assertThat(second.body()).contains("\"errNo\":4294");
        assertThat(get(three.get(1), "/users/alice").get("connections")).hasSize(3);
    }

    @Test
    void aReliableSessionThatMovesToAnotherNodeKeepsItsUserAndCountsThere() throws Exception {
        List<TestGateway> two = new ArrayList<>();
        for (String id : List.of("node-a", "node-b")) {
            TestGateway node = TestGateway.start(GatewayConfig.builder()
                    .nodeId(id)
                    .cluster(ClusterConfig.of(redis.uri()).withHeartbeat(HEARTBEAT, TTL))
                    .limits(LimitsConfig.builder().maxConnectionsPerUser(1).build())
                    .route(RouteConfig.builder("/chat")
                            .register(functions.target("/register"))
                            .cleanup(functions.target("/cleanup"))
                            .reliable(ReliableConfig.withWindow(Duration.ofSeconds(30)))
                            .build()));
            nodes.add(node);
            two.add(node);
        }
        TestGateway a = two.get(0);
        TestGateway b = two.get(1);
        for (TestGateway node : two) {
            await().atMost(WAIT).until(() -> node.gateway().clusterNodes().size() == 2);
        }
        try (TcpProxy network = TcpProxy.to(a.gateway().clientAddress().getPort())) {
            ReliableTestClient client =
                    ReliableTestClient.open(java.net.URI.create("ws://127.0.0.1:" + network.port() + "/chat?user=ann"));
            String id = client.session();

            network.cutAll();
            network.forwardTo(b.gateway().clientAddress().getPort());
            client.resume();
            PushResponse sent = a.push(UsersPushTest.toUser("ann", "after the move"));
            JsonNode listed = get(a, "/users/ann");

            assertThat(b.gateway().openConnections()).isEqualTo(1);
            assertThat(sent.body().get("delivered").asInt())
                    .as(sent.body().toString())
                    .isEqualTo(1);
            client.awaitReceived(1, WAIT);
            assertThat(client.received()).containsExactly("after the move");
            assertThat(ids(listed)).containsExactly(id);
            assertThat(listed.at("/connections/0/userId").asText()).isEqualTo("ann");
            // max-connections-per-user (1) counts the session on B now, no longer on A
            assertThat(WsClient.to(b.ws("/chat?user=ann")).refused().status()).isEqualTo(429);
            connect(a, "ann");
            client.socket().close(1000, "bye");
            await().atMost(WAIT).until(() -> b.gateway().openConnections() == 0);
            connect(b, "ann");
        }
    }

    private void redisCli(String... command) throws Exception {
        List<String> line = new ArrayList<>(List.of("redis-cli", "-p", String.valueOf(redis.port())));
        line.addAll(List.of(command));
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
    }
}
