package dev.switchboard.tests;

import static dev.switchboard.testkit.StubFunctionServer.StubResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.LimitsConfig;
import dev.switchboard.core.config.OnTransferError;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.testkit.GatewayExtension;
import dev.switchboard.testkit.WsClient;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every way a connection ends produces exactly one cleanup invocation with the close code, reason
 * and {@code closedBy} that describe it.
 */
class CleanupTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @RegisterExtension
    final GatewayExtension gateway = GatewayExtension.onSystemClock();

    private RouteConfig.Builder route() {
        return RouteConfig.builder("/chat")
                .register(gateway.functions().target("/register"))
                .transfer(gateway.functions().target("/transfer"))
                .cleanup(gateway.functions().target("/cleanup"));
    }

    private void start(LimitsConfig.Builder limits) {
        start(GatewayConfig.builder().limits(limits.build()), route());
    }

    private void start(GatewayConfig.Builder config, RouteConfig.Builder route) {
        gateway.start(config.route(route.build()));
    }

    private String lastRegisteredId() {
        List<JsonNode> registered = gateway.functions().received("/register");
        return registered
                .get(registered.size() - 1)
                .at("/websocket/secConnectionID")
                .asText();
    }

    /**
     * Waits for the one cleanup of {@code id}, then makes sure no second one follows: a later
     * connection's cleanup is awaited, and by then a duplicate would have arrived too.
     */
    private JsonNode onlyCleanupOf(String id) {
        await().atMost(WAIT).until(() -> cleanupsOf(id).size() >= 1);
        try (WsClient probe = WsClient.open(gateway.ws("/chat"))) {
            String probeId = lastRegisteredId();
            probe.close(1000, "probe");
            await().atMost(WAIT).until(() -> cleanupsOf(probeId).size() == 1);
        }
        assertThat(cleanupsOf(id)).hasSize(1);
        return cleanupsOf(id).get(0);
    }

    private List<JsonNode> cleanupsOf(String id) {
        return gateway.functions().received("/cleanup").stream()
                .filter(event -> event.at("/websocket/secConnectionID").asText().equals(id))
                .toList();
    }

    private static void assertCause(JsonNode cleanup, int code, String closedBy) {
        assertThat(cleanup.at("/websocket/action").asText()).isEqualTo("closing");
        assertThat(cleanup.get("closeCode").asInt()).isEqualTo(code);
        assertThat(cleanup.get("closedBy").asText()).isEqualTo(closedBy);
    }

    @Test
    void clientClose() {
        start(LimitsConfig.builder());
        WsClient client = WsClient.open(gateway.ws("/chat"));
        String id = lastRegisteredId();

        client.close(4001, "leaving");
        WsClient.Closed closed = client.awaitClose(WAIT);

        assertThat(closed.code()).isEqualTo(4001);
        JsonNode cleanup = onlyCleanupOf(id);
        assertCause(cleanup, 4001, "client");
        assertThat(cleanup.get("closeReason").asText()).isEqualTo("leaving");
        assertThat(cleanup.at("/requestContext/path").asText()).isEqualTo("/chat");
    }

    @Test
    void abruptTcpDrop() {
        start(LimitsConfig.builder());
        WsClient client = WsClient.open(gateway.ws("/chat"));
        String id = lastRegisteredId();

        client.abort();

        assertCause(onlyCleanupOf(id), 1006, "client");
    }

    @Test
    void idleTimeout() {
        start(LimitsConfig.builder().idleTimeout(Duration.ofMillis(500)));
        WsClient client = WsClient.open(gateway.ws("/chat"));
        String id = lastRegisteredId();

        WsClient.Closed closed = client.awaitClose(WAIT);

        assertThat(closed.code()).isEqualTo(1001);
        assertThat(closed.reason()).isEqualTo("idle timeout");
        assertCause(onlyCleanupOf(id), 1001, "idle-timeout");
    }

    @Test
    void messagesKeepAConnectionFromIdling() {
        start(LimitsConfig.builder().idleTimeout(Duration.ofMillis(800)));
        try (WsClient client = WsClient.open(gateway.ws("/chat"))) {
            long end = System.nanoTime() + Duration.ofMillis(2000).toNanos();
            int sent = 0;
            while (System.nanoTime() < end) {
                client.sendText("keepalive " + sent++);
                int expected = sent;
                await().atMost(WAIT)
                        .until(() -> gateway.functions().received("/transfer").size() >= expected);
                assertThat(client.poll(Duration.ofMillis(200))).isNull();
            }
            assertThat(client.isOpen()).isTrue();
        }
    }

    @Test
    void maxLifetime() {
        start(LimitsConfig.builder().maxLifetime(Duration.ofMillis(600)));
        WsClient client = WsClient.open(gateway.ws("/chat"));
        String id = lastRegisteredId();

        WsClient.Closed closed = client.awaitClose(WAIT);

        assertThat(closed.code()).isEqualTo(1001);
        assertCause(onlyCleanupOf(id), 1001, "max-lifetime");
    }

    @Test
    void unansweredPingCloses() {
        start(LimitsConfig.builder().pingInterval(Duration.ofMillis(300)));
        WsClient silent = WsClient.to(gateway.ws("/chat")).autoPong(false).open();
        String id = lastRegisteredId();
        try (WsClient polite = WsClient.open(gateway.ws("/chat"))) {
            WsClient.Closed closed = silent.awaitClose(WAIT);

            assertThat(closed.code()).isEqualTo(1001);
            assertThat(silent.pingsReceived()).isGreaterThanOrEqualTo(1);
            assertCause(cleanupsAwaited(id), 1001, "server");
            assertThat(polite.pingsReceived()).isGreaterThanOrEqualTo(1);
            assertThat(polite.isOpen()).isTrue();
        }
    }

    private JsonNode cleanupsAwaited(String id) {
        await().atMost(WAIT).until(() -> cleanupsOf(id).size() == 1);
        return cleanupsOf(id).get(0);
    }

    @Test
    void messageTooBig() {
        start(LimitsConfig.builder().maxMessageBytes(1024));
        WsClient client = WsClient.open(gateway.ws("/chat"));
        String id = lastRegisteredId();

        client.sendText("x".repeat(2048));
        WsClient.Closed closed = client.awaitClose(WAIT);

        assertThat(closed.code()).isEqualTo(1009);
        assertCause(onlyCleanupOf(id), 1009, "server");
        assertThat(gateway.functions().received("/transfer")).isEmpty();
    }

    @Test
    void fragmentedMessageTooBigAfterReassembly() {
        start(LimitsConfig.builder().maxMessageBytes(1024));
        WsClient client = WsClient.open(gateway.ws("/chat"));
        String id = lastRegisteredId();

        client.send(new TextWebSocketFrame(false, 0, "a".repeat(700)));
        client.send(new io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame(true, 0, "b".repeat(700)));
        WsClient.Closed closed = client.awaitClose(WAIT);

        assertThat(closed.code()).isEqualTo(1009);
        assertCause(onlyCleanupOf(id), 1009, "server");
    }

    @Test
    void fragmentsWithinTheLimitArriveAsOneMessage() {
        start(LimitsConfig.builder());
        try (WsClient client = WsClient.open(gateway.ws("/chat"))) {
            client.send(new TextWebSocketFrame(false, 0, "hel"));
            client.send(new io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame(false, 0, "lo "));
            client.send(new io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame(true, 0, "world"));
            await().atMost(WAIT)
                    .until(() -> gateway.functions().received("/transfer").size() == 1);
        }
        assertThat(gateway.functions()
                        .received("/transfer")
                        .get(0)
                        .at("/websocket/data")
                        .asText())
                .isEqualTo("hello world");
    }

    @Test
    void invalidUtf8InATextMessage() {
        start(LimitsConfig.builder());
        WsClient client = WsClient.open(gateway.ws("/chat"));
        String id = lastRegisteredId();

        client.send(new TextWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {'o', 'k', (byte) 0xC3, (byte) 0x28})));
        WsClient.Closed closed = client.awaitClose(WAIT);

        assertThat(closed.code()).isEqualTo(1007);
        assertCause(onlyCleanupOf(id), 1007, "server");
        assertThat(gateway.functions().received("/transfer")).isEmpty();
    }

    @Test
    void transferFailureUnderTheClosePolicy() {
        gateway.functions().on("/transfer", event -> StubResponse.json(500, "{}"));
        start(LimitsConfig.builder());
        WsClient client = WsClient.open(gateway.ws("/chat"));
        String id = lastRegisteredId();

        client.sendText("boom");
        WsClient.Closed closed = client.awaitClose(WAIT);

        assertThat(closed.code()).isEqualTo(1011);
        assertCause(onlyCleanupOf(id), 1011, "transfer-error");
    }

    @Test
    void transferTimeoutUnderTheClosePolicy() {
        gateway.functions().on("/transfer", event -> StubResponse.ok().after(Duration.ofSeconds(5)));
        start(GatewayConfig.builder(), route().transferTimeout(Duration.ofMillis(300)));
        WsClient client = WsClient.open(gateway.ws("/chat"));
        String id = lastRegisteredId();

        client.sendText("slow");

        assertThat(client.awaitClose(WAIT).code()).isEqualTo(1011);
        assertCause(cleanupsAwaited(id), 1011, "transfer-error");
    }

    @Test
    void transferFailureUnderTheIgnorePolicyKeepsTheConnection() {
        AtomicInteger calls = new AtomicInteger();
        gateway.functions()
                .on(
                        "/transfer",
                        event -> calls.incrementAndGet() == 1 ? StubResponse.json(500, "{}") : StubResponse.ok());
        start(GatewayConfig.builder(), route().onTransferError(OnTransferError.IGNORE));
        try (WsClient client = WsClient.open(gateway.ws("/chat"))) {
            client.sendText("first fails");
            client.sendText("second works");
            await().atMost(WAIT)
                    .until(() -> gateway.functions().received("/transfer").size() == 2);
            assertThat(client.isOpen()).isTrue();
        }
    }

    @Test
    void serverShutdownClosesWith1001AndDeliversEveryCleanup() {
        start(LimitsConfig.builder());
        WsClient first = WsClient.open(gateway.ws("/chat"));
        String firstId = lastRegisteredId();
        WsClient second = WsClient.open(gateway.ws("/chat"));
        String secondId = lastRegisteredId();

        gateway.gateway().close();

        assertThat(first.awaitClose(WAIT).code()).isEqualTo(1001);
        assertThat(second.awaitClose(WAIT).code()).isEqualTo(1001);
        // close() returns once cleanups are delivered: no waiting needed here
        assertThat(cleanupsOf(firstId)).hasSize(1);
        assertThat(cleanupsOf(secondId)).hasSize(1);
        assertCause(cleanupsOf(firstId).get(0), 1001, "shutdown");
    }

    @Test
    void failingCleanupIsRetriedUntilItSucceeds() {
        AtomicInteger attempts = new AtomicInteger();
        gateway.functions()
                .on(
                        "/cleanup",
                        event -> attempts.incrementAndGet() < 3 ? StubResponse.json(503, "{}") : StubResponse.ok());
        start(LimitsConfig.builder());
        WsClient client = WsClient.open(gateway.ws("/chat"));
        String id = lastRegisteredId();

        client.close(1000, "bye");

        await().atMost(WAIT).until(() -> attempts.get() == 3);
        List<JsonNode> calls = cleanupsOf(id);
        assertThat(calls).hasSize(3);
        // the same event each time, so the function can tell a retry from a new connection
        assertThat(calls.get(0).at("/requestContext/requestId"))
                .isEqualTo(calls.get(2).at("/requestContext/requestId"));
        assertThat(gateway.node().openConnections()).isZero();
    }

    @Test
    void queuedMessagesReachTransferBeforeTheCleanup() {
        gateway.functions().on("/transfer", event -> StubResponse.ok().after(Duration.ofMillis(50)));
        start(LimitsConfig.builder());
        WsClient client = WsClient.open(gateway.ws("/chat"));
        String id = lastRegisteredId();

        for (int i = 0; i < 5; i++) {
            client.sendText("m" + i);
        }
        client.close(1000, "done");

        await().atMost(WAIT).until(() -> cleanupsOf(id).size() == 1);
        assertThat(gateway.functions().received("/transfer")).hasSize(5);
    }

    @Test
    void clientLeavingDuringRegistrationStillGetsItsCleanup() throws Exception {
        gateway.functions().on("/register", event -> StubResponse.accept(null).after(Duration.ofMillis(500)));
        start(LimitsConfig.builder());
        try (java.net.Socket socket =
                new java.net.Socket("127.0.0.1", gateway.node().clientAddress().getPort())) {
            socket.getOutputStream()
                    .write(("GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            await().atMost(WAIT)
                    .until(() -> gateway.functions().received("/register").size() == 1);
        } // the client leaves while its registration is still running
        String id = lastRegisteredId();

        await().atMost(WAIT).until(() -> cleanupsOf(id).size() == 1);
        assertCause(cleanupsOf(id).get(0), 1006, "client");
    }
}
