package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.ClusterConfig;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.PresenceConfig;
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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Presence across gateway instances in this JVM that meet only through a real {@code redis-server}:
 * what a Redis that forgets everything does to it.
 */
class PresenceClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final RedisServer redis = RedisServer.start();
    private final StubFunctionServer functions = StubFunctionServer.start();
    private final List<TestGateway> nodes = new ArrayList<>();
    private final List<WsClient> clients = new ArrayList<>();

    @AfterEach
    void stopAll() {
        clients.forEach(WsClient::abort);
        nodes.forEach(TestGateway::close);
        redis.close();
        functions.close();
    }

    @Test
    void aRedisThatRestartsEmptyGetsEveryCountBackWithoutAnyoneAnnouncedAgain() {
        functions.on("/register", event -> {
            var body = StubFunctionServer.json().put("errNo", 0).put("errMsg", "ok");
            body.put("userId", event.at("/queryString/user").asText());
            body.putArray("groups").add("room-1");
            return StubResponse.json(body);
        });
        TestGateway a = node("node-a");
        TestGateway b = node("node-b");
        connect(a, "alice");
        connect(b, "alice");
        WsClient bob = connect(b, "bob");
        Map<String, Long> expected = Map.of("alice", 2L, "bob", 1L);
        await().atMost(WAIT)
                .until(() -> presence(a).equals(expected) && presence(b).equals(expected));

        redis.kill();
        redis.restart();

        await().atMost(WAIT).until(() -> expected.equals(presence(a)) && expected.equals(presence(b)));
        assertThat(calls()).containsExactlyInAnyOrder("join alice", "join bob");
        bob.close(1000, "bye");
        await().atMost(WAIT).until(() -> calls().contains("leave bob"));
        assertThat(presence(a)).isEqualTo(Map.of("alice", 2L));
        assertThat(calls()).containsExactlyInAnyOrder("join alice", "join bob", "leave bob");
    }

    private TestGateway node(String id) {
        TestGateway node = TestGateway.start(GatewayConfig.builder()
                .nodeId(id)
                .cluster(ClusterConfig.of(redis.uri()).withHeartbeat(Duration.ofMillis(200), Duration.ofSeconds(1)))
                .route(RouteConfig.builder("/chat")
                        .register(functions.target("/register"))
                        .cleanup(functions.target("/cleanup"))
                        .presence(PresenceConfig.builder()
                                .function(functions.target("/presence"))
                                .build())
                        .build()));
        nodes.add(node);
        return node;
    }

    private WsClient connect(TestGateway node, String user) {
        WsClient client = WsClient.open(node.ws("/chat?user=" + user));
        clients.add(client);
        return client;
    }

    /** The presence calls so far, as "event user". */
    private List<String> calls() {
        return functions.received("/presence").stream()
                .map(call -> call.at("/websocket/event").asText() + " "
                        + call.at("/websocket/userId").asText())
                .toList();
    }

    /** {@code GET /groups/room-1/presence} of {@code node}; null while it answers an error (503). */
    private static Map<String, Long> presence(TestGateway node) {
        PushResponse answer = node.send(
                HttpRequest.newBuilder(node.pushUri("/groups/room-1/presence")).build());
        if (answer.status() != 200) {
            return null;
        }
        Map<String, Long> users = new TreeMap<>();
        for (JsonNode user : answer.body().get("users")) {
            users.put(user.get("userId").asText(), user.get("connections").asLong());
        }
        return users;
    }
}
