package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.core.function.FunctionTarget;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.WsClient;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * With {@code permessage-deflate}, {@code max-message-bytes} applies to a message's inflated
 * size, exactly: a message at the limit is delivered, one byte more closes with 1009 {@code
 * message too big} and one INFO line without a stack trace, whether the message is one frame or
 * fragments, and however far a compression bomb would inflate. The random contents are seeded;
 * the seed is printed and {@code -Dswitchboard.test.seed} replays it.
 */
class CompressedMessageLimitsTest {
    private static final int LIMIT = 64 * 1024;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long SEED = Long.getLong("switchboard.test.seed", System.nanoTime());
    private static final FunctionTarget ECHO =
            FunctionTarget.parse("java:dev.switchboard.runtimes.java.builtin.Echo#transfer");

    private final Random random = new Random(SEED);
    private TestGateway gateway;
    private LogCapture logs;

    @BeforeEach
    void start() {
        System.out.println("CompressedMessageLimitsTest seed: " + SEED);
        gateway = TestGateway.start(RouteConfig.builder("/chat")
                .transfer(ECHO)
                .permessageDeflate(true)
                .maxMessageBytes(LIMIT)
                .build());
        logs = LogCapture.attach();
    }

    @AfterEach
    void stop() {
        logs.close();
        gateway.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {LIMIT - 511, LIMIT - 1, LIMIT})
    void aCompressedMessageUpToTheLimitIsDelivered(int size) {
        try (WsClient client = WsClient.to(gateway.ws("/chat")).deflate(true).open()) {
            assertThat(client.extensions()).startsWith("permessage-deflate");
            for (String text : List.of("a".repeat(size), randomText(size))) {
                client.sendText(text);

                assertThat(client.next(WAIT).text())
                        .as("echo of %s bytes", size)
                        .isEqualTo(text);
            }
            assertThat(client.isOpen()).isTrue();
        }
    }

    @Test
    void aCompressedMessageThatDoesNotCompressIsDeliveredUpToTheLimit() {
        try (WsClient client = WsClient.to(gateway.ws("/chat")).deflate(true).open()) {
            // base64 of random bytes: text that deflate barely shrinks
            String text = java.util.Base64.getEncoder()
                    .encodeToString(randomBytes(LIMIT))
                    .substring(0, LIMIT);
            client.sendText(text);

            assertThat(client.next(WAIT).text()).isEqualTo(text);
        }
    }

    @Test
    void aCompressedMessageOneByteOverTheLimitClosesWith1009AndOneInfoLine() {
        try (WsClient client = WsClient.to(gateway.ws("/chat")).deflate(true).open()) {
            client.sendText("a".repeat(LIMIT + 1));

            assertThat(client.awaitClose(WAIT)).isEqualTo(new WsClient.Closed(1009, "message too big"));
        }
        assertOneInfoLineWithoutStackTrace();
    }

    @Test
    void aFragmentedCompressedMessageIsLimitedByItsInflatedTotal() {
        try (WsClient client = WsClient.to(gateway.ws("/chat")).deflate(true).open()) {
            String atLimit = randomText(LIMIT);
            sendInThree(client, atLimit);
            assertThat(client.next(WAIT).text()).isEqualTo(atLimit);

            sendInThree(client, randomText(LIMIT + 1));

            assertThat(client.awaitClose(WAIT).code()).isEqualTo(1009);
        }
        assertOneInfoLineWithoutStackTrace();
    }

    @Test
    void aCompressionBombClosesWith1009WithoutInflatingIt() {
        // 64 MiB of zeros, deflated by hand to about 64 KiB, sent as fragments of a text message
        byte[] compressed = deflate(new byte[64 * 1024 * 1024]);
        try (RawWebSocket ws = openCompressed()) {
            int piece = 16 * 1024;
            for (int at = 0; at < compressed.length; at += piece) {
                boolean first = at == 0;
                boolean last = at + piece >= compressed.length;
                byte[] payload = Arrays.copyOfRange(compressed, at, Math.min(compressed.length, at + piece));
                try {
                    ws.write(RawWebSocket.frame(
                            last, first ? 4 : 0, first ? RawWebSocket.TEXT : RawWebSocket.CONTINUATION, true, payload));
                } catch (RuntimeException e) {
                    break; // the gateway closed while the bomb was still on its way
                }
            }

            assertThat(ws.awaitServerClose()).isEqualTo(1009);
        }
        assertOneInfoLineWithoutStackTrace();
        try (WsClient other = WsClient.to(gateway.ws("/chat")).deflate(true).open()) {
            other.sendText("still here");
            assertThat(other.next(WAIT).text()).isEqualTo("still here");
        }
    }

    @Test
    void anUncompressedFrameLargerThanTheMessageLimitClosesWith1009WhenFramesMayBeLarger() {
        try (TestGateway largeFrames = TestGateway.start(RouteConfig.builder("/chat")
                        .transfer(ECHO)
                        .maxMessageBytes(LIMIT)
                        .maxFrameBytes(4 * LIMIT)
                        .build());
                WsClient client = WsClient.open(largeFrames.ws("/chat"))) {
            client.sendText("a".repeat(LIMIT));
            assertThat(client.next(WAIT).text()).hasSize(LIMIT);

            client.sendBinary(new byte[LIMIT + 1]);

            assertThat(client.awaitClose(WAIT)).isEqualTo(new WsClient.Closed(1009, "message too big"));
        }
    }

    @Test
    void aCompressedMessageThatIsNotDeflateDataClosesWith1002AndOneInfoLine() {
        try (RawWebSocket ws = openCompressed()) {
            // BFINAL with the reserved block type 3
            ws.write(RawWebSocket.frame(true, 4, RawWebSocket.TEXT, true, new byte[] {(byte) 0xff, 0x12, 0x34}));

            assertThat(ws.awaitServerClose()).isEqualTo(1002);
        }
        assertOneInfoLineWithoutStackTrace("invalid compressed data");
    }

    /** A raw client that has negotiated permessage-deflate; what it sends, it compresses by hand. */
    private RawWebSocket openCompressed() {
        RawWebSocket ws = RawWebSocket.connect(gateway.gateway().clientAddress().getPort());
        ws.write(("GET /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                        + "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        RawWebSocket.HttpAnswer answer = ws.readHttpHead();
        assertThat(answer.status()).isEqualTo(101);
        assertThat(answer.head()).containsIgnoringCase("Sec-WebSocket-Extensions: permessage-deflate");
        return ws;
    }

    private void assertOneInfoLineWithoutStackTrace() {
        assertOneInfoLineWithoutStackTrace("max-message-bytes");
    }

    private void assertOneInfoLineWithoutStackTrace(String about) {
        List<String> lines =
                logs.lines().stream().filter(line -> line.contains(about)).toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith("INFO").doesNotContain("\n");
        assertThat(logs.lines()).noneMatch(line -> line.startsWith("WARN") || line.startsWith("ERROR"));
    }

    private static void sendInThree(WsClient client, String text) {
        int third = text.length() / 3;
        client.send(new TextWebSocketFrame(false, 0, text.substring(0, third)));
        client.send(new ContinuationWebSocketFrame(false, 0, text.substring(third, 2 * third)));
        client.send(new ContinuationWebSocketFrame(
                true, 0, Unpooled.copiedBuffer(text.substring(2 * third), StandardCharsets.UTF_8)));
    }

    private String randomText(int size) {
        StringBuilder text = new StringBuilder(size);
        String words = "the quick brown fox jumps over a lazy dog 0123456789 ";
        while (text.length() < size) {
            text.append(words.charAt(random.nextInt(words.length())));
        }
        return text.toString();
    }

    private byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }

    /** {@code data} as one permessage-deflate message: raw DEFLATE, sync-flushed, tail removed. */
    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        deflater.setInput(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        int count;
        while ((count = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH)) > 0) {
            out.write(buffer, 0, count);
        }
        deflater.end();
        byte[] bytes = out.toByteArray();
        return Arrays.copyOf(bytes, bytes.length - 4);
    }
}
