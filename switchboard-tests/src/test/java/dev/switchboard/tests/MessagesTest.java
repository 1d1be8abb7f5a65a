package dev.switchboard.tests;

import static dev.switchboard.testkit.StubFunctionServer.StubResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.LimitsConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.core.config.TencentDialectConfig;
import dev.switchboard.testkit.GatewayExtension;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Messages from clients to the transfer function, and replies back. */
class MessagesTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    final GatewayExtension gateway = GatewayExtension.onSystemClock();

    private RouteConfig.Builder route() {
        return RouteConfig.builder("/chat")
                .register(gateway.functions().target("/register"))
                .transfer(gateway.functions().target("/transfer"))
                .cleanup(gateway.functions().target("/cleanup"));
    }

    private static StubResponse echoReply(JsonNode event) {
        var body = StubFunctionServer.json();
        body.putObject("reply")
                .put("dataType", event.at("/websocket/dataType").asText())
                .put("data", event.at("/websocket/data").asText());
        return StubResponse.json(body);
    }

    @Test
    void textAndBinaryMessagesReachTheTransferFunctionWithTheDocumentedFields() {
        gateway.functions()
                .on(
                        "/register",
                        event -> StubResponse.json(StubFunctionServer.json()
                                .put("errNo", 0)
                                .set("context", StubFunctionServer.json().put("userId", "u42"))));
        gateway.start(route().build());

        try (WsClient client = WsClient.open(gateway.ws("/chat"))) {
            client.sendText("héllo \"world\"\n");
            client.sendBinary(new byte[] {0, 1, 2, (byte) 255});
            await().atMost(WAIT)
                    .until(() -> gateway.functions().received("/transfer").size() == 2);
        }

        String id = gateway.functions()
                .received("/register")
                .get(0)
                .at("/websocket/secConnectionID")
                .asText();
        JsonNode text = gateway.functions().received("/transfer").get(0);
        assertThat(text.at("/websocket/action").asText()).isEqualTo("data send");
        assertThat(text.at("/websocket/secConnectionID").asText()).isEqualTo(id);
        assertThat(text.at("/websocket/dataType").asText()).isEqualTo("text");
        assertThat(text.at("/websocket/data").asText()).isEqualTo("héllo \"world\"\n");
        assertThat(text.at("/requestContext/path").asText()).isEqualTo("/chat");
        assertThat(text.at("/context/userId").asText()).isEqualTo("u42");
        JsonNode binary = gateway.functions().received("/transfer").get(1);
        assertThat(binary.at("/websocket/dataType").asText()).isEqualTo("binary");
        assertThat(Base64.getDecoder().decode(binary.at("/websocket/data").asText()))
                .containsExactly(0, 1, 2, 255);
        assertThat(text.at("/requestContext/requestId").asText())
                .isNotEqualTo(binary.at("/requestContext/requestId").asText());
    }

    @Test
    void transferActionCanBeTheOlderDataRecv() {
        gateway.start(route().dialect(TencentDialectConfig.builder()
                        .transferAction("data recv")
                        .build())
                .build());

        try (WsClient client = WsClient.open(gateway.ws("/chat"))) {
            client.sendText("x");
            await().atMost(WAIT)
                    .until(() -> gateway.functions().received("/transfer").size() == 1);
        }
        assertThat(gateway.functions()
                        .received("/transfer")
                        .get(0)
                        .at("/websocket/action")
                        .asText())
                .isEqualTo("data recv");
    }

    @Test
    void tenThousandMessagesOnOneConnectionArriveInOrder() {
        gateway.start(route().build());
        int count = 10_000;

        try (WsClient client = WsClient.open(gateway.ws("/chat"))) {
            for (int i = 0; i < count; i++) {
                client.sendText(Integer.toString(i));
            }
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> gateway.functions().received("/transfer").size() >= count);
        }

        List<JsonNode> received = gateway.functions().received("/transfer");
        assertThat(received).hasSize(count);
        for (int i = 0; i < count; i++) {
            assertThat(received.get(i).at("/websocket/data").asText()).isEqualTo(Integer.toString(i));
        }
    }

    @Test
    void aThousandConcurrentConnectionsLoseAndDuplicateNothing() {
        gateway.functions().on("/transfer", MessagesTest::echoReply);
        // every client comes from 127.0.0.1, faster than the default connect rate per IP
        gateway.start(GatewayConfig.builder()
                .limits(LimitsConfig.builder().connectRatePerIp(100_000).build())
                .route(route().build()));
        int connections = 1000;
        int perConnection = 5;

        List<WsClient> clients = new ArrayList<>();
        try {
            for (int c = 0; c < connections; c++) {
                clients.add(WsClient.open(gateway.ws("/chat")));
            }
            for (int m = 0; m < perConnection; m++) {
                for (int c = 0; c < connections; c++) {
                    clients.get(c).sendText(c + ":" + m);
                }
            }
            for (int c = 0; c < connections; c++) {
                int client = c;
                List<String> replies = clients.get(c).next(perConnection, WAIT).stream()
                        .map(WsClient.Message::text)
                        .toList();
                assertThat(replies)
                        .containsExactlyElementsOf(IntStream.range(0, perConnection)
                                .mapToObj(m -> client + ":" + m)
                                .toList());
            }
            for (WsClient client : clients) {
                assertThat(client.poll(Duration.ZERO)).isNull();
            }
        } finally {
            clients.forEach(WsClient::close);
        }

        List<JsonNode> received = gateway.functions().received("/transfer");
        assertThat(received).hasSize(connections * perConnection);
        Set<String> unique = new HashSet<>();
        received.forEach(event -> unique.add(event.at("/websocket/data").asText()));
        assertThat(unique).hasSize(connections * perConnection);
    }

    @Test
    void replyExtensionAnswersTheSender() {
        gateway.functions().on("/transfer", MessagesTest::echoReply);
        gateway.start(route().build());

        try (WsClient client = WsClient.open(gateway.ws("/chat"))) {
            client.sendText("ping");
            assertThat(client.next(WAIT).text()).isEqualTo("ping");
            client.sendBinary(new byte[] {9, 8, 7});
            WsClient.Message binary = client.next(WAIT);
            assertThat(binary.isText()).isFalse();
            assertThat(binary.data()).containsExactly(9, 8, 7);
        }
    }

    @Test
    void transferThatReturnsTheEventItselfSendsNothing() {
        gateway.functions().on("/transfer", StubResponse::json);
        gateway.start(route().build());

        try (WsClient client = WsClient.open(gateway.ws("/chat"))) {
            client.sendText("do not echo me");
            await().atMost(WAIT)
                    .until(() -> gateway.functions().received("/transfer").size() == 1);
            String id = gateway.functions()
                    .received("/register")
                    .get(0)
                    .at("/websocket/secConnectionID")
                    .asText();
            // a push sent after the transfer answered: the next thing the client sees must be it
            assertThat(gateway.push(TestGateway.sendText(id, "marker")).status())
                    .isEqualTo(200);
            assertThat(client.next(WAIT).text()).isEqualTo("marker");
        }
    }

    @Test
    void aFullQueueStopsReadingInsteadOfDroppingMessages() {
        gateway.functions().on("/transfer", event -> StubResponse.ok().after(Duration.ofMillis(20)));
        LimitsConfig limits = LimitsConfig.builder()
                .inboundQueueMessages(4)
                .inboundQueueBytes(1024)
                .build();
        gateway.start(GatewayConfig.builder().limits(limits).route(route().build()));
        int count = 100;

        try (WsClient client = WsClient.open(gateway.ws("/chat"))) {
            for (int i = 0; i < count; i++) {
                client.sendText("m" + i + " " + "x".repeat(200));
            }
            await().atMost(WAIT)
                    .until(() -> gateway.functions().received("/transfer").size() >= count);
        }

        List<JsonNode> received = gateway.functions().received("/transfer");
        assertThat(received).hasSize(count);
        for (int i = 0; i < count; i++) {
            assertThat(received.get(i).at("/websocket/data").asText()).startsWith("m" + i + " ");
        }
    }
}
