package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.LimitsConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.core.json.Json;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Client-side limits, each enforced with the status or close code a client can act on. */
class LimitsTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final StubFunctionServer functions = StubFunctionServer.start();
    private TestGateway gateway;
    private final List<WsClient> clients = new ArrayList<>();

    @AfterEach
    void stop() {
        clients.forEach(WsClient::close);
        if (gateway != null) {
            gateway.close();
        }
        functions.close();
    }

    private void start(LimitsConfig.Builder limits) {
        gateway = TestGateway.start(GatewayConfig.builder()
                .limits(limits.build())
                .route(RouteConfig.builder("/chat")
                        .transfer(functions.target("/transfer"))
                        .cleanup(functions.target("/cleanup"))
                        .build()));
    }

    @Test
    void handshakesFasterThanTheConnectRateAreRefusedWith429() throws Exception {
        start(LimitsConfig.builder().connectRatePerIp(5));

        int accepted = 0;
        WsClient.Refused refused = null;
        for (int i = 0; i < 50 && refused == null; i++) {
            try {
                clients.add(WsClient.open(gateway.ws("/chat")));
                accepted++;
            } catch (WsClient.RefusedException e) {
                refused = e.refused();
            }
        }

        assertThat(refused).as("a refusal within 50 handshakes").isNotNull();
        assertThat(refused.status()).isEqualTo(429);
        JsonNode body = Json.mapper().readTree(refused.body());
        assertThat(body.get("errNo").asInt()).isEqualTo(4292);
        assertThat(body.get("errMsg").asText()).contains("connect-rate-per-ip");
        // at most one window's worth (5) plus the next window's, when the loop crossed a second
        assertThat(accepted).isBetween(5, 10);
        // the refusal lasts only as long as the window
        await().atMost(WAIT).ignoreExceptions().until(() -> {
            clients.add(WsClient.open(gateway.ws("/chat")));
            return true;
        });
    }

    @Test
    void aClientSendingFasterThanTheMessageRateIsClosedWith1008() {
        start(LimitsConfig.builder().messageRate(20));
        WsClient flood = WsClient.open(gateway.ws("/chat"));
        WsClient calm = WsClient.open(gateway.ws("/chat"));
        clients.add(flood);
        clients.add(calm);

        try {
            for (int i = 0; i < 200 && flood.isOpen(); i++) {
                flood.sendText("flood " + i);
            }
        } catch (Exception closedWhileSending) {
            // the gateway closed the connection mid-flood: that is what is being tested
        }
        WsClient.Closed closed = flood.awaitClose(WAIT);
        calm.sendText("hello");

        assertThat(closed.code()).isEqualTo(1008);
        assertThat(closed.reason()).isEqualTo("message rate exceeded");
        await().atMost(WAIT).until(() -> functions.received("/cleanup").size() == 1);
        JsonNode cleanup = functions.received("/cleanup").get(0);
        assertThat(cleanup.get("closeCode").asInt()).isEqualTo(1008);
        assertThat(cleanup.get("closedBy").asText()).isEqualTo("server");
        // the burst the bucket allows reached the function; the rest did not
        long floodMessages = functions.received("/transfer").stream()
                .filter(e -> e.at("/websocket/data").asText().startsWith("flood"))
                .count();
        assertThat(floodMessages).isBetween(20L, 40L);
        await().atMost(WAIT)
                .until(() -> functions.received("/transfer").stream()
                        .anyMatch(e -> e.at("/websocket/data").asText().equals("hello")));
        assertThat(calm.isOpen()).isTrue();
    }

    @Test
    void originsOutsideTheAllowListAreRefusedWith403() throws Exception {
        start(LimitsConfig.builder().allowedOrigins(List.of("https://app.example.com")));

        WsClient.Refused refused = WsClient.to(gateway.ws("/chat"))
                .header("Origin", "https://evil.example")
                .refused();
        WsClient allowed = WsClient.to(gateway.ws("/chat"))
                .header("Origin", "https://app.example.com")
                .open();
        clients.add(allowed);
        // the JDK client sends no Origin, as non-browser clients do
        java.net.http.WebSocket noOrigin = java.net.http.HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .buildAsync(gateway.ws("/chat"), new java.net.http.WebSocket.Listener() {})
                .get(15, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(refused.status()).isEqualTo(403);
        assertThat(Json.mapper().readTree(refused.body()).get("errNo").asInt()).isEqualTo(4033);
        assertThat(allowed.isOpen()).isTrue();
        assertThat(noOrigin.isOutputClosed()).isFalse();
        noOrigin.abort();
    }
}
