package dev.switchboard.tests;

import static dev.switchboard.tests.RawWebSocket.BINARY;
import static dev.switchboard.tests.RawWebSocket.CLOSE;
import static dev.switchboard.tests.RawWebSocket.CONTINUATION;
import static dev.switchboard.tests.RawWebSocket.PING;
import static dev.switchboard.tests.RawWebSocket.PONG;
import static dev.switchboard.tests.RawWebSocket.TEXT;
import static dev.switchboard.tests.RawWebSocket.closePayload;
import static dev.switchboard.tests.RawWebSocket.frame;
import static dev.switchboard.tests.RawWebSocket.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.StubFunctionServer.StubResponse;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed WebSocket traffic, written byte by byte on a raw socket after a real upgrade: each
 * protocol violation closes the connection with the code RFC 6455 gives it (1002, 1007, 1009),
 * the connection gets exactly one cleanup saying so, nothing of it reaches the transfer function,
 * and a well-behaved client beside it keeps getting its echoes.
 */
class MalformedFramesTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int MAX_FRAME_BYTES = 512;
    private static final int MAX_MESSAGE_BYTES = 1024;
    private static final int PROTOCOL_ERROR = 1002;
    private static final int INVALID_PAYLOAD = 1007;
    private static final int MESSAGE_TOO_BIG = 1009;

    private final StubFunctionServer functions = StubFunctionServer.start();
    private TestGateway gateway;
    private WsClient bystander;
    private int echoes;

    @BeforeEach
    void start() {
        functions.on(
                "/transfer",
                event -> StubResponse.json(StubFunctionServer.json()
                        .put("errNo", 0)
                        .set(
                                "reply",
                                StubFunctionServer.json()
                                        .put("dataType", "text")
                                        .put("data", event.at("/websocket/data").asText()))));
        gateway = TestGateway.start(RouteConfig.builder("/chat")
                .register(functions.target("/register"))
                .transfer(functions.target("/transfer"))
                .cleanup(functions.target("/cleanup"))
                .maxFrameBytes(MAX_FRAME_BYTES)
                .maxMessageBytes(MAX_MESSAGE_BYTES)
                .build());
        bystander = WsClient.open(gateway.ws("/chat"));
        assertBystanderServed();
    }

    /** Every connection the registration accepted got exactly one cleanup, and the node holds none. */
    @AfterEach
    void everyAcceptedConnectionGotExactlyOneCleanup() {
        try {
            bystander.close(1000, "done");
            List<String> accepted = ids(functions.received("/register"));
            await().atMost(WAIT).until(() -> functions.received("/cleanup").size() >= accepted.size());
            List<String> cleaned = ids(functions.received("/cleanup"));
            assertThat(cleaned).hasSameSizeAs(accepted);
            assertThat(new HashSet<>(cleaned)).isEqualTo(new HashSet<>(accepted));
            await().atMost(WAIT).until(() -> gateway.gateway().openConnections() == 0);
        } finally {
            gateway.close();
            functions.close();
        }
    }

    static Stream<Arguments> violations() {
        List<Arguments> cases = new ArrayList<>();
        cases.add(violation("an unmasked client frame", PROTOCOL_ERROR, frame(true, 0, TEXT, false, utf8("hi"))));
        for (int rsv : new int[] {4, 2, 1}) {
            cases.add(violation(
                    "reserved bits " + Integer.toBinaryString(rsv) + " without an extension",
                    PROTOCOL_ERROR,
                    frame(true, rsv, TEXT, true, utf8("hi"))));
        }
        IntStream.concat(IntStream.rangeClosed(0x3, 0x7), IntStream.rangeClosed(0xB, 0xF))
                .forEach(opcode -> cases.add(violation(
                        "opcode 0x" + Integer.toHexString(opcode).toUpperCase(),
                        PROTOCOL_ERROR,
                        frame(true, 0, opcode, true, utf8("x")))));
        cases.add(violation("a ping of 126 bytes", PROTOCOL_ERROR, frame(PING, new byte[126])));
        cases.add(violation(
                "a close frame of 126 bytes", PROTOCOL_ERROR, frame(CLOSE, closePayload(1000, new byte[124]))));
        cases.add(violation("a fragmented ping", PROTOCOL_ERROR, frame(false, 0, PING, true, utf8("p"))));
        cases.add(violation(
                "a fragmented close", PROTOCOL_ERROR, frame(false, 0, CLOSE, true, closePayload(1000, new byte[0]))));
        cases.add(violation(
                "a continuation without a start", PROTOCOL_ERROR, frame(true, 0, CONTINUATION, true, utf8("x"))));
        cases.add(violation(
                "a text frame inside a fragmented message",
                PROTOCOL_ERROR,
                frame(false, 0, TEXT, true, utf8("a")),
                frame(true, 0, TEXT, true, utf8("b"))));
        cases.add(violation(
                "a binary frame inside a fragmented message",
                PROTOCOL_ERROR,
                frame(false, 0, BINARY, true, new byte[] {1}),
                frame(false, 0, BINARY, true, new byte[] {2})));
        cases.add(violation("a 64-bit length with the top bit set", PROTOCOL_ERROR, new byte[] {
            (byte) 0x82, (byte) 0xFF, (byte) 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4
        }));
        cases.add(
                violation("invalid UTF-8 in a text frame", INVALID_PAYLOAD, frame(TEXT, bytes('o', 'k', 0xC3, 0x28))));
        cases.add(violation("an overlong UTF-8 encoding", INVALID_PAYLOAD, frame(TEXT, bytes(0xC0, 0xAF))));
        cases.add(violation("a UTF-8 encoded surrogate", INVALID_PAYLOAD, frame(TEXT, bytes(0xED, 0xA0, 0x80))));
        cases.add(violation(
                "invalid UTF-8 split across fragments",
                INVALID_PAYLOAD,
                frame(false, 0, TEXT, true, bytes('o', 0xE2, 0x82)),
                frame(true, 0, CONTINUATION, true, bytes(0x28))));
        cases.add(violation(
                "a message ending inside a UTF-8 sequence",
                INVALID_PAYLOAD,
                frame(false, 0, TEXT, true, bytes('o', 'k')),
                frame(true, 0, CONTINUATION, true, bytes(0xE2, 0x82))));
        for (int code : new int[] {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535}) {
            cases.add(violation(
                    "a close frame with code " + code, PROTOCOL_ERROR, frame(CLOSE, closePayload(code, new byte[0]))));
        }
        cases.add(violation("a close frame with a 1-byte payload", PROTOCOL_ERROR, frame(CLOSE, new byte[] {3})));
        cases.add(violation(
                "a close reason that is not UTF-8",
                INVALID_PAYLOAD,
                frame(CLOSE, closePayload(1000, bytes(0xC3, 0x28)))));
        cases.add(violation(
                "a frame larger than max-frame-bytes", MESSAGE_TOO_BIG, frame(BINARY, new byte[MAX_FRAME_BYTES + 1])));
        cases.add(violation("a frame announcing 2^62 bytes", MESSAGE_TOO_BIG, new byte[] {
            (byte) 0x82, (byte) 0xFF, 0x40, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4
        }));
        cases.add(violation(
                "fragments larger than max-message-bytes together",
                MESSAGE_TOO_BIG,
                frame(false, 0, TEXT, true, utf8("a".repeat(MAX_FRAME_BYTES))),
                frame(false, 0, CONTINUATION, true, utf8("b".repeat(MAX_FRAME_BYTES))),
                frame(true, 0, CONTINUATION, true, utf8("c"))));
        return cases.stream();
    }

    private static Arguments violation(String name, int code, byte[]... frames) {
        return Arguments.of(name, code, List.of(frames));
    }

    @ParameterizedTest(name = "{0} closes with {1}")
    @MethodSource("violations")
    void protocolViolationClosesWithItsCodeAndOneCleanup(String name, int code, List<byte[]> frames) {
        int before = functions.received("/register").size();
        try (RawWebSocket raw = RawWebSocket.open(port(), "/chat")) {
            String id = ids(functions.received("/register")).get(before);

            raw.write(frames.toArray(byte[][]::new));

            assertThat(raw.awaitServerClose()).as(name).isEqualTo(code);
            JsonNode cleanup = awaitCleanupOf(id);
            assertThat(cleanup.get("closeCode").asInt()).isEqualTo(code);
            assertThat(cleanup.get("closedBy").asText()).isEqualTo("server");
            assertThat(transfersFrom(id)).isEmpty();
        }
        assertBystanderServed();
    }

    /** The frame builder is right: what a well-behaved client sends raw is served. */
    @Test
    void wellFormedRawFramesAreServed() {
        int before = functions.received("/register").size();
        try (RawWebSocket raw = RawWebSocket.open(port(), "/chat")) {
            String id = ids(functions.received("/register")).get(before);

            raw.write(frame(TEXT, utf8("plain")));
            assertThat(raw.readFrame().text()).isEqualTo("plain");
            // "é" (C3 A9) split between fragments, with a ping between them
            raw.write(
                    frame(false, 0, TEXT, true, bytes('c', 'a', 'f', 0xC3)),
                    frame(PING, utf8("between")),
                    frame(true, 0, CONTINUATION, true, bytes(0xA9)));
            RawWebSocket.Frame pong = raw.readFrame();
            assertThat(pong.opcode()).isEqualTo(PONG);
            assertThat(pong.text()).isEqualTo("between");
            assertThat(raw.readFrame().text()).isEqualTo("café");
            raw.write(frame(PING, new byte[125]));
            assertThat(raw.readFrame().payload()).hasSize(125);
            raw.write(frame(TEXT, utf8("m".repeat(MAX_FRAME_BYTES))));
            assertThat(raw.readFrame().payload()).hasSize(MAX_FRAME_BYTES);

            raw.write(frame(CLOSE, closePayload(4001, utf8("bye"))));
            RawWebSocket.Frame close = raw.readFrame();
            assertThat(close.opcode()).isEqualTo(CLOSE);
            assertThat(close.closeCode()).isEqualTo(4001);
            assertThat(raw.endOfStream()).isTrue();
            JsonNode cleanup = awaitCleanupOf(id);
            assertThat(cleanup.get("closeCode").asInt()).isEqualTo(4001);
            assertThat(cleanup.get("closedBy").asText()).isEqualTo("client");
        }
        assertBystanderServed();
    }

    private void assertBystanderServed() {
        String text = "echo " + echoes++;
        bystander.sendText(text);
        assertThat(bystander.next(WAIT).text()).isEqualTo(text);
    }

    private JsonNode awaitCleanupOf(String id) {
        await().atMost(WAIT).until(() -> cleanupsOf(id).size() == 1);
        return cleanupsOf(id).get(0);
    }

    private List<JsonNode> cleanupsOf(String id) {
        return functions.received("/cleanup").stream()
                .filter(event -> event.at("/websocket/secConnectionID").asText().equals(id))
                .toList();
    }

    private List<JsonNode> transfersFrom(String id) {
        return functions.received("/transfer").stream()
                .filter(event -> event.at("/websocket/secConnectionID").asText().equals(id))
                .toList();
    }

    private int port() {
        return gateway.gateway().clientAddress().getPort();
    }

    static List<String> ids(List<JsonNode> events) {
        return events.stream()
                .map(event -> event.at("/websocket/secConnectionID").asText())
                .toList();
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }
}
