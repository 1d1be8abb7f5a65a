package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.LimitsConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.core.json.Json;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.StubFunctionServer.StubResponse;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.WsClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Upgrade requests that are not WebSocket handshakes, written raw: each gets the HTTP status and
 * errNo that says what was wrong, the socket closes, the registration function is never called
 * (so no cleanup is owed), and a client beside them is still served. Slow handshakes are cut off
 * at {@code limits.handshake-timeout}.
 */
class MalformedHandshakesTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(1);
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    private final StubFunctionServer functions = StubFunctionServer.start();
    private TestGateway gateway;
    private WsClient bystander;
    private int echoes;

    @BeforeEach
    void start() {
        functions.on(
                "/transfer",
                event -> StubResponse.json(StubFunctionServer.json()
                        .set(
                                "reply",
                                StubFunctionServer.json()
                                        .put("dataType", "text")
                                        .put("data", event.at("/websocket/data").asText()))));
        gateway = TestGateway.start(GatewayConfig.builder()
                .limits(LimitsConfig.builder()
                        .handshakeTimeout(HANDSHAKE_TIMEOUT)
                        .build())
                .route(RouteConfig.builder("/chat")
                        .register(functions.target("/register"))
                        .transfer(functions.target("/transfer"))
                        .cleanup(functions.target("/cleanup"))
                        .build()));
        bystander = WsClient.open(gateway.ws("/chat"));
    }

    @AfterEach
    void onlyTheBystanderWasAcceptedAndItGotOneCleanup() {
        try {
            bystander.close(1000, "done");
            await().atMost(WAIT).until(() -> functions.received("/cleanup").size() >= 1);
            List<String> accepted = MalformedFramesTest.ids(functions.received("/register"));
            List<String> cleaned = MalformedFramesTest.ids(functions.received("/cleanup"));
            assertThat(accepted).hasSize(1);
            assertThat(cleaned).hasSize(1);
            assertThat(new HashSet<>(cleaned)).isEqualTo(new HashSet<>(accepted));
        } finally {
            gateway.close();
            functions.close();
        }
    }

    static Stream<Arguments> badRequests() {
        String upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\n";
        String version = "Sec-WebSocket-Version: 13\r\n";
        String key = "Sec-WebSocket-Key: " + KEY + "\r\n";
        String host = "Host: 127.0.0.1\r\n";
        return Stream.of(
                Arguments.of("no Sec-WebSocket-Key", get(host + upgrade + version), 400, 4004),
                Arguments.of(
                        "Sec-WebSocket-Version 8",
                        get(host + upgrade + key + "Sec-WebSocket-Version: 8\r\n"),
                        426,
                        4260),
                Arguments.of(
                        "Sec-WebSocket-Version x",
                        get(host + upgrade + key + "Sec-WebSocket-Version: x\r\n"),
                        426,
                        4260),
                Arguments.of("no Sec-WebSocket-Version", get(host + upgrade + key), 426, 4260),
                Arguments.of(
                        "POST",
                        "POST /chat HTTP/1.1\r\n" + host + upgrade + key + version + "Content-Length: 0\r\n\r\n",
                        405,
                        4050),
                Arguments.of(
                        "PUT with a body",
                        "PUT /chat HTTP/1.1\r\n" + host + upgrade + key + version + "Content-Length: 5\r\n\r\nhello",
                        405,
                        4050),
                Arguments.of("no Upgrade header", get(host + "Connection: Upgrade\r\n" + key + version), 426, 4260),
                Arguments.of(
                        "Upgrade: h2c",
                        get(host + "Upgrade: h2c\r\nConnection: Upgrade\r\n" + key + version),
                        426,
                        4260),
                Arguments.of(
                        "Connection: keep-alive",
                        get(host + "Upgrade: websocket\r\nConnection: keep-alive\r\n" + key + version),
                        426,
                        4260),
                Arguments.of(
                        "an unknown path",
                        "GET /nowhere HTTP/1.1\r\n" + host + upgrade + key + version + "\r\n",
                        404,
                        4040),
                Arguments.of("a request line that is not HTTP", "HELLO\r\n\r\n", 400, 4004),
                Arguments.of(
                        "a bad percent-escape in the path",
                        "GET /chat%zz HTTP/1.1\r\n" + host + upgrade + key + version + "\r\n",
                        400,
                        4004),
                Arguments.of(
                        "a bad percent-escape in the query",
                        "GET /chat?user=%zz HTTP/1.1\r\n" + host + upgrade + key + version + "\r\n",
                        400,
                        4004),
                Arguments.of(
                        "headers over max-header-bytes",
                        get(host + upgrade + key + version + "X-Big: " + "a".repeat(10_000) + "\r\n"),
                        431,
                        4310));
    }

    private static String get(String headers) {
        return "GET /chat HTTP/1.1\r\n" + headers + "\r\n";
    }

    @ParameterizedTest(name = "{0} → {2}")
    @MethodSource("badRequests")
    void badUpgradeRequestIsRefusedWithItsStatus(String name, String request, int status, int errNo) throws Exception {
        try (RawWebSocket raw = RawWebSocket.connect(port())) {
            raw.write(request.getBytes(StandardCharsets.ISO_8859_1));

            RawWebSocket.HttpAnswer answer = raw.readHttpHead();

            assertThat(answer.status()).as(name).isEqualTo(status);
            JsonNode body = Json.mapper().readTree(answer.body());
            assertThat(body.get("errNo").asInt()).isEqualTo(errNo);
            assertThat(body.get("errMsg").asText()).isNotBlank();
            assertThat(raw.endOfStream())
                    .as("the socket closes after the answer")
                    .isTrue();
        }
        assertBystanderServed();
        assertThat(functions.received("/register")).hasSize(1);
    }

    @Test
    void aVersionRefusalSaysWhichVersionIsSpoken() {
        try (RawWebSocket raw = RawWebSocket.connect(port())) {
            raw.write(get("Host: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + KEY
                            + "\r\nSec-WebSocket-Version: 8\r\n")
                    .getBytes(StandardCharsets.US_ASCII));

            assertThat(raw.readHttpHead().head()).containsIgnoringCase("Sec-WebSocket-Version: 13");
        }
    }

    @Test
    void aSilentSocketIsClosedAtTheHandshakeTimeout() {
        try (RawWebSocket raw = RawWebSocket.connect(port())) {
            long started = System.nanoTime();

            assertThat(raw.read(WAIT)).as("closed without an answer").isEqualTo(-1);

            assertClosedAroundTheTimeout(started);
        }
        assertBystanderServed();
    }

    @Test
    void aHandshakeTrickledByteByByteIsClosedAtTheHandshakeTimeout() {
        byte[] request = RawWebSocket.upgradeRequest("/chat", KEY).getBytes(StandardCharsets.US_ASCII);
        try (RawWebSocket raw = RawWebSocket.connect(port())) {
            long started = System.nanoTime();
            int sent = 0;
            int read;
            do {
                raw.write(new byte[] {request[sent++]});
                // the pause between bytes is the slow client under test; the read returns early
                // when the server closes the socket
                read = raw.read(Duration.ofMillis(100));
            } while (read == -2 && sent < request.length);

            assertThat(read).as("closed without an answer").isEqualTo(-1);
            assertThat(sent).as("bytes sent before the close").isLessThan(request.length);
            assertClosedAroundTheTimeout(started);
        }
        assertBystanderServed();
        assertThat(functions.received("/register")).hasSize(1);
    }

    /** The sweeper checks a quarter of the timeout apart: the close comes within that after it. */
    private static void assertClosedAroundTheTimeout(long startedNanos) {
        Duration took = Duration.ofNanos(System.nanoTime() - startedNanos);
        assertThat(took).isGreaterThanOrEqualTo(HANDSHAKE_TIMEOUT.minusMillis(50));
        assertThat(took).isLessThan(HANDSHAKE_TIMEOUT.plusSeconds(2));
    }

    private void assertBystanderServed() {
        String text = "echo " + echoes++;
        bystander.sendText(text);
        assertThat(bystander.next(WAIT).text()).isEqualTo(text);
    }

    private int port() {
        return gateway.gateway().clientAddress().getPort();
    }
}
