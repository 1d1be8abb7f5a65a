package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.PushConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.core.function.FunctionTarget.Language;
import dev.switchboard.core.json.Json;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Python and Node handlers run by the gateway's own worker processes pass the lifecycle that HTTP
 * functions pass: accept and refuse, subprotocol, ordered messages, push from inside a handler,
 * cleanup exactly once.
 */
class ProcessRuntimeLifecycleTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final StubFunctionServer recorder = StubFunctionServer.start();
    private final LogCapture logs = LogCapture.attach();
    private TestGateway gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        recorder.close();
        logs.close();
    }

    private static RouteConfig route(Language language) {
        return RouteConfig.builder("/chat")
                .register(Handlers.lifecycle(language, "register"))
                .transfer(Handlers.lifecycle(language, "transfer"))
                .cleanup(Handlers.lifecycle(language, "cleanup"))
                .build();
    }

    private void start(Language language) {
        gateway = TestGateway.start(route(language));
    }

    private WsClient connect() {
        return WsClient.open(gateway.ws("/chat?recorder=" + recorder.url("/cleanup")));
    }

    private static String ask(WsClient client, String text) {
        client.sendText(text);
        return client.next(WAIT).text();
    }

    @ParameterizedTest
    @EnumSource(Language.class)
    void registrationAcceptsWithTheSubprotocolItChose(Language language) {
        start(language);

        try (WsClient client =
                WsClient.to(gateway.ws("/chat")).subprotocols("chat, superchat").open()) {
            assertThat(client.subprotocol()).isEqualTo("chat");
            assertThat(ask(client, "hello")).isEqualTo("hello");
        }
    }

    @ParameterizedTest
    @EnumSource(Language.class)
    void registrationRefusesWithItsErrNoAndNeverCleansUp(Language language) {
        start(language);

        WsClient.Refused refused = WsClient.to(gateway.ws("/chat?refuse=4003&recorder=" + recorder.url("/cleanup")))
                .refused();

        assertThat(refused.status()).isEqualTo(403);
        JsonNode body = Json.mapper().valueToTree(Json.mapper().nullNode());
        try {
            body = Json.mapper().readTree(refused.body());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        assertThat(body.path("errNo").asInt()).isEqualTo(4003);
        assertThat(body.path("errMsg").asText())
                .isEqualTo(
                        "refused by " + Handlers.lifecycle(language, "register").spec());
        try (WsClient probe = connect()) {
            String probeId = ask(probe, "id");
            probe.close(1000, "probe");
            await().atMost(WAIT).until(() -> recorder.received("/cleanup").size() == 1);
            assertThat(recorder.received("/cleanup")
                            .get(0)
                            .at("/websocket/secConnectionID")
                            .asText())
                    .isEqualTo(probeId);
        }
    }

    @ParameterizedTest
    @EnumSource(Language.class)
    void messagesReachTheHandlerOneAtATimeInTheOrderSent(Language language) {
        start(language);
        int count = 300;

        try (WsClient client = connect()) {
            IntStream.range(0, count).forEach(i -> client.sendText("m" + i));
            List<String> replies = client.next(count, WAIT).stream()
                    .map(WsClient.Message::text)
                    .toList();
            assertThat(replies)
                    .containsExactlyElementsOf(
                            IntStream.range(0, count).mapToObj(i -> "m" + i).toList());
        }
    }

    @ParameterizedTest
    @EnumSource(Language.class)
    void handlerPushesThroughThePushUrlAndTokenInItsEnvironment(Language language) {
        gateway = TestGateway.start(GatewayConfig.builder()
                .push(PushConfig.defaults().withToken("s3cret-token"))
                .route(route(language)));

        try (WsClient client = connect()) {
            client.sendText("push:through the push API");
            assertThat(client.next(WAIT).text()).isEqualTo("pushed:through the push API");
        }
    }

    @ParameterizedTest
    @EnumSource(Language.class)
    void cleanupRunsExactlyOnceWithTheCloseAndTheContext(Language language) {
        start(language);

        String id;
        try (WsClient client = connect()) {
            id = ask(client, "id");
            client.close(4001, "bye");
            client.awaitClose(WAIT);
        }
        await().atMost(WAIT).until(() -> recorder.received("/cleanup").size() == 1);
        try (WsClient probe = connect()) {
            String probeId = ask(probe, "id");
            probe.close(1000, "probe");
            await().atMost(WAIT).until(() -> recorder.received("/cleanup").size() == 2);
            assertThat(recorder.received("/cleanup")
                            .get(1)
                            .at("/websocket/secConnectionID")
                            .asText())
                    .isEqualTo(probeId);
        }
        JsonNode cleanup = recorder.received("/cleanup").get(0);
        assertThat(cleanup.at("/websocket/action").asText()).isEqualTo("closing");
        assertThat(cleanup.at("/websocket/secConnectionID").asText()).isEqualTo(id);
        assertThat(cleanup.path("closeCode").asInt()).isEqualTo(4001);
        assertThat(cleanup.path("closeReason").asText()).isEqualTo("bye");
        assertThat(cleanup.path("closedBy").asText()).isEqualTo("client");
        assertThat(cleanup.at("/context/recorder").asText()).isEqualTo(recorder.url("/cleanup"));
    }

    @ParameterizedTest
    @EnumSource(Language.class)
    void contextCarriesTheScfFields(Language language) throws Exception {
        start(language);

        try (WsClient client = connect()) {
            JsonNode context = Json.mapper().readTree(ask(client, "context"));
            String function = Handlers.lifecycle(language, "transfer").spec();
            assertThat(context.path("function_name").asText()).isEqualTo(function);
            assertThat(context.path("attribute").asText()).isEqualTo(function);
            assertThat(context.path("request_id").asText())
                    .isNotEmpty()
                    .isEqualTo(context.path("requestContextId").asText());
            assertThat(context.path("time_limit_in_ms").asLong())
                    .isEqualTo(RouteConfig.DEFAULT_TRANSFER_TIMEOUT.toMillis());
            assertThat(context.path("memory_limit_in_mb").asInt()).isEqualTo(128);
        }
    }

    @ParameterizedTest
    @EnumSource(Language.class)
    void printedLinesReachTheGatewayLogTaggedWithFunctionAndConnection(Language language) {
        start(language);

        try (WsClient client = connect()) {
            String id = ask(client, "id");
            assertThat(ask(client, "print:hello from the handler")).isEqualTo("printed");
            String function = Handlers.lifecycle(language, "transfer").spec();
            // the answer comes after the line on the same socket, so the line is already logged
            assertThat(logs.has(function + " conn=" + id + " stdout: hello from the handler"))
                    .as("log lines: %s", logs.lines())
                    .isTrue();
        }
    }
}
