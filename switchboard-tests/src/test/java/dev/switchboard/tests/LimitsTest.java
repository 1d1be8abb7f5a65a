package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.LimitsConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.core.json.Json;
import dev.switchboard.testkit.GatewayExtension;
import dev.switchboard.testkit.WsClient;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Client-side limits, each enforced with the status or close code a client can act on. */
class LimitsTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @RegisterExtension
    final GatewayExtension gateway = GatewayExtension.onSystemClock();

    private void start(LimitsConfig.Builder limits) {
        gateway.start(GatewayConfig.builder()
                .limits(limits.build())
                .route(RouteConfig.builder("/chat")
                        .transfer(gateway.functions().target("/transfer"))
                        .cleanup(gateway.functions().target("/cleanup"))
                        .build()));
    }

    @Test
    void handshakesFasterThanTheConnectRateAreRefusedWith429() throws Exception {
        start(LimitsConfig.builder().connectRatePerIp(5));

        int accepted = 0;
        WsClient.Refused refused = null;
        for (int i = 0; i < 50 && refused == null; i++) {
            try {
                gateway.closeAfter(WsClient.open(gateway.ws("/chat")));
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
            gateway.closeAfter(WsClient.open(gateway.ws("/chat")));
            return true;
        });
    }

    @Test
    void aClientSendingFasterThanTheMessageRateIsClosedWith1008() {
        start(LimitsConfig.builder().messageRate(20));
        WsClient flood = WsClient.open(gateway.ws("/chat"));
        WsClient calm = WsClient.open(gateway.ws("/chat"));
        gateway.closeAfter(flood);
        gateway.closeAfter(calm);

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
        await().atMost(WAIT)
                .until(() -> gateway.functions().received("/cleanup").size() == 1);
        JsonNode cleanup = gateway.functions().received("/cleanup").get(0);
        assertThat(cleanup.get("closeCode").asInt()).isEqualTo(1008);
        assertThat(cleanup.get("closedBy").asText()).isEqualTo("server");
        // the burst the bucket allows reached the function; the rest did not
        long floodMessages = gateway.functions().received("/transfer").stream()
                .filter(e -> e.at("/websocket/data").asText().startsWith("flood"))
                .count();
        assertThat(floodMessages).isBetween(20L, 40L);
        await().atMost(WAIT)
                .until(() -> gateway.functions().received("/transfer").stream()
                        .anyMatch(e -> e.at("/websocket/data").asText().equals("hello")));
        assertThat(calm.isOpen()).isTrue();
    }

    /** More than 50 pings a second (bursts of 50) is a flood, whether or not the pongs are read. */
    @Test
    void aClientPingingFasterThanFiftyASecondIsClosedWith1008PingFlood() throws Exception {
        start(LimitsConfig.builder());
        try (RawWebSocket client = RawWebSocket.open(gateway.ws("/chat").getPort(), "/chat")) {
            ByteArrayOutputStream pings = new ByteArrayOutputStream();
            for (int i = 0; i < 80; i++) {
                pings.writeBytes(RawWebSocket.frame(RawWebSocket.PING, RawWebSocket.utf8("ping " + i)));
            }
            client.write(pings.toByteArray());

            int pongs = 0;
            RawWebSocket.Frame frame;
            while ((frame = client.readFrame()).opcode() == RawWebSocket.PONG) {
                assertThat(frame.text()).isEqualTo("ping " + pongs);
                pongs++;
            }

            // the burst, plus what the bucket refilled while the gateway read it
            assertThat(pongs).isBetween(50, 60);
            assertThat(frame.opcode()).isEqualTo(RawWebSocket.CLOSE);
            assertThat(frame.closeCode()).isEqualTo(1008);
        }
        await().atMost(WAIT)
                .until(() -> gateway.functions().received("/cleanup").size() == 1);
        assertThat(gateway.functions()
                        .received("/cleanup")
                        .get(0)
                        .get("closeReason")
                        .asText())
                .isEqualTo("ping flood");
    }

    /** A client pinging well within the rate, for longer than one burst lasts, keeps every pong. */
    @Test
    void aClientPingingTwentyTimesASecondGetsEveryPongAndStaysOpen() throws Exception {
        start(LimitsConfig.builder());
        try (RawWebSocket client = RawWebSocket.open(gateway.ws("/chat").getPort(), "/chat")) {
            long next = System.nanoTime();
            for (int i = 0; i < 80; i++) {
                client.write(RawWebSocket.frame(RawWebSocket.PING, RawWebSocket.utf8("ping " + i)));
                RawWebSocket.Frame pong = client.readFrame();
                assertThat(pong.opcode()).isEqualTo(RawWebSocket.PONG);
                assertThat(pong.text()).isEqualTo("ping " + i);
                next += Duration.ofMillis(50).toNanos();
                LockSupport.parkNanos(next - System.nanoTime()); // the client's pace, not a wait
            }
            client.write(RawWebSocket.frame(RawWebSocket.TEXT, RawWebSocket.utf8("still here")));
            await().atMost(WAIT)
                    .until(() -> gateway.functions().received("/transfer").stream()
                            .anyMatch(e -> e.at("/websocket/data").asText().equals("still here")));
        }
    }

    /**
     * Once closed for a ping flood, a client is not read any more: the pings it goes on sending
     * stay in the kernel's buffers, bounded, instead of being read and dropped until
     * {@code close-timeout} on an event loop other clients share. Its socket is closed at
     * {@code close-timeout}, which ends its writes.
     */
    @Test
    void aClientClosedForAPingFloodIsNotReadAfterItsCloseFrame() throws Exception {
        Duration closeTimeout = Duration.ofSeconds(10);
        start(LimitsConfig.builder().outboundBufferBytes(64 * 1024).closeTimeout(closeTimeout));
        AtomicLong written = new AtomicLong();
        try (RawWebSocket flooder = RawWebSocket.open(gateway.ws("/chat").getPort(), "/chat")) {
            Thread writer = new Thread(() -> flooder.floodPings(written));
            writer.setDaemon(true);
            writer.start();
            await().atMost(WAIT)
                    .until(() -> gateway.functions().received("/cleanup").size() == 1);
            RawWebSocket.Frame frame;
            do {
                frame = flooder.readFrame();
            } while (frame.opcode() != RawWebSocket.CLOSE);
            long writtenAtClose = written.get();

            writer.join(closeTimeout.plus(WAIT).toMillis());

            assertThat(frame.closeCode()).isEqualTo(1008);
            assertThat(writer.isAlive())
                    .as("the flooder's writes end when its socket is closed")
                    .isFalse();
            // what loopback's kernel buffers can hold (32 MiB receive, 4 MiB send at most), not
            // the hundreds of MiB a gateway still reading would take in close-timeout
            assertThat(written.get() - writtenAtClose).isLessThan(64L << 20);
        }
        JsonNode cleanup = gateway.functions().received("/cleanup").get(0);
        assertThat(cleanup.get("closeCode").asInt()).isEqualTo(1008);
        assertThat(cleanup.get("closeReason").asText()).isEqualTo("ping flood");
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
        gateway.closeAfter(allowed);
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
