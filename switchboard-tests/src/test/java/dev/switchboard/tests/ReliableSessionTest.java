package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.LimitsConfig;
import dev.switchboard.core.config.ReliableConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.TestGateway.PushResponse;
import dev.switchboard.testkit.WsClient;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Reliable sessions on one node, spoken by a protocol-level client: a socket reset in the middle
 * of two streams loses nothing and the functions never notice; a session whose client does not
 * come back in time ends with one cleanup; resumes with a wrong, spent or stale token are refused
 * with a {@code reset} frame and close code 4410.
 */
class ReliableSessionTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int MESSAGES = 10_000;

    private final StubFunctionServer functions = StubFunctionServer.start();
    private final ExecutorService pusher = Executors.newSingleThreadExecutor();
    private TestGateway gateway;
    private TcpProxy network;

    @AfterEach
    void stop() {
        pusher.shutdownNow();
        if (network != null) {
            network.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        functions.close();
    }

    private void start(ReliableConfig reliable) {
        gateway = TestGateway.start(GatewayConfig.builder()
                .limits(LimitsConfig.builder().messageRate(1_000_000).build())
                .route(RouteConfig.builder("/chat")
                        .register(functions.target("/register"))
                        .transfer(functions.target("/transfer"))
                        .cleanup(functions.target("/cleanup"))
                        .reliable(reliable)
                        .build()));
        network = TcpProxy.to(gateway.gateway().clientAddress().getPort());
    }

    private URI chat() {
        return URI.create("ws://127.0.0.1:" + network.port() + "/chat");
    }

    private List<String> transferred() {
        return ReliableStreams.transferred(functions);
    }

    private List<JsonNode> cleanupsOf(String id) {
        return functions.received("/cleanup").stream()
                .filter(event -> event.at("/websocket/secConnectionID").asText().equals(id))
                .toList();
    }

    /** Pushes {@code p-from} to {@code p-(to-1)} one after another; collects the answers. */
    private Future<?> push(String id, int from, int to, ConcurrentLinkedQueue<PushResponse> answers) {
        return pusher.submit(() -> {
            for (int i = from; i < to; i++) {
                answers.add(gateway.push(TestGateway.sendText(id, "p-" + i)));
            }
        });
    }

    @Test
    void aResetInTheMiddleOfTwoStreamsLosesNothingAndTheFunctionsNeverNotice() throws Exception {
        start(ReliableConfig.withWindow(Duration.ofSeconds(30))
                .withReplayLimits(20_000, 16 << 20, Duration.ofMinutes(5)));
        ReliableTestClient client = ReliableTestClient.open(chat());
        String id = client.session();
        ConcurrentLinkedQueue<PushResponse> answers = new ConcurrentLinkedQueue<>();

        // both streams run; the network fails when half of the first part has arrived
        Future<?> firstPushes = push(id, 0, MESSAGES / 2, answers);
        for (int i = 0; i < MESSAGES / 2; i++) {
            client.send("c-" + i);
            if (i == MESSAGES / 4) {
                client.awaitReceived(MESSAGES / 4, WAIT);
                network.cutAll();
            }
        }
        firstPushes.get();
        // while the client is away: pushes are queued, messages wait in the client
        push(id, MESSAGES / 2, MESSAGES * 6 / 10, answers).get();
        for (int i = MESSAGES / 2; i < MESSAGES * 6 / 10; i++) {
            client.send("c-" + i);
        }
        assertThat(answers).anySatisfy(answer -> {
            assertThat(answer.status()).isEqualTo(202);
            assertThat(answer.body().get("queued").asBoolean()).isTrue();
            assertThat(answer.errNo()).isZero();
        });

        JsonNode resumed = client.resume();
        assertThat(resumed.path("type").asText()).isEqualTo("resumed");
        assertThat(resumed.path("session").asText()).isEqualTo(id);
        Future<?> lastPushes = push(id, MESSAGES * 6 / 10, MESSAGES, answers);
        for (int i = MESSAGES * 6 / 10; i < MESSAGES; i++) {
            client.send("c-" + i);
        }
        lastPushes.get();
        client.awaitReceived(MESSAGES, WAIT);
        await().atMost(WAIT).until(() -> functions.received("/transfer").size() >= MESSAGES);

        ReliableStreams.assertIntact(client, functions, answers, id, MESSAGES);
        assertThat(gateway.gateway().openConnections()).isEqualTo(1);

        // a close frame still ends the session at once, as for any connection
        client.socket().close(1000, "bye");
        await().atMost(WAIT).until(() -> cleanupsOf(id).size() == 1);
        JsonNode cleanup = cleanupsOf(id).get(0);
        assertThat(cleanup.get("closedBy").asText()).isEqualTo("client");
        assertThat(cleanup.get("closeCode").asInt()).isEqualTo(1000);
        assertThat(cleanup.has("resumeExpired")).isFalse();
    }

    @Test
    void aSessionNotResumedWithinItsWindowEndsWithOneCleanupAndCannotBeResumedAfter() throws Exception {
        start(ReliableConfig.withWindow(Duration.ofMillis(800)));
        ReliableTestClient client = ReliableTestClient.open(chat());
        String id = client.session();
        client.send("hello");
        await().atMost(WAIT).until(() -> transferred().equals(List.of("hello")));

        network.cutAll();
        await().atMost(WAIT)
                .until(() -> gateway.push(TestGateway.sendText(id, "queued")).status() == 202);
        await().atMost(WAIT).until(() -> cleanupsOf(id).size() == 1);

        JsonNode cleanup = cleanupsOf(id).get(0);
        assertThat(cleanup.get("resumeExpired").asBoolean()).isTrue();
        assertThat(cleanup.get("closedBy").asText()).isEqualTo("client");
        assertThat(cleanup.get("closeCode").asInt()).isEqualTo(1006);
        assertThat(gateway.push(TestGateway.sendText(id, "late")).status()).isEqualTo(410);

        JsonNode reset = client.resume();
        assertThat(reset.path("type").asText()).isEqualTo("reset");
        assertThat(reset.path("errNo").asInt()).isEqualTo(4101);
        assertThat(client.socket().awaitClose(WAIT).code()).isEqualTo(4410);
        assertThat(cleanupsOf(id)).hasSize(1);
        assertThat(functions.received("/register")).hasSize(1);
    }

    @Test
    void wrongAndSpentTokensAreRefusedWhileTheSessionWaitsForItsClient() throws Exception {
        start(ReliableConfig.withWindow(Duration.ofSeconds(30)));
        ReliableTestClient client = ReliableTestClient.open(chat());
        String id = client.session();
        String firstToken = client.token();

        WsClient forged = WsClient.to(URI.create(chat() + "?sb-session=" + id + "&sb-token=guess&sb-seq=0"))
                .subprotocols(ReliableTestClient.SUBPROTOCOL)
                .open();
        JsonNode refused = json(forged.next(WAIT));
        assertThat(refused.path("type").asText()).isEqualTo("reset");
        assertThat(refused.path("errNo").asInt()).isEqualTo(4011);
        assertThat(forged.awaitClose(WAIT).code()).isEqualTo(4410);
        assertThat(client.isOpen()).isTrue();

        network.cutAll();
        assertThat(client.resume().path("type").asText()).isEqualTo("resumed");
        assertThat(client.token()).isNotEqualTo(firstToken);
        client.send("after resume");
        await().atMost(WAIT).until(() -> transferred().equals(List.of("after resume")));

        WsClient replay = WsClient.to(
                        URI.create(chat() + "?sb-session=" + id + "&sb-token=" + firstToken + "&sb-seq=0"))
                .subprotocols(ReliableTestClient.SUBPROTOCOL)
                .open();
        assertThat(json(replay.next(WAIT)).path("errNo").asInt()).isEqualTo(4011);
        assertThat(replay.awaitClose(WAIT).code()).isEqualTo(4410);
        assertThat(client.isOpen()).isTrue();
        assertThat(functions.received("/cleanup")).isEmpty();
    }

    @Test
    void aParkedSessionWhoseReplayBufferOverflowsEndsAtOnce() throws Exception {
        start(ReliableConfig.withWindow(Duration.ofSeconds(30)).withReplayLimits(10, 1 << 20, Duration.ofMinutes(5)));
        ReliableTestClient client = ReliableTestClient.open(chat());
        String id = client.session();
        network.cutAll();
        await().atMost(WAIT)
                .until(() -> gateway.push(TestGateway.sendText(id, "p")).status() == 202);

        int pushes = 0;
        PushResponse answer;
        do {
            answer = gateway.push(TestGateway.sendText(id, "p-" + pushes));
            pushes++;
        } while (answer.status() == 202 && pushes < 50);

        // the push that would have pushed an undelivered message out of the buffer is refused
        assertThat(answer.status()).isEqualTo(410);
        assertThat(pushes).isLessThanOrEqualTo(10);
        await().atMost(WAIT).until(() -> cleanupsOf(id).size() == 1);
        assertThat(cleanupsOf(id).get(0).get("resumeExpired").asBoolean()).isTrue();
        assertThat(gateway.push(TestGateway.sendText(id, "late")).status()).isEqualTo(410);
        JsonNode reset = client.resume();
        assertThat(reset.path("type").asText()).isEqualTo("reset");
        assertThat(reset.path("errNo").asInt()).isEqualTo(4101);
        assertThat(client.socket().awaitClose(WAIT).code()).isEqualTo(4410);
        assertThat(cleanupsOf(id)).hasSize(1);
    }

    @Test
    void aResumeAskingForMessagesThatLeftTheReplayBufferIsResetAndTheSessionEnds() throws Exception {
        start(ReliableConfig.withWindow(Duration.ofSeconds(30)).withReplayLimits(10, 1 << 20, Duration.ofMinutes(5)));
        ReliableTestClient client = ReliableTestClient.open(chat());
        String id = client.session();
        for (int i = 0; i < 20; i++) {
            assertThat(gateway.push(TestGateway.sendText(id, "p-" + i)).status())
                    .isEqualTo(200);
        }
        client.awaitReceived(20, WAIT);
        network.cutAll();

        // a client that lost messages 1 to 20 asks for them: the buffer kept only 11 to 20
        WsClient stale = WsClient.to(
                        URI.create(chat() + "?sb-session=" + id + "&sb-token=" + client.token() + "&sb-seq=0"))
                .subprotocols(ReliableTestClient.SUBPROTOCOL)
                .open();

        JsonNode reset = json(stale.next(WAIT));
        assertThat(reset.path("type").asText()).isEqualTo("reset");
        assertThat(reset.path("errNo").asInt()).isEqualTo(4091);
        assertThat(stale.awaitClose(WAIT).code()).isEqualTo(4410);
        await().atMost(WAIT).until(() -> cleanupsOf(id).size() == 1);
        assertThat(cleanupsOf(id).get(0).get("resumeExpired").asBoolean()).isTrue();
        assertThat(gateway.push(TestGateway.sendText(id, "late")).status()).isEqualTo(410);
    }

    @Test
    void aClientThatDoesNotOfferTheSubprotocolGetsAnOrdinaryConnection() {
        start(ReliableConfig.withWindow(Duration.ofSeconds(30)));
        WsClient plain = WsClient.open(chat());
        String id = functions
                .received("/register")
                .get(0)
                .at("/websocket/secConnectionID")
                .asText();
        assertThat(plain.subprotocol()).isNull();
        assertThat(gateway.push(TestGateway.sendText(id, "hi")).status()).isEqualTo(200);
        assertThat(plain.next(WAIT).text()).isEqualTo("hi");

        network.cutAll();

        await().atMost(WAIT).until(() -> cleanupsOf(id).size() == 1);
        assertThat(cleanupsOf(id).get(0).has("resumeExpired")).isFalse();
        assertThat(gateway.push(TestGateway.sendText(id, "late")).status()).isEqualTo(410);
    }

    private static JsonNode json(WsClient.Message message) {
        try {
            return dev.switchboard.core.json.Json.mapper().readTree(message.data());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
