package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.json.Json;
import dev.switchboard.testkit.RedisServer;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.StubFunctionServer.StubResponse;
import dev.switchboard.testkit.WsClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Presence on a real cluster: three runnable-jar nodes on one {@code redis-server}, users with
 * connections on several nodes, and one node killed with {@code kill -9}. Presence drops exactly
 * that node's connections within {@code heartbeat-ttl} + 5 s; each user whose last connection died
 * gets exactly one leave frame at every other member and one presence call, and no other user gets
 * any. {@code GET /groups/room-1/presence} on every live node agrees with the clients actually
 * connected after every step. The run is randomized: the seed is printed, and
 * {@code -Dpresence.seed=<seed>} replays it.
 */
class PresenceGhostTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** A JVM starting on a busy machine: the cluster tests give their child nodes as long. */
    private static final Duration START = Duration.ofMinutes(3);

    private static final Duration HEARTBEAT = Duration.ofMillis(200);
    private static final Duration TTL = Duration.ofSeconds(1);
    private static final String GROUP = "room-1";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private final RedisServer redis = RedisServer.start();
    private final StubFunctionServer functions = StubFunctionServer.start();
    private final Map<String, Node> nodes = new TreeMap<>();
    private final List<Client> clients = new ArrayList<>();

    /** A gateway process with its ports. */
    private record Node(String id, int clientPort, int pushPort, Process process) {}

    /** A connected client, its user, the node it is on and the id the registration saw. */
    private record Client(String user, String node, WsClient ws, String id) {}

    @AfterEach
    void stopAll() {
        clients.forEach(client -> client.ws().abort());
        nodes.values().forEach(node -> node.process().destroyForcibly());
        redis.close();
        functions.close();
    }

    @Test
    void killNineDropsExactlyTheLostNodesConnectionsAndAnnouncesEachLastLeaveOnce() throws Exception {
        long seed = Long.getLong("presence.seed", System.nanoTime());
        System.out.println("PresenceGhostTest seed " + seed + " (replay: -Dpresence.seed=" + seed + ")");
        Random random = new Random(seed);
        functions.on("/register", PresenceGhostTest::acceptUserAndGroupOfQuery);
        for (String id : List.of("node-1", "node-2", "node-3")) {
            start(id);
        }
        for (Node node : nodes.values()) {
            awaitReady(node);
        }
        List<String> ids = new ArrayList<>(nodes.keySet());
        String victim = ids.get(random.nextInt(ids.size()));
        List<String> survivors = ids.stream().filter(id -> !id.equals(victim)).toList();

        // who connects where: users only on the victim, users on the victim and a survivor, users
        // only on survivors; the order of the connections is shuffled
        List<String[]> plan = new ArrayList<>();
        for (int u = 0; u < 2; u++) {
            for (int c = 0, n = 1 + random.nextInt(3); c < n; c++) {
                plan.add(new String[] {"victim-only-" + u, victim});
            }
            plan.add(new String[] {"mixed-" + u, victim});
            for (int c = 0, n = 1 + random.nextInt(2); c < n; c++) {
                plan.add(new String[] {"mixed-" + u, survivors.get(random.nextInt(2))});
            }
            for (int c = 0, n = 1 + random.nextInt(3); c < n; c++) {
                plan.add(new String[] {"survivor-" + u, survivors.get(random.nextInt(2))});
            }
        }
        Collections.shuffle(plan, random);
        for (String[] step : plan) {
            connect(step[0], nodes.get(step[1]));
            assertPresenceAgreesWithTheConnectedClients();
        }
        List<String> everyone = users(clients);
        assertThat(presenceCalls("join")).as("one join call per user").containsExactlyInAnyOrderElementsOf(everyone);

        List<Client> onVictim =
                clients.stream().filter(c -> c.node().equals(victim)).toList();
        List<Client> left =
                clients.stream().filter(c -> !c.node().equals(victim)).toList();
        List<String> gone = users(onVictim).stream()
                .filter(user -> !users(left).contains(user))
                .toList();
        survivorFramesSoFar(left);

        Node killed = nodes.remove(victim);
        killed.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS); // kill -9
        long killedAt = System.nanoTime();
        clients.removeAll(onVictim);
        onVictim.forEach(client -> client.ws().abort());

        await().atMost(TTL.plusSeconds(5)).until(() -> everyNodeShows(expectedPresence()));
        Duration dropped = Duration.ofNanos(System.nanoTime() - killedAt);
        System.out.println("presence dropped node " + victim + "'s connections " + dropped.toMillis()
                + " ms after kill -9 (heartbeat-ttl " + TTL.toMillis() + " ms)");
        assertThat(dropped).isLessThan(TTL.plusSeconds(5));
        await().atMost(WAIT).until(() -> presenceCalls("leave").size() >= gone.size());
        // a second survivor would announce again within a takeover lock's life: waiting for
        // something that must NOT happen, so there is no condition to await
        Thread.sleep(TTL.toMillis() * 3);
        assertThat(presenceCalls("leave"))
                .as("one leave call for each user whose last connection was on %s", victim)
                .containsExactlyInAnyOrderElementsOf(gone);
        assertThat(presenceCalls("join")).as("no join call since").containsExactlyInAnyOrderElementsOf(everyone);
        for (Client client : left) {
            assertThat(framesOf(client, "leave"))
                    .as("leave frames at %s on %s", client.id(), client.node())
                    .containsExactlyInAnyOrderElementsOf(gone);
        }
        assertPresenceAgreesWithTheConnectedClients();

        // the survivors' users leave one connection at a time: a leave only with the last one
        List<Client> closing = new ArrayList<>(left);
        Collections.shuffle(closing, random);
        List<String> expectedLeaves = new ArrayList<>(gone);
        for (Client client : closing) {
            clients.remove(client);
            client.ws().close(1000, "bye");
            if (!users(clients).contains(client.user())) {
                expectedLeaves.add(client.user());
            }
            assertPresenceAgreesWithTheConnectedClients();
            await().atMost(WAIT).until(() -> presenceCalls("leave").size() >= expectedLeaves.size());
            assertThat(presenceCalls("leave")).containsExactlyInAnyOrderElementsOf(expectedLeaves);
        }
    }

    private static StubResponse acceptUserAndGroupOfQuery(JsonNode event) {
        var body = StubFunctionServer.json().put("errNo", 0).put("errMsg", "ok");
        body.put("userId", event.at("/queryString/user").asText());
        body.putArray("groups").add(event.at("/queryString/group").asText());
        return StubResponse.json(body);
    }

    private void start(String id) throws IOException {
        int clientPort = LocalPorts.free();
        int pushPort = LocalPorts.free();
        Path config = dir.resolve(id + ".yaml");
        Files.writeString(
                config,
                LocalPorts.clusterNodeConfig(id, clientPort, pushPort, redis, functions, HEARTBEAT, TTL, """
                        presence:
                          groups: [room-*]
                          function: %s
                        """.formatted(
                                functions.url("/presence"))));
        Process process = AppJar.serve(config)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(id + ".log").toFile())
                .start();
        nodes.put(id, new Node(id, clientPort, pushPort, process));
    }

    /** Waits until {@code node} answers {@code /readyz} 200; fails with its log if it exits first. */
    private void awaitReady(Node node) throws IOException {
        await().atMost(START)
                .ignoreExceptions()
                .until(() -> !node.process().isAlive()
                        || HTTP.send(request(node, "/readyz"), HttpResponse.BodyHandlers.discarding())
                                        .statusCode()
                                == 200);
        assertThat(node.process().isAlive())
                .as("%s is running; its log:%n%s", node.id(), Files.readString(dir.resolve(node.id() + ".log")))
                .isTrue();
    }

    private void connect(String user, Node node) {
        URI uri = URI.create("ws://127.0.0.1:" + node.clientPort() + "/chat?user=" + user + "&group=" + GROUP);
        List<WsClient> opened = new ArrayList<>();
        String id = ClusterClients.connect(functions, uri, opened);
        clients.add(new Client(user, node.id(), opened.get(0), id));
    }

    /** What presence must show: the users of the connected clients with their counts. */
    private Map<String, Long> expectedPresence() {
        Map<String, Long> expected = new TreeMap<>();
        clients.forEach(client -> expected.merge(client.user(), 1L, Long::sum));
        return expected;
    }

    private void assertPresenceAgreesWithTheConnectedClients() {
        Map<String, Long> expected = expectedPresence();
        await().atMost(WAIT).until(() -> everyNodeShows(expected));
    }

    private boolean everyNodeShows(Map<String, Long> expected) throws Exception {
        for (Node node : nodes.values()) {
            if (!presence(node).equals(expected)) {
                return false;
            }
        }
        return true;
    }

    /** {@code GET /groups/room-1/presence} of {@code node}, as user to connection count. */
    private static Map<String, Long> presence(Node node) throws Exception {
        JsonNode body = get(node, "/groups/" + GROUP + "/presence?limit=1000");
        assertThat(body.path("errNo").asInt()).as(body.toString()).isZero();
        Map<String, Long> users = new TreeMap<>();
        body.path("users")
                .forEach(user -> users.put(
                        user.get("userId").asText(), user.get("connections").asLong()));
        assertThat(body.path("userCount").asInt()).isEqualTo(users.size());
        return users;
    }

    /** The users of the presence calls of {@code change} so far. */
    private List<String> presenceCalls(String change) {
        return functions.received("/presence").stream()
                .filter(call -> call.at("/websocket/event").asText().equals(change))
                .peek(call -> assertThat(call.at("/websocket/group").asText()).isEqualTo(GROUP))
                .map(call -> call.at("/websocket/userId").asText())
                .toList();
    }

    /** Frames each client received, by client id. */
    private final Map<String, List<JsonNode>> frames = new HashMap<>();

    private void survivorFramesSoFar(List<Client> survivors) {
        survivors.forEach(client -> framesOf(client, "join"));
    }

    /** The users of the presence frames of {@code change} that {@code client} received so far. */
    private List<String> framesOf(Client client, String change) {
        List<JsonNode> received = frames.computeIfAbsent(client.id(), id -> new ArrayList<>());
        for (WsClient.Message message = client.ws().poll(Duration.ofMillis(200));
                message != null;
                message = client.ws().poll(Duration.ofMillis(200))) {
            received.add(readTree(message.text()));
        }
        return received.stream()
                .map(frame -> frame.get("websocket"))
                .filter(frame -> frame.path("action").asText().equals("presence"))
                .filter(frame -> frame.path("event").asText().equals(change))
                .map(frame -> frame.path("userId").asText())
                .toList();
    }

    private static JsonNode readTree(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private static List<String> users(List<Client> clients) {
        return clients.stream().map(Client::user).distinct().toList();
    }

    private static JsonNode get(Node node, String path) throws Exception {
        return Json.mapper()
                .readTree(HTTP.send(request(node, path), HttpResponse.BodyHandlers.ofString())
                        .body());
    }

    private static HttpRequest request(Node node, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.pushPort() + path))
                .timeout(Duration.ofSeconds(10))
                .build();
    }
}
