package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.ClusterConfig;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.LimitsConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.testkit.RedisServer;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.TestGateway.PushResponse;
import dev.switchboard.testkit.WsClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who is a member of the cluster, and when a node is ready, under the events that used to break
 * them: nodes that start together, and a Redis that forgets everything (a restart without
 * persistence, {@code FLUSHALL}). Every push answer is checked against what the clients
 * received: a 200 must count every member, each of which got the message exactly once.
 */
class ClusterMembershipTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Three JVMs starting at once on a busy machine take a while. */
    private static final Duration CHILD_START = Duration.ofMinutes(3);

    private static final Duration HEARTBEAT = Duration.ofMillis(500);
    private static final Duration TTL = Duration.ofSeconds(5);
    private static final Duration FORWARD_TIMEOUT = Duration.ofMillis(500);
    private static final int MEMBERS_PER_NODE = 5;
    private static final int ROUNDS = 3;
    private static final int PUSHES_PER_ROUND = 40;
    private static final String ROOM_PUSH =
            "{\"websocket\":{\"action\":\"data send\",\"group\":\"room\",\"dataType\":\"text\",\"data\":\"%s\"}}";
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private RedisServer redis;
    private final StubFunctionServer functions = StubFunctionServer.start();
    private final List<TestGateway> nodes = new ArrayList<>();
    private final List<WsClient> clients = new ArrayList<>();
    private final List<Process> children = new ArrayList<>();

    @BeforeEach
    void startRedis() {
        redis = RedisServer.start();
        functions.on("/register", ClusterClients::joinGroupOfQuery);
    }

    @AfterEach
    void stopAll() {
        clients.forEach(WsClient::close);
        nodes.forEach(TestGateway::close);
        children.forEach(Process::destroyForcibly);
        redis.close();
        functions.close();
    }

    @Test
    void nodesAreReadyWhenTheirPortsOpenAndAPushSent300MsLaterReachesAConnectionOnAnotherNode() throws Exception {
        List<ChildNode> three = List.of(childNode("node1"), childNode("node2"), childNode("node3"));
        for (ChildNode node : three) {
            children.add(node.start());
        }
        await().pollInterval(Duration.ofMillis(5))
                .atMost(CHILD_START)
                .until(() -> three.stream()
                        .allMatch(node ->
                                LocalPorts.listening(node.clientPort()) && LocalPorts.listening(node.pushPort())));
        long opened = System.nanoTime();
        for (ChildNode node : three) {
            // registered before its listeners opened: ready the moment a load balancer can probe it
            assertThat(get(node.pushPort(), "/readyz").statusCode())
                    .as(node.id())
                    .isEqualTo(200);
        }
        ChildNode a = three.get(0);
        ChildNode c = three.get(2);
        String id = connect(URI.create("ws://127.0.0.1:" + c.clientPort() + "/chat"));

        // the scenario's schedule: the push leaves 300 ms after the last port opened
        long sendAt = opened + Duration.ofMillis(300).toNanos();
        Thread.sleep(Math.max(0, (sendAt - System.nanoTime()) / 1_000_000));
        HttpResponse<String> answer = post(a.pushPort(), "/push", TestGateway.sendText(id, "hello from node1"));
        int readyz = get(a.pushPort(), "/readyz").statusCode();

        if (answer.statusCode() == 503) {
            assertThat(readyz)
                    .as("a 503 is honest only while the node says it is not ready")
                    .isEqualTo(503);
        } else {
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(clients.get(0).next(WAIT).text()).isEqualTo("hello from node1");
        }
    }

    @Test
    void groupPushesAfterRedisRestartsEmptyNeverAnswer200WithAMemberMissing() {
        List<TestGateway> three = threeNodesWithRoomMembers();
        List<Answer> answers = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            redis.kill();
            redis.restart();
            pushToRoom(three, "restart-" + round, answers);
        }
        assertEveryAnswerTellsTheTruth(three, answers);
    }

    @Test
    void groupPushesAfterFlushallNeverAnswer200WithAMemberMissingAndTheListingComesBack() {
        List<TestGateway> three = threeNodesWithRoomMembers();
        List<Answer> answers = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            redisCommand("FLUSHALL");
            pushToRoom(three, "flush-" + round, answers);
        }
        assertEveryAnswerTellsTheTruth(three, answers);
        for (TestGateway node : three) {
            await().atMost(WAIT)
                    .until(() -> node.send(HttpRequest.newBuilder(node.pushUri("/groups/room"))
                                            .build())
                                    .body()
                                    .path("size")
                                    .asInt()
                            == 3 * MEMBERS_PER_NODE);
        }
    }

    @Test
    void aNodeThatCannotReachRedisAtStartStartsDegradedAfterTheStartupTimeoutAndBecomesReady() {
        redis.kill();
        try (LogCapture log = LogCapture.attach()) {
            long started = System.nanoTime();
            TestGateway node = node("node-a", cluster().withStartupTimeout(Duration.ofMillis(600)));
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(600));
            assertThat(readyz(node)).isEqualTo(503);
            assertThat(log.lines().stream()
                            .filter(line -> line.startsWith("WARN") && line.contains("cluster.startup-timeout"))
                            .count())
                    .isEqualTo(1);
            redis.restart();
            await().atMost(WAIT).until(() -> readyz(node) == 200);
        }
    }

    /** One push answer and the text it carried. */
    private record Answer(String text, TestGateway via, PushResponse response) {}

    private List<TestGateway> threeNodesWithRoomMembers() {
        List<TestGateway> three = List.of(node("node-a"), node("node-b"), node("node-c"));
        for (TestGateway node : three) {
            await().atMost(WAIT).until(() -> readyz(node) == 200);
            await().atMost(WAIT).until(() -> node.gateway().clusterNodes().size() == 3);
        }
        for (TestGateway node : three) {
            for (int i = 0; i < MEMBERS_PER_NODE; i++) {
                connect(node.ws("/chat?group=room"));
            }
        }
        return three;
    }

    /** Pushes to the room through each node in turn, from the moment Redis has forgotten everything. */
    private void pushToRoom(List<TestGateway> three, String round, List<Answer> answers) {
        for (int i = 0; i < PUSHES_PER_ROUND; i++) {
            TestGateway via = three.get(i % three.size());
            String text = round + "-" + i;
            answers.add(new Answer(text, via, via.push(ROOM_PUSH.formatted(text))));
        }
        // the cluster settles: then a group push through any node reaches everyone
        for (TestGateway node : three) {
            await().atMost(WAIT).until(() -> readyz(node) == 200);
        }
        String settled = round + "-settled";
        PushResponse last = three.get(0).push(ROOM_PUSH.formatted(settled));
        assertThat(last.status()).as(last.body().toString()).isEqualTo(200);
        answers.add(new Answer(settled, three.get(0), last));
    }

    /**
     * A 200 counts every member and every member got it exactly once; a 503 names the nodes that
     * did not answer and never counts more than arrived.
     */
    private void assertEveryAnswerTellsTheTruth(List<TestGateway> three, List<Answer> answers) {
        int members = three.size() * MEMBERS_PER_NODE;
        Map<String, Integer> arrived = new HashMap<>();
        for (WsClient client : clients) {
            Map<String, Integer> mine = new HashMap<>();
            drain(client, message -> mine.merge(message.text(), 1, Integer::sum));
            mine.forEach((text, count) -> {
                assertThat(count).as("copies of %s at one member", text).isEqualTo(1);
                arrived.merge(text, 1, Integer::sum);
            });
        }
        System.out.printf(
                "%d group pushes: %d answered 200, %d answered 503%n",
                answers.size(),
                answers.stream().filter(a -> a.response().status() == 200).count(),
                answers.stream().filter(a -> a.response().status() == 503).count());
        for (Answer answer : answers) {
            JsonNode body = answer.response().body();
            int got = arrived.getOrDefault(answer.text(), 0);
            if (answer.response().status() == 200) {
                assertThat(body.path("delivered").asInt())
                        .as("push %s answered 200: %s", answer.text(), body)
                        .isEqualTo(members);
                assertThat(got).as("members that received %s", answer.text()).isEqualTo(members);
            } else {
                assertThat(answer.response().status()).as(body.toString()).isEqualTo(503);
                assertThat(body.path("unreachableNodes")).as(body.toString()).isNotEmpty();
                assertThat(body.path("delivered").asInt()).isLessThanOrEqualTo(got);
            }
        }
    }

    private static void drain(WsClient client, Consumer<WsClient.Message> each) {
        for (WsClient.Message message = client.poll(Duration.ofMillis(500));
                message != null;
                message = client.poll(Duration.ofMillis(300))) {
            each.accept(message);
        }
    }

    private ClusterConfig cluster() {
        return new ClusterConfig(
                redis.uri(), false, HEARTBEAT, TTL, FORWARD_TIMEOUT, ClusterConfig.DEFAULT_STARTUP_TIMEOUT);
    }

    private TestGateway node(String id) {
        return node(id, cluster());
    }

    private TestGateway node(String id, ClusterConfig cluster) {
        TestGateway node = TestGateway.start(GatewayConfig.builder()
                .nodeId(id)
                .cluster(cluster)
                .limits(LimitsConfig.builder().maxConnectionsPerIp(5000).build())
                .route(RouteConfig.builder("/chat")
                        .register(functions.target("/register"))
                        .cleanup(functions.target("/cleanup"))
                        .build()));
        nodes.add(node);
        return node;
    }

    private static int readyz(TestGateway node) {
        return node.send(HttpRequest.newBuilder(node.pushUri("/readyz")).build())
                .status();
    }

    private String connect(URI uri) {
        return ClusterClients.connect(functions, uri, clients);
    }

    /** A node run from the runnable jar on ports of its own, as users run it. */
    private record ChildNode(String id, int clientPort, int pushPort, Path config, Path log) {
        Process start() throws IOException {
            return AppJar.serve(config)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        }
    }

    private ChildNode childNode(String id) throws IOException {
        int clientPort = LocalPorts.free();
        int pushPort = LocalPorts.free();
        Path config = dir.resolve(id + ".yaml");
        Files.writeString(config, LocalPorts.clusterNodeConfig(id, clientPort, pushPort, redis, functions));
        return new ChildNode(id, clientPort, pushPort, config, dir.resolve(id + ".log"));
    }

    private static HttpResponse<String> post(int port, String path, String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Sends one inline command to the test's redis-server and checks it answered +OK. */
    private void redisCommand(String command) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), redis.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] answer = new byte[5];
            int read = in.read(answer);
            assertThat(new String(answer, 0, Math.max(0, read), StandardCharsets.US_ASCII))
                    .startsWith("+OK");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
