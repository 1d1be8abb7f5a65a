package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.WsClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Tencent SCF style functions of {@code examples/tencent-python}, unchanged, with the config
 * next to them: registration echoes the subprotocol and declines extensions, transfer pushes to
 * the paired connection with {@code requests.post}, cleanup closes the partner.
 */
class TencentPythonExamplesTest {
    private static final Path EXAMPLES = Path.of("..", "examples", "tencent-python");
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private TestGateway gateway;

    @BeforeEach
    void start() throws IOException, InterruptedException {
        Process check = new ProcessBuilder("python3", "-c", "import requests")
                .redirectErrorStream(true)
                .start();
        assertThat(check.waitFor(30, TimeUnit.SECONDS) && check.exitValue() == 0)
                .as("python3 can import requests (apt-get install python3-requests; .ci/run does)")
                .isTrue();
        // a copy, so that the example's SQLite file of pairs starts empty and stays out of the tree
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".py")).toList()) {
                Files.copy(file, dir.resolve(file.getFileName()));
            }
        }
        String yaml = Files.readString(EXAMPLES.resolve("config.yaml"), StandardCharsets.UTF_8)
                .replace("python:examples/tencent-python/", "python:" + dir + "/");
        GatewayConfig config = ConfigLoader.parse(yaml, Map.of());
        gateway = TestGateway.start(config.toBuilder());
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private WsClient connect() {
        return WsClient.to(gateway.ws("/pairs"))
                .subprotocols("chat, superchat")
                .deflate(true)
                .open();
    }

    @Test
    void registrationEchoesTheSubprotocolAndDeclinesExtensions() {
        try (WsClient client = connect()) {
            assertThat(client.subprotocol()).isEqualTo("chat");
            assertThat(client.extensions()).isNull();
        }
    }

    @Test
    void pairedConnectionsTalkThroughThePushApiAndLeavingClosesThePartner() {
        try (WsClient alice = connect()) {
            alice.sendText("anyone?");
            assertThat(alice.next(WAIT).text()).isEqualTo("waiting for a partner");

            try (WsClient bob = connect()) {
                assertThat(alice.next(WAIT).text()).startsWith("paired with test.");
                bob.sendText("hello alice");
                assertThat(alice.next(WAIT).text()).isEqualTo("hello alice");
                alice.sendText("hi bob");
                assertThat(bob.next(WAIT).text()).isEqualTo("hi bob");
                bob.sendBinary(new byte[] {1, 2, 3});
                assertThat(alice.next(WAIT).data()).containsExactly(1, 2, 3);

                bob.close(1000, "bye");
                WsClient.Closed closed = alice.awaitClose(WAIT);
                assertThat(closed.code()).isEqualTo(4000);
                assertThat(closed.reason()).isEqualTo("partner left");
            }
        }
        // both cleanups ran: a newcomer finds nobody waiting
        await().atMost(WAIT).until(() -> gateway.gateway().openConnections() == 0);
        try (WsClient carol = connect()) {
            carol.sendText("anyone?");
            assertThat(carol.next(WAIT).text()).isEqualTo("waiting for a partner");
        }
    }
}
