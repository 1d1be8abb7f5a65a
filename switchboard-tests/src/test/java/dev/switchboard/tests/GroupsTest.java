package dev.switchboard.tests;

import static dev.switchboard.testkit.StubFunctionServer.StubResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.LimitsConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.testkit.GatewayExtension;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.TestGateway.PushResponse;
import dev.switchboard.testkit.WsClient;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Groups, broadcast, connection context and the admin API, over real sockets. */
class GroupsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    final GatewayExtension gateway = GatewayExtension.onSystemClock();

    /** Registration joins the groups named in {@code ?groups=a,b} and stores {@code ?user=} as context. */
    private void start(GatewayConfig.Builder config) {
        gateway.functions().on("/register", event -> {
            ObjectNode body = StubFunctionServer.json().put("errNo", 0).put("errMsg", "ok");
            String groups = event.at("/queryString/groups").asText("");
            if (!groups.isEmpty()) {
                var array = body.putArray("groups");
                for (String group : groups.split(",")) {
                    array.add(group);
                }
            }
            String user = event.at("/queryString/user").asText("");
            if (!user.isEmpty()) {
                body.putObject("context")
                        .put("userId", user)
                        .put("padding", event.at("/queryString/pad").asText(""));
            }
            return StubResponse.json(body);
        });
        gateway.start(config.route(route("/chat")).route(route("/other")));
    }

    private RouteConfig route(String path) {
        return RouteConfig.builder(path)
                .register(gateway.functions().target("/register"))
                .transfer(gateway.functions().target("/transfer"))
                .cleanup(gateway.functions().target("/cleanup"))
                .build();
    }

    private record Client(WsClient ws, String id) {}

    private Client connect(String pathAndQuery) {
        int before = gateway.functions().received("/register").size();
        WsClient ws = WsClient.open(gateway.ws(pathAndQuery));
        gateway.closeAfter(ws);
        return new Client(
                ws,
                gateway.functions()
                        .received("/register")
                        .get(before)
                        .at("/websocket/secConnectionID")
                        .asText());
    }

    private PushResponse get(String path) {
        return gateway.send(HttpRequest.newBuilder(gateway.pushUri(path)).build());
    }

    private static String groupPush(String group, String text, String... exclude) {
        StringBuilder excluded = new StringBuilder();
        for (String id : exclude) {
            excluded.append(excluded.length() == 0 ? "" : ",")
                    .append('"')
                    .append(id)
                    .append('"');
        }
        return "{\"websocket\":{\"action\":\"data send\",\"group\":\"" + group + "\",\"dataType\":\"text\",\"data\":\""
                + text + "\",\"exclude\":[" + excluded + "]}}";
    }

    private static String allPush(String text) {
        return "{\"websocket\":{\"action\":\"data send\",\"all\":true,\"dataType\":\"text\",\"data\":\"" + text
                + "\"}}";
    }

    private static String action(String action, String id, String group) {
        return "{\"websocket\":{\"action\":\"" + action + "\",\"secConnectionID\":\"" + id + "\""
                + (group == null ? "" : ",\"group\":\"" + group + "\"") + "}}";
    }

    @Test
    void groupPushReachesEachOfAThousandMembersExactlyOnceAndExcludeLeavesOutExactlyTheListed() {
        start(GatewayConfig.builder()
                .limits(LimitsConfig.builder()
                        .maxConnectionsPerIp(2000)
                        .connectRatePerIp(100_000)
                        .build()));
        List<Client> members = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            members.add(connect("/chat?groups=lobby"));
        }
        Client outsider = connect("/chat");

        PushResponse toAll = gateway.push(groupPush("lobby", "hello lobby"));
        List<String> excluded = List.of(
                members.get(3).id(), members.get(500).id(), members.get(999).id());
        PushResponse toMost = gateway.push(groupPush("lobby", "second", excluded.toArray(String[]::new)));
        PushResponse marker = gateway.push(allPush("marker"));

        assertThat(toAll.body().get("delivered").asInt()).isEqualTo(1000);
        assertThat(toAll.body().get("failed").asInt()).isZero();
        assertThat(toMost.body().get("delivered").asInt()).isEqualTo(997);
        assertThat(marker.body().get("delivered").asInt()).isEqualTo(1001);
        for (Client member : members) {
            List<String> expected = excluded.contains(member.id())
                    ? List.of("hello lobby", "marker")
                    : List.of("hello lobby", "second", "marker");
            assertThat(member.ws().next(expected.size(), WAIT).stream().map(WsClient.Message::text))
                    .containsExactlyElementsOf(expected);
        }
        assertThat(outsider.ws().next(WAIT).text()).isEqualTo("marker");
        for (Client member : members) {
            assertThat(member.ws().pending()).isZero();
        }
    }

    @Test
    void allReachesEveryConnectionOfEveryRoute() {
        start(GatewayConfig.builder());
        Client chat = connect("/chat");
        Client other = connect("/other?groups=x");

        PushResponse response = gateway.push(allPush("everyone"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().get("delivered").asInt()).isEqualTo(2);
        assertThat(chat.ws().next(WAIT).text()).isEqualTo("everyone");
        assertThat(other.ws().next(WAIT).text()).isEqualTo("everyone");
    }

    @Test
    void listOfIdsReportsWhichFailedAndWhy() {
        start(GatewayConfig.builder());
        Client a = connect("/chat");
        Client b = connect("/chat");

        PushResponse response = gateway.push("{\"websocket\":{\"action\":\"data send\",\"secConnectionIDs\":[\""
                + a.id() + "\",\"test.gone\",\"" + b.id() + "\",\"" + a.id()
                + "\"],\"exclude\":[\"" + b.id() + "\"],\"dataType\":\"text\",\"data\":\"hi\"}}");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().get("delivered").asInt()).isEqualTo(1);
        assertThat(response.body().get("failed").asInt()).isEqualTo(1);
        assertThat(response.body().at("/failures/0/secConnectionID").asText()).isEqualTo("test.gone");
        assertThat(response.body().at("/failures/0/reason").asText()).isEqualTo("gone");
        assertThat(a.ws().next(WAIT).text()).isEqualTo("hi");
        assertThat(a.ws().poll(Duration.ofMillis(200))).isNull();
        assertThat(b.ws().poll(Duration.ZERO)).isNull();
    }

    @Test
    void joinLeaveAndLeavingOnCloseAndEmptyGroupsDisappear() {
        start(GatewayConfig.builder());
        Client a = connect("/chat");
        Client b = connect("/chat");

        assertThat(gateway.push(action("join", a.id(), "room")).status()).isEqualTo(200);
        assertThat(gateway.push(action("join", b.id(), "room")).status()).isEqualTo(200);
        assertThat(get("/groups").body().get("groups").toString()).isEqualTo("[{\"name\":\"room\",\"size\":2}]");

        PushResponse leave = gateway.push(action("leave", a.id(), "room"));
        assertThat(leave.body().get("wasMember").asBoolean()).isTrue();
        gateway.push(groupPush("room", "only b"));
        assertThat(b.ws().next(WAIT).text()).isEqualTo("only b");
        assertThat(a.ws().poll(Duration.ofMillis(200))).isNull();

        b.ws().close(1000, "bye");
        b.ws().awaitClose(WAIT);
        await().atMost(WAIT).until(() -> get("/groups").body().get("groups").isEmpty());
        PushResponse unknown = get("/groups/room");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.errNo()).isEqualTo(4041);
        PushResponse emptyGroupPush = gateway.push(groupPush("room", "nobody"));
        assertThat(emptyGroupPush.status()).isEqualTo(200);
        assertThat(emptyGroupPush.body().get("delivered").asInt()).isZero();
    }

    @Test
    void registrationGroupsAreJoinedOnAccept() {
        start(GatewayConfig.builder());
        Client a = connect("/chat?groups=red,blue");

        JsonNode red = get("/groups/red").body();

        assertThat(red.get("size").asInt()).isEqualTo(1);
        assertThat(red.get("members").get(0).asText()).isEqualTo(a.id());
        assertThat(get("/connections/" + a.id()).body().at("/connection/groups").toString())
                .isEqualTo("[\"blue\",\"red\"]");
    }

    @Test
    void contextFromRegistrationTravelsWithTheConnection() {
        start(GatewayConfig.builder());
        Client a = connect("/chat?user=u42");

        a.ws().sendText("hi");
        await().atMost(WAIT)
                .until(() -> gateway.functions().received("/transfer").size() == 1);
        JsonNode record = get("/connections/" + a.id()).body().get("connection");
        PushResponse info = gateway.push(action("info", a.id(), null));
        a.ws().close(1000, "bye");
        await().atMost(WAIT)
                .until(() -> gateway.functions().received("/cleanup").size() == 1);

        assertThat(gateway.functions()
                        .received("/transfer")
                        .get(0)
                        .at("/context/userId")
                        .asText())
                .isEqualTo("u42");
        assertThat(gateway.functions()
                        .received("/cleanup")
                        .get(0)
                        .at("/context/userId")
                        .asText())
                .isEqualTo("u42");
        assertThat(record.at("/context/userId").asText()).isEqualTo("u42");
        assertThat(record.get("secConnectionID").asText()).isEqualTo(a.id());
        assertThat(record.get("route").asText()).isEqualTo("/chat");
        assertThat(record.get("remoteAddress").asText()).isEqualTo("127.0.0.1");
        assertThat(record.get("messagesIn").asLong()).isEqualTo(1);
        assertThat(record.get("connectedAt").asText()).endsWith("Z");
        assertThat(record.has("lastActiveAt")).isTrue();
        assertThat(record.has("userAgent")).isTrue();
        assertThat(record.has("subprotocol")).isTrue();
        assertThat(info.body().at("/connection/context/userId").asText()).isEqualTo("u42");
    }

    @Test
    void adminDeleteClosesTheConnectionAndItsCleanupSaysAdmin() {
        start(GatewayConfig.builder());
        Client a = connect("/chat");

        PushResponse response = gateway.send(HttpRequest.newBuilder(gateway.pushUri("/connections/" + a.id()))
                .DELETE()
                .build());

        assertThat(response.status()).isEqualTo(200);
        assertThat(a.ws().awaitClose(WAIT).code()).isEqualTo(1000);
        await().atMost(WAIT)
                .until(() -> gateway.functions().received("/cleanup").size() == 1);
        assertThat(gateway.functions()
                        .received("/cleanup")
                        .get(0)
                        .get("closedBy")
                        .asText())
                .isEqualTo("admin");
        assertThat(get("/connections/" + a.id()).status()).isEqualTo(410);
    }

    @Test
    void slowReaderIsClosedWith1013WhileAHundredOtherMembersKeepReceiving() {
        LimitsConfig limits = LimitsConfig.builder()
                .outboundBufferBytes(64 * 1024)
                .closeTimeout(Duration.ofSeconds(15))
                .connectRatePerIp(100_000)
                .build();
        start(GatewayConfig.builder().limits(limits));
        WsClient slowWs =
                WsClient.to(gateway.ws("/chat?groups=busy")).receiveBuffer(4096).open();
        gateway.closeAfter(slowWs);
        Client slow = new Client(slowWs, lastRegisteredId());
        slow.ws().reading(false);
        List<Client> readers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            readers.add(connect("/chat?groups=busy"));
        }
        String payload = "x".repeat(4000);
        long maxBuffered = 0;
        int pushes = 0;
        boolean slowFailed = false;

        while (!slowFailed && pushes < 2000) {
            PushResponse response = gateway.push(groupPush("busy", pushes + ":" + payload));
            JsonNode record = get("/connections/" + slow.id()).body().path("connection");
            maxBuffered = Math.max(maxBuffered, record.path("bufferedBytes").asLong());
            slowFailed = response.body().get("failed").asInt() > 0;
            if (slowFailed) {
                assertThat(response.body().at("/failures/0/secConnectionID").asText())
                        .isEqualTo(slow.id());
                assertThat(response.body().at("/failures/0/reason").asText()).isEqualTo("buffer-full");
            }
            for (Client reader : readers) {
                assertThat(reader.ws().next(WAIT).text()).startsWith(pushes + ":");
            }
            pushes++;
        }

        assertThat(slowFailed).as("the slow reader's buffer filled").isTrue();
        await().atMost(WAIT)
                .until(() -> gateway.functions().received("/cleanup").size() == 1);
        JsonNode cleanup = gateway.functions().received("/cleanup").get(0);
        assertThat(cleanup.at("/websocket/secConnectionID").asText()).isEqualTo(slow.id());
        assertThat(cleanup.get("closeCode").asInt()).isEqualTo(1013);
        assertThat(cleanup.get("closedBy").asText()).isEqualTo("slow-consumer");
        // what the gateway held for the slow reader stayed near its limit: one message over at most
        assertThat(maxBuffered).isLessThanOrEqualTo(64 * 1024 + 2 * 4100);
        // the others keep receiving after it is gone
        gateway.push(groupPush("busy", "after"));
        for (Client reader : readers) {
            assertThat(reader.ws().next(WAIT).text()).isEqualTo("after");
        }
        // the slow reader, reading again, finds what fitted and then the 1013 close
        slow.ws().reading(true);
        assertThat(slow.ws().awaitClose(WAIT).code()).isEqualTo(1013);
    }

    private String lastRegisteredId() {
        List<JsonNode> registered = gateway.functions().received("/register");
        return registered
                .get(registered.size() - 1)
                .at("/websocket/secConnectionID")
                .asText();
    }

    @Test
    void unreadDataDoesNotGrowTheHeap() {
        LimitsConfig limits = LimitsConfig.builder()
                .outboundBufferBytes(256 * 1024)
                .closeTimeout(Duration.ofMillis(500))
                .build();
        start(GatewayConfig.builder().limits(limits));
        Client slow = connect("/chat?groups=firehose");
        slow.ws().reading(false);
        long before = usedHeapAfterGc();
        String payload = "y".repeat(32 * 1024);

        int failed = 0;
        for (int i = 0; i < 1000; i++) { // 32 MB in all
            failed += gateway.push(groupPush("firehose", payload))
                            .body()
                            .path("failed")
                            .asInt()
                    + gateway.push(allPush(payload)).body().path("failed").asInt();
        }
        long after = usedHeapAfterGc();

        assertThat(failed).isGreaterThan(0);
        assertThat(after - before).as("heap growth in bytes").isLessThan(16L * 1024 * 1024);
    }

    private static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }

    @Test
    void pagingWhileConnectionsComeAndGoReturnsEveryStayingConnectionOnce() {
        start(GatewayConfig.builder()
                .limits(LimitsConfig.builder().connectRatePerIp(100_000).build()));
        List<Client> initial = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            initial.add(connect("/chat"));
        }
        Set<String> closed = new HashSet<>();
        List<String> returned = new ArrayList<>();
        String cursor = null;
        int page = 0;
        do {
            PushResponse response = get("/connections?limit=40" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(response.status()).isEqualTo(200);
            response.body()
                    .get("connections")
                    .forEach(c -> returned.add(c.get("secConnectionID").asText()));
            cursor = response.body().get("nextCursor").isNull()
                    ? null
                    : response.body().get("nextCursor").asText();
            // between pages: some close, some new ones arrive
            Client leaving = initial.get(page * 7 % initial.size());
            if (closed.add(leaving.id())) {
                leaving.ws().close(1000, "bye");
                leaving.ws().awaitClose(WAIT);
            }
            connect("/chat");
            page++;
        } while (cursor != null);

        assertThat(returned).doesNotHaveDuplicates();
        for (Client client : initial) {
            if (!closed.contains(client.id())) {
                assertThat(returned).contains(client.id());
            }
        }
        assertThat(get("/connections?route=/other").body().get("connections")).isEmpty();
    }

    @Test
    void badInputGetsItsStatusAndErrNo() {
        start(GatewayConfig.builder()
                .limits(LimitsConfig.builder().maxContextBytes(256).build()));
        Client a = connect("/chat");

        PushResponse invalidName = gateway.push(action("join", a.id(), "no spaces allowed"));
        PushResponse unknownGroup = get("/groups/" + URLEncoder.encode("nobody-here", StandardCharsets.UTF_8));
        PushResponse badCursor = get("/connections?cursor=bm9wZQ");
        PushResponse badLimit = get("/connections?limit=0");
        PushResponse joinGone = gateway.push(action("join", "test.gone", "room"));
        WsClient.Refused bigContext =
                WsClient.to(gateway.ws("/chat?user=u1&pad=" + "p".repeat(400))).refused();

        assertThat(invalidName.status()).isEqualTo(400);
        assertThat(invalidName.errNo()).isEqualTo(4001);
        assertThat(invalidName.body().get("errMsg").asText()).contains("websocket.group");
        assertThat(unknownGroup.status()).isEqualTo(404);
        assertThat(unknownGroup.errNo()).isEqualTo(4041);
        assertThat(badCursor.status()).isEqualTo(400);
        assertThat(badCursor.errNo()).isEqualTo(4001);
        assertThat(badCursor.body().get("errMsg").asText()).startsWith("cursor:");
        assertThat(badLimit.status()).isEqualTo(400);
        assertThat(joinGone.status()).isEqualTo(410);
        assertThat(bigContext.status()).isEqualTo(403);
        assertThat(bigContext.body()).contains("\"errNo\":4032");
    }

    @Test
    void tooManyGroupsForOneConnectionIsRefused() {
        start(GatewayConfig.builder()
                .limits(LimitsConfig.builder().maxGroupsPerConnection(2).build()));
        Client a = connect("/chat?groups=g1,g2");

        PushResponse third = gateway.push(action("join", a.id(), "g3"));

        assertThat(third.status()).isEqualTo(400);
        assertThat(third.body().get("errMsg").asText()).contains("max-groups-per-connection");
        assertThat(WsClient.to(gateway.ws("/chat?groups=a,b,c")).refused().status())
                .isEqualTo(403);
    }

    @Test
    void groupAndDirectPushesReachEveryMemberInTheOrderTheyWereAnswered() {
        start(GatewayConfig.builder()
                .limits(LimitsConfig.builder().connectRatePerIp(100_000).build()));
        List<Client> members = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            members.add(connect("/chat?groups=room"));
        }
        List<String> expected = new ArrayList<>();
        for (int round = 0; round < 10; round++) {
            assertThat(pushOverNewConnection(groupPush("room", "group " + round)))
                    .isEqualTo(200);
            expected.add("group " + round);
            for (Client member : members) {
                assertThat(pushOverNewConnection(TestGateway.sendText(member.id(), "direct " + round)))
                        .isEqualTo(200);
            }
            expected.add("direct " + round);
        }

        for (Client member : members) {
            assertThat(member.ws().next(expected.size(), WAIT).stream().map(WsClient.Message::text))
                    .containsExactlyElementsOf(expected);
        }
    }

    @Test
    void eachCallersPushesArriveInOrderWhileGroupPushesKeepTheEventLoopsBusy() throws Exception {
        start(GatewayConfig.builder()
                .limits(LimitsConfig.builder()
                        .maxConnectionsPerIp(2000)
                        .connectRatePerIp(100_000)
                        .build()));
        for (int i = 0; i < 500; i++) {
            connect("/chat?groups=crowd");
        }
        Client target = connect("/chat");
        int callers = 4;
        int pushesEach = 60;
        AtomicBoolean busy = new AtomicBoolean(true);
        ExecutorService threads = Executors.newFixedThreadPool(callers + 1);
        try {
            Future<?> crowd = threads.submit(() -> {
                // bounded: every noise frame waits in a test client's queue until the test ends
                for (int i = 0; i < 300 && busy.get(); i++) {
                    gateway.push(groupPush("crowd", "noise"));
                }
            });
            List<Future<?>> senders = new ArrayList<>();
            for (int caller = 0; caller < callers; caller++) {
                int c = caller;
                // each push on its own TCP connection, so consecutive pushes land on different event loops
                senders.add(threads.submit(() -> {
                    for (int n = 0; n < pushesEach; n++) {
                        assertThat(pushOverNewConnection(TestGateway.sendText(target.id(), c + ":" + n)))
                                .isEqualTo(200);
                    }
                }));
            }
            for (Future<?> sender : senders) {
                sender.get(60, TimeUnit.SECONDS);
            }
            busy.set(false);
            crowd.get(60, TimeUnit.SECONDS);
        } finally {
            busy.set(false);
            threads.shutdownNow();
        }

        Map<Integer, List<Integer>> receivedByCaller = new HashMap<>();
        for (WsClient.Message message : target.ws().next(callers * pushesEach, WAIT)) {
            String[] parts = message.text().split(":");
            receivedByCaller
                    .computeIfAbsent(Integer.parseInt(parts[0]), c -> new ArrayList<>())
                    .add(Integer.parseInt(parts[1]));
        }
        List<Integer> inOrder = IntStream.range(0, pushesEach).boxed().toList();
        assertThat(receivedByCaller).hasSize(callers);
        receivedByCaller.forEach(
                (caller, numbers) -> assertThat(numbers).as("caller %d", caller).containsExactlyElementsOf(inOrder));
    }

    /** POSTs {@code body} to {@code /push} over a TCP connection of its own; the HTTP status. */
    private int pushOverNewConnection(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", gateway.pushUri("/").getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /push HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Connection: close\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            String statusLine = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1)
                    .lines()
                    .findFirst()
                    .orElse("");
            return Integer.parseInt(statusLine.split(" ")[1]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aGroupNamedTwiceByRegistrationCountsOnceAgainstTheLimit() {
        start(GatewayConfig.builder()
                .limits(LimitsConfig.builder().maxGroupsPerConnection(2).build()));

        Client a = connect("/chat?groups=g1,g2,g1");

        assertThat(get("/connections/" + a.id()).body().at("/connection/groups").toString())
                .isEqualTo("[\"g1\",\"g2\"]");
    }
}
