package dev.switchboard.tests;

import static dev.switchboard.testkit.StubFunctionServer.StubResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.config.AwsDialectConfig;
import dev.switchboard.core.config.PresenceConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.core.json.Json;
import dev.switchboard.testkit.GatewayExtension;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.TestGateway.PushResponse;
import dev.switchboard.testkit.WsClient;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Presence on one node over real sockets: the endpoint, the frames in both dialects, the function. */
class PresenceTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    final GatewayExtension gateway = GatewayExtension.onSystemClock();

    /** A client, the id its registration saw, and the user it connected as. */
    private record Client(WsClient ws, String id, String user) {}

    /** Registration accepts {@code ?user=} as the user (when given) and joins {@code ?groups=a,b}. */
    private void start(RouteConfig.Builder... routes) {
        gateway.functions().on("/register", event -> {
            ObjectNode body = StubFunctionServer.json().put("errNo", 0).put("errMsg", "ok");
            String user = event.at("/queryString/user").asText("");
            if (!user.isEmpty()) {
                body.put("userId", user);
            }
            var groups = body.putArray("groups");
            for (String group : event.at("/queryString/groups").asText("").split(",")) {
                if (!group.isEmpty()) {
                    groups.add(group);
                }
            }
            return StubResponse.json(body);
        });
        RouteConfig[] built = new RouteConfig[routes.length];
        for (int i = 0; i < routes.length; i++) {
            built[i] = routes[i].build();
        }
        gateway.start(built);
    }

    private RouteConfig.Builder chat(String path, PresenceConfig.Builder presence) {
        return RouteConfig.builder(path)
                .register(gateway.functions().target("/register"))
                .cleanup(gateway.functions().target("/cleanup"))
                .presence(presence == null ? null : presence.build());
    }

    private PresenceConfig.Builder rooms() {
        return PresenceConfig.builder()
                .groups(List.of("room-*"))
                .function(gateway.functions().target("/presence"));
    }

    private Client connect(String path, String user, String groups) {
        int before = gateway.functions().received("/register").size();
        String query = (user.isEmpty() ? "" : "user=" + user + "&") + "groups=" + groups;
        WsClient ws = gateway.open(path + "?" + query);
        String id = gateway.functions()
                .received("/register")
                .get(before)
                .at("/websocket/secConnectionID")
                .asText();
        return new Client(ws, id, user);
    }

    @Test
    void presenceOfAGroupNoRouteCountsIsRefusedWith4047() {
        start(chat("/chat", null), chat("/rooms", rooms()));

        PushResponse none = get("/groups/lobby/presence");

        assertThat(none.status()).isEqualTo(404);
        assertThat(none.errNo()).isEqualTo(4047);
        assertThat(none.body().get("errMsg").asText())
                .isEqualTo("group lobby: no route counts presence in it (routes[].presence.groups)");
        PushResponse empty = get("/groups/room-9/presence");
        assertThat(empty.status()).isEqualTo(200);
        assertThat(empty.body().get("users")).isEmpty();
        assertThat(empty.body().get("unreachableNodes")).isEmpty();
    }

    @Test
    void aUsersFirstJoinAndLastLeaveAreAnnouncedOnceAndOnlyThose() {
        start(chat("/chat", rooms()));
        Client alice1 = connect("/chat", "alice", "room-1,lobby");
        assertThat(frame(alice1)).isEqualTo(tencent("join", "alice"));
        Client alice2 = connect("/chat", "alice", "room-1");
        Client bob = connect("/chat", "bob", "room-1");
        connect("/chat", "", "room-1"); // no user: a member, not in presence
        assertThat(frame(alice1)).isEqualTo(tencent("join", "bob"));
        assertThat(frame(alice2)).isEqualTo(tencent("join", "bob"));
        assertThat(frame(bob)).isEqualTo(tencent("join", "bob"));
        assertThat(presence("room-1")).isEqualTo(Map.of("alice", 2L, "bob", 1L));

        alice1.ws().close(1000, "bye");
        await().atMost(WAIT).until(() -> presence("room-1").equals(Map.of("alice", 1L, "bob", 1L)));
        alice2.ws().close(1000, "bye");
        await().atMost(WAIT).until(() -> presence("room-1").equals(Map.of("bob", 1L)));

        assertThat(frame(bob)).isEqualTo(tencent("leave", "alice"));
        assertThat(bob.ws().poll(Duration.ofMillis(300))).as("no other frame").isNull();
        await().atMost(WAIT).until(() -> calls().size() == 3);
        assertThat(calls()).containsExactly("join alice room-1", "join bob room-1", "leave alice room-1");
        JsonNode leave = gateway.functions().received("/presence").get(2);
        assertThat(leave.at("/websocket/action").asText()).isEqualTo("presence");
        assertThat(leave.at("/websocket/secConnectionID").asText()).isEqualTo(alice2.id());
        assertThat(leave.at("/requestContext/path").asText()).isEqualTo("/chat");
    }

    @Test
    void aPushLeaveOfTheLastConnectionAnnouncesTheLeave() {
        start(chat("/chat", rooms()));
        Client alice = connect("/chat", "alice", "room-1");
        Client bob = connect("/chat", "bob", "room-1");
        frame(alice);
        frame(alice);

        PushResponse left = gateway.push("{\"websocket\":{\"action\":\"leave\",\"secConnectionID\":\"" + alice.id()
                + "\",\"group\":\"room-1\"}}");

        assertThat(left.status()).isEqualTo(200);
        assertThat(frame(bob)).isEqualTo(tencent("join", "bob"));
        assertThat(frame(bob)).isEqualTo(tencent("leave", "alice"));
        assertThat(presence("room-1")).isEqualTo(Map.of("bob", 1L));
        await().atMost(WAIT).until(() -> calls().contains("leave alice room-1"));
        alice.ws().close(1000, "bye");
        bob.ws().close(1000, "bye");
        await().atMost(WAIT).until(() -> presence("room-1").isEmpty());
        await().atMost(WAIT).until(() -> calls().size() == 4);
        assertThat(calls())
                .containsExactly("join alice room-1", "join bob room-1", "leave alice room-1", "leave bob room-1");
    }

    @Test
    void anAwsRouteGetsItsFramesAndPresenceEventsInApiGatewaysWords() {
        start(
                chat("/chat", rooms()),
                chat("/aws", rooms())
                        .dialect(AwsDialectConfig.builder().build())
                        .register(null));
        Client tencentBob = connect("/chat", "bob", "room-1");
        frame(tencentBob);
        WsClient aws = gateway.open("/aws");
        String awsId = awsConnectionId();
        PushResponse joined = gateway.push(
                "{\"websocket\":{\"action\":\"join\",\"secConnectionID\":\"" + awsId + "\",\"group\":\"room-1\"}}");
        assertThat(joined.status()).isEqualTo(200);

        // the aws connection has no user: it hears bob's leave in its own dialect, and is not counted
        tencentBob.ws().close(1000, "bye");
        assertThat(json(aws.next(WAIT).text()))
                .isEqualTo(Json.mapper()
                        .createObjectNode()
                        .put("message", "presence")
                        .put("event", "leave")
                        .put("group", "room-1")
                        .put("userId", "bob"));
        assertThat(presence("room-1")).isEmpty();
    }

    @Test
    void anAwsRouteUserFromATokenGetsItsPresenceFunctionCalledWithAPresenceRouteKey() {
        start(chat("/aws", rooms())
                .dialect(AwsDialectConfig.builder().apiId("abc123").build())
                .register(null)
                .auth(TokenAuthTest.hs256().groupsClaim("rooms").build()));
        String token = TokenAuthTest.hs256Token(
                TokenAuthTest.claims("dave").claim("rooms", List.of("room-1")).build());

        WsClient dave = gateway.open("/aws?token=" + token);

        assertThat(json(dave.next(WAIT).text()))
                .isEqualTo(Json.mapper()
                        .createObjectNode()
                        .put("message", "presence")
                        .put("event", "join")
                        .put("group", "room-1")
                        .put("userId", "dave"));
        await().atMost(WAIT)
                .until(() -> !gateway.functions().received("/presence").isEmpty());
        JsonNode call = gateway.functions().received("/presence").get(0);
        assertThat(call.at("/requestContext/routeKey").asText()).isEqualTo("$presence");
        assertThat(call.at("/requestContext/eventType").asText()).isEqualTo("PRESENCE");
        assertThat(call.at("/requestContext/apiId").asText()).isEqualTo("abc123");
        assertThat(call.at("/requestContext/connectionId").asText()).isEqualTo(awsConnectionId());
        assertThat(call.get("presence"))
                .isEqualTo(Json.mapper()
                        .createObjectNode()
                        .put("event", "join")
                        .put("group", "room-1")
                        .put("userId", "dave"));
    }

    @Test
    void aPresenceCallThatFailsIsRetriedWithTheSameRequestIdUntilItIsDelivered() {
        AtomicInteger attempts = new AtomicInteger();
        gateway.functions()
                .on(
                        "/presence",
                        event -> attempts.incrementAndGet() < 3
                                ? StubResponse.json(500, "{\"error\":\"down\"}")
                                : StubResponse.ok());
        start(chat("/chat", rooms()));

        connect("/chat", "alice", "room-1");

        await().atMost(WAIT).until(() -> attempts.get() == 3);
        List<String> requestIds = gateway.functions().received("/presence").stream()
                .map(call -> call.at("/requestContext/requestId").asText())
                .distinct()
                .toList();
        assertThat(requestIds).hasSize(1);
        assertThat(calls()).containsExactly("join alice room-1", "join alice room-1", "join alice room-1");
    }

    @Test
    void badRequestsForPresenceGetClearErrorsAndTheListenerKeepsServing() {
        start(chat("/chat", rooms()));
        connect("/chat", "alice", "room-1");

        assertThat(get("/groups/a%20b/presence").errNo()).isEqualTo(4001);
        assertThat(get("/groups/room-1/presence?cursor=zzz").errNo()).isEqualTo(4001);
        PushResponse post = gateway.send(HttpRequest.newBuilder(gateway.pushUri("/groups/room-1/presence"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .header("Content-Type", "application/json")
                .build());
        assertThat(post.status()).isEqualTo(405);
        assertThat(presence("room-1")).isEqualTo(Map.of("alice", 1L));
    }

    @Test
    void presenceIsPagedByUserId() {
        start(chat("/chat", rooms()));
        for (String user : List.of("carol", "alice", "bob")) {
            connect("/chat", user, "room-1");
        }

        JsonNode first = get("/groups/room-1/presence?limit=2").body();
        JsonNode second = get("/groups/room-1/presence?limit=2&cursor="
                        + first.get("nextCursor").asText())
                .body();

        assertThat(first.get("userCount").asInt()).isEqualTo(3);
        assertThat(first.get("connectionCount").asInt()).isEqualTo(3);
        assertThat(first.get("users").findValuesAsText("userId")).containsExactly("alice", "bob");
        assertThat(second.get("users").findValuesAsText("userId")).containsExactly("carol");
        assertThat(second.get("nextCursor").isNull()).isTrue();
        assertThat(get("/groups/room-1/presence?limit=1001").errNo()).isEqualTo(4001);
    }

    /** The id of the one connection on /aws, from the admin API. */
    private String awsConnectionId() {
        JsonNode list = get("/connections?route=/aws").body().get("connections");
        assertThat(list).hasSize(1);
        return list.get(0).get("secConnectionID").asText();
    }

    private static JsonNode tencent(String event, String user) {
        ObjectNode frame = Json.mapper().createObjectNode();
        frame.putObject("websocket")
                .put("action", "presence")
                .put("event", event)
                .put("group", "room-1")
                .put("userId", user);
        return frame;
    }

    private static JsonNode frame(Client client) {
        return json(client.ws().next(WAIT).text());
    }

    private static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /** The presence calls so far, as "event user group". */
    private List<String> calls() {
        return gateway.functions().received("/presence").stream()
                .map(call -> call.at("/websocket/event").asText() + " "
                        + call.at("/websocket/userId").asText() + " "
                        + call.at("/websocket/group").asText())
                .toList();
    }

    private Map<String, Long> presence(String group) {
        PushResponse answer = get("/groups/" + group + "/presence");
        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
        Map<String, Long> users = new TreeMap<>();
        answer.body()
                .get("users")
                .forEach(u ->
                        users.put(u.get("userId").asText(), u.get("connections").asLong()));
        return users;
    }

    private PushResponse get(String path) {
        return gateway.send(HttpRequest.newBuilder(gateway.pushUri(path)).build());
    }
}
