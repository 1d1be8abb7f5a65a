package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.LimitsConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.testkit.GatewayExtension;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.StubFunctionServer.StubResponse;
import dev.switchboard.testkit.TestGateway.PushResponse;
import dev.switchboard.testkit.WsClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The push and admin APIs by user on one node: the registration names each connection's user
 * ({@code ?user=}), and every by-user action reaches all of that user's connections and no one
 * else's; {@code limits.max-connections-per-user} refuses one connection too many with 429.
 */
class UsersPushTest {
    static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    final GatewayExtension gateway = GatewayExtension.onSystemClock();

    /** A registration function that accepts and sets the user of {@code ?user=}, if any. */
    static StubResponse userOfQuery(JsonNode event) {
        var body = StubFunctionServer.json().put("errNo", 0).put("errMsg", "ok");
        String user = event.at("/queryString/user").asText("");
        if (!user.isEmpty()) {
            body.put("userId", user);
        }
        return StubResponse.json(body);
    }

    private void start(LimitsConfig limits) {
        gateway.functions().on("/register", UsersPushTest::userOfQuery);
        gateway.functions().on("/cleanup", event -> StubResponse.ok());
        gateway.start(GatewayConfig.builder()
                .limits(limits)
                .route(RouteConfig.builder("/chat")
                        .register(gateway.functions().target("/register"))
                        .cleanup(gateway.functions().target("/cleanup"))
                        .build()));
    }

    /** Opens a connection of {@code user} and returns its id. */
    private String connect(String user, List<WsClient> clients) {
        return ClusterClients.connect(gateway.functions(), gateway.ws("/chat?user=" + user), clients);
    }

    private JsonNode get(String path) {
        return gateway.send(HttpRequest.newBuilder(gateway.pushUri(path)).build())
                .body();
    }

    static String toUser(String user, String text) {
        return "{\"websocket\":{\"action\":\"data send\",\"userId\":\"" + user + "\",\"dataType\":\"text\",\"data\":\""
                + text + "\"}}";
    }

    @Test
    void aPushToAUserReachesEachOfItsConnectionsOnceAndNoOneElse() {
        start(LimitsConfig.defaults());
        List<WsClient> alice = new ArrayList<>();
        List<WsClient> bob = new ArrayList<>();
        Set<String> aliceIds = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            aliceIds.add(connect("alice", alice));
        }
        connect("bob", bob);
        alice.forEach(gateway::closeAfter);
        bob.forEach(gateway::closeAfter);

        PushResponse answer = gateway.push(toUser("alice", "hi alice"));
        PushResponse nobody = gateway.push(toUser("carol", "hi carol"));

        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
        assertThat(answer.body().get("delivered").asInt()).isEqualTo(3);
        assertThat(answer.body().get("failed").asInt()).isZero();
        for (WsClient client : alice) {
            assertThat(client.next(WAIT).text()).isEqualTo("hi alice");
        }
        assertThat(bob.get(0).poll(Duration.ofMillis(300))).isNull();
        assertThat(nobody.status()).isEqualTo(200);
        assertThat(nobody.body().get("delivered").asInt()).isZero();
        JsonNode listing = get("/users/alice");
        assertThat(listing.get("userId").asText()).isEqualTo("alice");
        assertThat(listing.get("size").asInt()).isEqualTo(3);
        Set<String> listed = new HashSet<>();
        listing.get("connections").forEach(c -> {
            listed.add(c.get("secConnectionID").asText());
            assertThat(c.get("userId").asText()).isEqualTo("alice");
        });
        assertThat(listed).isEqualTo(aliceIds);
        assertThat(get("/users/carol").get("connections")).isEmpty();
    }

    @Test
    void usersConnectionsArePagedLikeTheOtherListings() {
        start(LimitsConfig.defaults());
        List<WsClient> alice = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            ids.add(connect("alice", alice));
        }
        alice.forEach(gateway::closeAfter);

        Set<String> paged = new HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = get("/users/alice?limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
            page.get("connections")
                    .forEach(c -> assertThat(paged.add(c.get("secConnectionID").asText()))
                            .isTrue());
            cursor = page.get("nextCursor").isNull()
                    ? null
                    : page.get("nextCursor").asText();
            pages++;
        } while (cursor != null);

        assertThat(paged).isEqualTo(ids);
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void closingJoinLeaveAndInfoByUserActOnEveryConnectionOfTheUser() {
        start(LimitsConfig.defaults());
        List<WsClient> alice = new ArrayList<>();
        List<WsClient> bob = new ArrayList<>();
        connect("alice", alice);
        connect("alice", alice);
        String bobId = connect("bob", bob);
        bob.forEach(gateway::closeAfter);

        PushResponse joined =
                gateway.push("{\"websocket\":{\"action\":\"join\",\"userId\":\"alice\",\"group\":\"room\"}}");
        JsonNode room = get("/groups/room");
        PushResponse info = gateway.push("{\"websocket\":{\"action\":\"info\",\"userId\":\"alice\"}}");
        PushResponse left =
                gateway.push("{\"websocket\":{\"action\":\"leave\",\"userId\":\"alice\",\"group\":\"room\"}}");
        PushResponse closed = gateway.push(
                "{\"websocket\":{\"action\":\"closing\",\"userId\":\"alice\",\"closeCode\":4000,\"closeReason\":\"bye\"}}");

        assertThat(joined.body().get("delivered").asInt()).isEqualTo(2);
        assertThat(room.get("size").asInt()).isEqualTo(2);
        assertThat(info.body().get("connections")).hasSize(2);
        assertThat(left.body().get("delivered").asInt()).isEqualTo(2);
        assertThat(closed.status()).isEqualTo(200);
        assertThat(closed.body().get("delivered").asInt()).isEqualTo(2);
        for (WsClient client : alice) {
            WsClient.Closed end = client.awaitClose(WAIT);
            assertThat(end.code()).isEqualTo(4000);
            assertThat(end.reason()).isEqualTo("bye");
        }
        assertThat(bob.get(0).isOpen()).isTrue();
        await().atMost(WAIT).until(() -> get("/users/alice").get("connections").isEmpty());
        assertThat(get("/users/bob").at("/connections/0/secConnectionID").asText())
                .isEqualTo(bobId);
    }

    @Test
    void aByUserPushWithBothAConnectionAndAUserIsRefusedWith400() {
        start(LimitsConfig.defaults());

        PushResponse both =
                gateway.push("{\"websocket\":{\"action\":\"closing\",\"userId\":\"alice\",\"secConnectionID\":\"x\"}}");
        PushResponse twoTargets = gateway.push(
                "{\"websocket\":{\"action\":\"data send\",\"userId\":\"alice\",\"group\":\"g\",\"data\":\"x\"}}");
        PushResponse tooLong = gateway.push(toUser("a".repeat(257), "x"));

        assertThat(both.status()).isEqualTo(400);
        assertThat(both.errNo()).isEqualTo(4001);
        assertThat(twoTargets.status()).isEqualTo(400);
        assertThat(twoTargets.errNo()).isEqualTo(4001);
        assertThat(tooLong.errNo()).isEqualTo(4001);
    }

    @Test
    void aUserPastMaxConnectionsPerUserIsRefusedWith429AndItsPlaceReturnsWhenOneCloses() {
        start(LimitsConfig.builder().maxConnectionsPerUser(2).build());
        List<WsClient> alice = new ArrayList<>();
        connect("alice", alice);
        connect("alice", alice);
        List<WsClient> bob = new ArrayList<>();
        connect("bob", bob);
        bob.forEach(gateway::closeAfter);

        WsClient.Refused third = WsClient.to(gateway.ws("/chat?user=alice")).refused();
        alice.get(0).close(1000, "bye");
        await().atMost(WAIT).until(() -> get("/users/alice").get("connections").size() == 1);
        List<WsClient> again = new ArrayList<>();
        connect("alice", again);
        again.forEach(gateway::closeAfter);
        alice.forEach(gateway::closeAfter);

        assertThat(third.status()).isEqualTo(429);
        assertThat(third.body()).contains("\"errNo\":4294");
        assertThat(get("/users/alice").get("connections")).hasSize(2);
    }
}
