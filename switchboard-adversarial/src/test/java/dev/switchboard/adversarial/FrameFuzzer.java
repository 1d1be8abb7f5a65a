package dev.switchboard.adversarial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.adversarial.FrameCase.CleanClose;
import dev.switchboard.adversarial.FrameCase.ClientClose;
import dev.switchboard.adversarial.FrameCase.Drop;
import dev.switchboard.adversarial.FrameCase.Message;
import dev.switchboard.adversarial.FrameCase.Step;
import dev.switchboard.adversarial.FrameCase.Violation;
import dev.switchboard.adversarial.FrameClient.Received;
import dev.switchboard.testkit.FaultyFunctionServer;
import dev.switchboard.testkit.FaultyFunctionServer.Call;
import dev.switchboard.testkit.FaultyFunctionServer.FaultPlan;
import dev.switchboard.testkit.WsClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The runnable jar with one route, {@code /fuzz} ({@code max-message-bytes} {@value
 * #MAX_MESSAGE_BYTES}, permessage-deflate for clients that offer it, the built-in echo as its
 * transfer function and HTTP registration and cleanup functions that always answer), and the
 * oracle that plays a {@link FrameCase} on a raw socket and checks what the gateway answers.
 */
final class FrameFuzzer implements AutoCloseable {
    static final int MAX_MESSAGE_BYTES = 64 * 1024;
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private static final Duration CLEANUP_WAIT = Duration.ofSeconds(10);

    private final FaultyFunctionServer functions;
    private final GatewayProcess gateway;

    FrameFuzzer() {
        functions = FaultyFunctionServer.start(FaultPlan.none(), Duration.ZERO);
        try {
            gateway =
                    GatewayProcess.start(Files.createTempDirectory(Path.of("target"), "frame-fuzz"), config(), "256m");
        } catch (IOException e) {
            functions.close();
            throw new UncheckedIOException(e);
        }
    }

    GatewayProcess gateway() {
        return gateway;
    }

    /**
     * A well-behaved client of the route, to show the gateway keeps serving others; its handshake
     * is retried while a loaded machine makes the first ones slow.
     */
    WsClient bystander() {
        URI uri = URI.create("ws://127.0.0.1:" + gateway.clientPort() + "/fuzz?case=bystander");
        return await().atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(() -> WsClient.open(uri), client -> client != null);
    }

    private String config() {
        return """
                listen: 127.0.0.1:0
                push:
                  listen: 127.0.0.1:0
                limits:
                  max-message-bytes: %d
                  connect-rate-per-ip: 100000
                  close-timeout: 2s
                routes:
                  - path: /fuzz
                    permessage-deflate: true
                    timeouts:
                      register: 10s
                    functions:
                      register: %s
                      transfer: java:dev.switchboard.runtimes.java.builtin.Echo#transfer
                      cleanup: %s
                """.formatted(MAX_MESSAGE_BYTES, functions.url("/register"), functions.url("/cleanup"));
    }

    /**
     * Plays one case on a new connection and checks the gateway's answer and the cleanup; throws
     * {@link AssertionError} when they are not the documented ones.
     */
    void play(int number, long caseSeed, FrameCase frameCase) {
        Random masks = new Random(caseSeed);
        Deque<Message> echoes = new ArrayDeque<>(frameCase.messages());
        Deque<byte[]> pongs = new ArrayDeque<>(frameCase.pongs());
        try (FrameClient client =
                FrameClient.open(gateway.clientPort(), "/fuzz?case=" + number, frameCase.deflate(), READ_TIMEOUT)) {
            assertThat(client.deflate()).as("permessage-deflate negotiated").isEqualTo(frameCase.deflate());
            for (Step step : frameCase.steps()) {
                assertThat(client.write(step.bytes(masks)))
                        .as("the gateway still reads after %s", step.kind())
                        .isTrue();
            }
            FrameCase.Ending ending = frameCase.ending();
            if (ending instanceof CleanClose) {
                while (!echoes.isEmpty() || !pongs.isEmpty()) {
                    expectAnswer(client.read(), echoes, pongs);
                }
                client.write(close(masks, Frames.closePayload(1000, new byte[0])));
                assertThat(awaitClose(client, echoes, pongs)).as("close code").isEqualTo(1000);
            } else if (ending instanceof ClientClose close) {
                client.write(close(masks, close.payload()));
                int code = awaitClose(client, echoes, pongs);
                if (close.payload().length == 0) {
                    assertThat(code).as("answer to a close without code").isIn(FrameCase.NO_STATUS, 1000);
                } else {
                    assertThat(code).as("close code").isEqualTo(close.code());
                }
            } else if (ending instanceof Drop drop) {
                client.write(drop.partial());
                client.reset();
            } else if (ending instanceof Violation violation) {
                client.write(violation.bytes());
                int code = awaitClose(client, echoes, pongs);
                client.write(close(masks, Frames.closePayload(code, new byte[0])));
                assertThat(code).as("close code").isEqualTo(violation.code());
            }
        }
        assertThat(cleanupOf(number)).as("cleanup").isEqualTo(frameCase.ending().cleanup());
    }

    private static byte[] close(Random masks, byte[] payload) {
        return Frames.frame(true, 0, Frames.CLOSE, Frames.mask(masks), payload);
    }

    /** Reads until the gateway's close frame, which must be followed by the end of the socket. */
    private static int awaitClose(FrameClient client, Deque<Message> echoes, Deque<byte[]> pongs) {
        while (true) {
            Received received = client.read();
            if (received instanceof Received.Close close) {
                Received after = client.read();
                assertThat(after).as("after the close frame").isInstanceOf(Received.End.class);
                return close.code();
            }
            // answers still owed may come first; a close may also overtake them
            expectAnswer(received, echoes, pongs);
        }
    }

    private static void expectAnswer(Received received, Deque<Message> echoes, Deque<byte[]> pongs) {
        if (received instanceof Received.Data data) {
            assertThat(echoes)
                    .as("an echo owed when a message of %d bytes came", data.payload().length)
                    .isNotEmpty();
            Message owed = echoes.poll();
            assertThat(data.opcode()).as("echo opcode").isEqualTo(owed.opcode());
            assertThat(Arrays.equals(data.payload(), owed.payload()))
                    .as("echo of %d bytes equals the %d bytes sent", data.payload().length, owed.payload().length)
                    .isTrue();
        } else if (received instanceof Received.Pong pong) {
            assertThat(pongs).as("a pong owed").isNotEmpty();
            assertThat(pong.payload()).as("pong payload").isEqualTo(pongs.poll());
        } else {
            throw new AssertionError(
                    "expected " + echoes.size() + " echoes and " + pongs.size() + " pongs, got " + received);
        }
    }

    /** The connection's cleanup as {@code closedBy closeCode}, waiting for it. */
    private String cleanupOf(int number) {
        String id = await().atMost(CLEANUP_WAIT)
                .until(() -> connectionOf(String.valueOf(number)), Optional::isPresent)
                .orElseThrow();
        try {
            await().atMost(CLEANUP_WAIT).until(() -> !cleanups(id).isEmpty());
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no cleanup for " + id + " within " + CLEANUP_WAIT);
        }
        JsonNode event = cleanups(id).get(0).event();
        return event.path("closedBy").asText() + " " + event.path("closeCode").asInt();
    }

    private Optional<String> connectionOf(String number) {
        return functions.calls("/register").stream()
                .filter(call -> call.event().at("/queryString/case").asText().equals(number))
                .map(call -> call.event().at("/websocket/secConnectionID").asText())
                .findFirst();
    }

    private List<Call> cleanups(String id) {
        return functions.calls("/cleanup").stream()
                .filter(call ->
                        call.event().at("/websocket/secConnectionID").asText().equals(id))
                .toList();
    }

    /** Accepted connections (all but the bystander) whose cleanup count is not one, after the last case's. */
    List<String> connectionsWithoutExactlyOneCleanup() {
        Map<String, Long> cleanupsById = functions.calls("/cleanup").stream()
                .collect(Collectors.groupingBy(
                        call -> call.event().at("/websocket/secConnectionID").asText(), Collectors.counting()));
        return functions.calls("/register").stream()
                .filter(call -> !call.event().at("/queryString/case").asText().equals("bystander"))
                .map(call -> call.event().at("/websocket/secConnectionID").asText())
                .filter(id -> cleanupsById.getOrDefault(id, 0L) != 1)
                .map(id -> id + ": " + cleanupsById.getOrDefault(id, 0L) + " cleanups")
                .toList();
    }

    /** Stops the node (which delivers its last cleanups), then its functions. */
    @Override
    public void close() {
        try {
            gateway.close();
        } finally {
            functions.close();
        }
    }
}
