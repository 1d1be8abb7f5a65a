package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.CircuitBreakerConfig;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.LimitsConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.core.json.Json;
import dev.switchboard.testkit.GatewayExtension;
import dev.switchboard.testkit.StubFunctionServer.StubResponse;
import dev.switchboard.testkit.WsClient;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every timeout of a client connection, on a ticker that moves only when the test advances it.
 * The timeouts are an hour or more, so only the advance can make one fire within the test's
 * wait; what the test waits for is the network, never the clock.
 */
class TimeoutsOnManualTickerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration HOUR = Duration.ofHours(1);

    @RegisterExtension
    final GatewayExtension gateway = GatewayExtension.onManualTicker();

    private void start(LimitsConfig.Builder limits) {
        start(limits, RouteConfig.builder("/chat"));
    }

    private void start(LimitsConfig.Builder limits, RouteConfig.Builder route) {
        gateway.start(GatewayConfig.builder()
                .limits(limits.build())
                .route(route.transfer(gateway.functions().target("/transfer"))
                        .cleanup(gateway.functions().target("/cleanup"))
                        .build()));
    }

    private int port() {
        return gateway.ws("/chat").getPort();
    }

    private RawWebSocket raw(RawWebSocket socket) {
        gateway.closeAfter(socket);
        return socket;
    }

    private long transfers() {
        return gateway.functions().count("/transfer");
    }

    @Test
    void aSocketThatSendsNothingIsClosedAtTheHandshakeTimeout() {
        start(LimitsConfig.builder().handshakeTimeout(HOUR));
        RawWebSocket silent = raw(RawWebSocket.connect(port()));

        awaitEndAfterAnHour(silent);
    }

    /**
     * Awaits the gateway closing {@code socket} once an hour has passed since it accepted it. The
     * accept is not visible to the client, so the hour is advanced again until the socket ends.
     */
    private void awaitEndAfterAnHour(RawWebSocket socket) {
        await().atMost(WAIT).until(() -> {
            gateway.advance(HOUR);
            return socket.read(Duration.ofMillis(50)) == -1;
        });
    }

    @Test
    void anUpgradeRequestCutShortIsClosedAtTheHandshakeTimeout() {
        start(LimitsConfig.builder().handshakeTimeout(HOUR));
        RawWebSocket slow = raw(RawWebSocket.connect(port()));
        slow.write(RawWebSocket.utf8("GET /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: web"));

        awaitEndAfterAnHour(slow);
    }

    @Test
    void aConnectionWithoutMessagesIsClosedAtTheIdleTimeoutAndNotBefore() {
        start(LimitsConfig.builder().idleTimeout(HOUR).maxLifetime(Duration.ofHours(10)));
        WsClient client = gateway.open("/chat");

        gateway.advance(HOUR.minusSeconds(1));
        assertThat(gateway.node().openConnections()).isEqualTo(1);
        gateway.advance(Duration.ofSeconds(1));

        WsClient.Closed closed = client.awaitClose(WAIT);
        assertThat(closed.code()).isEqualTo(1001);
        assertThat(closed.reason()).isEqualTo("idle timeout");
        await().atMost(WAIT).until(() -> gateway.functions().count("/cleanup") == 1);
        assertThat(gateway.functions()
                        .received("/cleanup")
                        .get(0)
                        .get("closedBy")
                        .asText())
                .isEqualTo("idle-timeout");
    }

    @Test
    void aConnectionIsClosedAtItsRoutesMaxLifetimeEvenWhileActive() {
        start(
                LimitsConfig.builder().idleTimeout(Duration.ofHours(10)),
                RouteConfig.builder("/chat").maxLifetime(HOUR));
        WsClient client = gateway.open("/chat");
        client.sendText("busy");
        await().atMost(WAIT).until(() -> transfers() == 1);

        gateway.advance(HOUR);

        WsClient.Closed closed = client.awaitClose(WAIT);
        assertThat(closed.code()).isEqualTo(1001);
        assertThat(closed.reason()).isEqualTo("max lifetime reached");
    }

    @Test
    void aClientThatDoesNotAnswerThePingIsClosedWithNoPongOneIntervalLater() {
        Duration ping = Duration.ofSeconds(30);
        start(LimitsConfig.builder().pingInterval(ping).idleTimeout(Duration.ofHours(10)));
        WsClient client = gateway.open(WsClient.to(gateway.ws("/chat")).autoPong(false));

        gateway.advance(ping);
        await().atMost(WAIT).until(() -> client.pingsReceived() == 1);
        assertThat(gateway.node().openConnections()).isEqualTo(1);
        gateway.advance(ping);

        WsClient.Closed closed = client.awaitClose(WAIT);
        assertThat(closed.code()).isEqualTo(1001);
        assertThat(closed.reason()).isEqualTo("no pong");
    }

    @Test
    void aClientThatAnswersEveryPingStaysOpen() {
        Duration ping = Duration.ofSeconds(30);
        start(LimitsConfig.builder().pingInterval(ping).idleTimeout(Duration.ofHours(10)));
        WsClient client = gateway.open("/chat");

        for (int i = 1; i <= 5; i++) {
            gateway.advance(ping);
            int pings = i;
            await().atMost(WAIT).until(() -> client.pingsReceived() == pings);
            // the pong went out before this message, so once the function has it the pong is read
            client.sendText("after ping " + i);
            await().atMost(WAIT).until(() -> transfers() == pings);
        }

        assertThat(client.isOpen()).isTrue();
        assertThat(gateway.node().openConnections()).isEqualTo(1);
    }

    @Test
    void aClientThatNeverAnswersTheCloseFrameLosesItsSocketAtTheCloseTimeout() {
        start(LimitsConfig.builder().idleTimeout(HOUR).closeTimeout(HOUR).maxLifetime(Duration.ofHours(10)));
        RawWebSocket client = raw(RawWebSocket.open(port(), "/chat"));
        gateway.advance(HOUR);
        RawWebSocket.Frame close = client.readFrame();
        assertThat(close.opcode()).isEqualTo(RawWebSocket.CLOSE);
        assertThat(close.closeCode()).isEqualTo(1001);

        gateway.advance(HOUR);

        // the gateway's side is gone: what the client still sends is answered with a reset
        byte[] ping = RawWebSocket.frame(RawWebSocket.PING, new byte[0]);
        await().atMost(WAIT).until(() -> {
            try {
                client.write(ping);
                return false;
            } catch (UncheckedIOException reset) {
                return true;
            }
        });
    }

    @Test
    void aRefusedConnectRateIsAcceptedAgainTheNextSecond() throws Exception {
        start(LimitsConfig.builder().connectRatePerIp(2));
        gateway.open("/chat");
        gateway.open("/chat");
        WsClient.Refused refused = WsClient.to(gateway.ws("/chat")).refused();
        assertThat(refused.status()).isEqualTo(429);
        assertThat(Json.mapper().readTree(refused.body()).get("errNo").asInt()).isEqualTo(4292);

        gateway.advance(Duration.ofSeconds(1));

        assertThat(gateway.open("/chat").isOpen()).isTrue();
    }

    @Test
    void theMessageRateRefillsWithTime() {
        start(LimitsConfig.builder().messageRate(5));
        WsClient client = gateway.open("/chat");
        for (int i = 0; i < 5; i++) {
            client.sendText("first " + i);
        }
        await().atMost(WAIT).until(() -> transfers() == 5);

        gateway.advance(Duration.ofSeconds(1));
        for (int i = 0; i < 5; i++) {
            client.sendText("second " + i);
        }

        await().atMost(WAIT).until(() -> transfers() == 10);
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void thePingRateRefillsWithTime() {
        start(LimitsConfig.builder());
        RawWebSocket client = raw(RawWebSocket.open(port(), "/chat"));
        for (int burst = 0; burst < 2; burst++) {
            ByteArrayOutputStream pings = new ByteArrayOutputStream();
            for (int i = 0; i < 50; i++) {
                pings.writeBytes(RawWebSocket.frame(RawWebSocket.PING, RawWebSocket.utf8(burst + "/" + i)));
            }
            client.write(pings.toByteArray());
            for (int i = 0; i < 50; i++) {
                RawWebSocket.Frame pong = client.readFrame();
                assertThat(pong.opcode()).isEqualTo(RawWebSocket.PONG);
                assertThat(pong.text()).isEqualTo(burst + "/" + i);
            }
            gateway.advance(Duration.ofSeconds(1));
        }
        assertThat(gateway.node().openConnections()).isEqualTo(1);
    }

    @Test
    void anOpenCircuitLetsAProbeThroughOnlyAfterOpenFor() throws Exception {
        gateway.functions().on("/register", event -> StubResponse.json(503, "{\"errMsg\":\"down\"}"));
        start(
                LimitsConfig.builder(),
                RouteConfig.builder("/chat")
                        .register(gateway.functions().target("/register"))
                        .circuitBreaker(new CircuitBreakerConfig(2, HOUR)));
        for (int i = 0; i < 3; i++) {
            assertThat(refusedErrNo()).isEqualTo(4031);
        }
        assertThat(gateway.functions().count("/register"))
                .as("calls before the circuit opened")
                .isEqualTo(2);

        gateway.advance(HOUR);
        assertThat(refusedErrNo()).isEqualTo(4031);

        assertThat(gateway.functions().count("/register"))
                .as("the probe reached the function")
                .isEqualTo(3);
    }

    private int refusedErrNo() throws Exception {
        JsonNode body = Json.mapper()
                .readTree(WsClient.to(gateway.ws("/chat")).refused().body());
        return body.get("errNo").asInt();
    }
}
