package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.LimitsConfig;
import dev.switchboard.core.config.ReliableConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.StubFunctionServer.StubResponse;
import dev.switchboard.testkit.TestGateway;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The JavaScript client library ({@code clients/js/switchboard-reliable.js}) in real Node.js
 * against a real gateway: its {@code node --test} suite resets the network in the middle of two
 * streams and lets a session's window run out, and this test checks what the functions saw: every
 * client message once and in order, one registration and no cleanup until the client closed, and
 * for the expired session one cleanup marked {@code resumeExpired}. Also: every client listener
 * serves the library.
 */
class ReliableJsClientTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path LIBRARY = ROOT.resolve("clients/js/switchboard-reliable.js");
    private static final Path SUITE = ROOT.resolve("clients/js/test/reliable-socket.test.js");
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int MESSAGES = 2000;

    private final StubFunctionServer functions = StubFunctionServer.start();
    private TestGateway gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        functions.close();
    }

    private RouteConfig route(String path, ReliableConfig reliable) {
        return RouteConfig.builder(path)
                .register(functions.target(path + "/register"))
                .transfer(functions.target(path + "/transfer"))
                .cleanup(functions.target(path + "/cleanup"))
                .reliable(reliable)
                .build();
    }

    @Test
    void theNodeSuitePassesAndTheFunctionsSeeEveryMessageOnceAndNoCleanupDuringABlip() throws Exception {
        gateway = TestGateway.start(GatewayConfig.builder()
                .limits(LimitsConfig.builder().messageRate(1_000_000).build())
                .route(route(
                        "/stream",
                        ReliableConfig.withWindow(Duration.ofSeconds(30))
                                .withReplayLimits(20_000, 16 << 20, Duration.ofMinutes(5))))
                .route(route("/short", ReliableConfig.withWindow(Duration.ofSeconds(1))))
                .route(route("/binary", ReliableConfig.withWindow(Duration.ofSeconds(30)))));
        functions.on(
                "/stream/transfer",
                event -> StubResponse.json(StubFunctionServer.json()
                        .put("errNo", 0)
                        .put("errMsg", "ok")
                        .set(
                                "reply",
                                StubFunctionServer.json()
                                        .put("dataType", "text")
                                        .put(
                                                "data",
                                                "echo "
                                                        + event.at("/websocket/data")
                                                                .asText()))));

        NodeRun run = node(
                "--test",
                // a failed test must still end the run: fail a test after 100 s, and exit even
                // when a failure left a socket or timer behind
                "--test-timeout=100000",
                "--test-force-exit",
                SUITE.toString(),
                "SWITCHBOARD_WS=" + gateway.ws(""),
                "SWITCHBOARD_PUSH=" + gateway.pushUri("/push"));

        assertThat(run.exitCode())
                .as("node --test exit code; output:%n%s", run.output())
                .isZero();
        assertThat(run.output()).contains("# pass 3", "# fail 0", "# skipped 0");

        // the stream: one session, every message once and in order, a cleanup only at its close
        assertThat(functions.received("/stream/register")).hasSize(1);
        String streamId = functions
                .received("/stream/register")
                .get(0)
                .at("/websocket/secConnectionID")
                .asText();
        await().atMost(WAIT).until(() -> functions.received("/stream/transfer").size() >= MESSAGES);
        assertThat(functions.received("/stream/transfer"))
                .extracting(event -> event.at("/websocket/data").asText())
                .containsExactlyElementsOf(
                        IntStream.range(0, MESSAGES).mapToObj(i -> "c-" + i).toList());
        await().atMost(WAIT).until(() -> functions.received("/stream/cleanup").size() == 1);
        JsonNode streamCleanup = functions.received("/stream/cleanup").get(0);
        assertThat(streamCleanup.at("/websocket/secConnectionID").asText()).isEqualTo(streamId);
        assertThat(streamCleanup.findValue("resumeExpired")).isNull();

        // the short window: the first session ended once, expired; the second one took the rest
        assertThat(functions.received("/short/register")).hasSize(2);
        String expiredId = functions
                .received("/short/register")
                .get(0)
                .at("/websocket/secConnectionID")
                .asText();
        await().atMost(WAIT).until(() -> functions.received("/short/cleanup").size() == 2);
        List<JsonNode> expired = functions.received("/short/cleanup").stream()
                .filter(event -> event.at("/websocket/secConnectionID").asText().equals(expiredId))
                .toList();
        assertThat(expired).hasSize(1);
        assertThat(expired.get(0).findValue("resumeExpired").asBoolean()).isTrue();
        assertThat(functions.received("/short/transfer"))
                .extracting(event -> event.at("/websocket/data").asText())
                .containsExactly("before the drop", "after the reset");

        // binary messages reach the function without their numbers
        assertThat(functions.received("/binary/transfer"))
                .extracting(event -> event.at("/websocket/dataType").asText() + " "
                        + event.at("/websocket/data").asText())
                .containsExactly("binary AAEC/w==", "binary AgE=");
    }

    @Test
    void everyClientListenerServesTheLibraryAsJavaScript() throws Exception {
        gateway = TestGateway.start(route("/stream", ReliableConfig.defaults()));
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                        + gateway.gateway().clientAddress().getPort()
                                        + "/switchboard/reliable.js"))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(response.body()).isEqualTo(Files.readString(LIBRARY));
    }

    /** The served copy is usable: a browser-less script defines the global and opens a session. */
    @Test
    void theServedLibraryLoadedAsAScriptDefinesTheGlobal() throws Exception {
        gateway = TestGateway.start(route("/stream", ReliableConfig.defaults()));
        String base = "http://127.0.0.1:" + gateway.gateway().clientAddress().getPort();
        String script = """
                const source = await (await fetch('%s/switchboard/reliable.js')).text();
                // as a <script> tag runs it: no module, no exports; the global appears
                new Function(source).call(globalThis);
                const socket = new globalThis.ReliableSocket('%s');
                socket.on('open', (event) => {
                  console.log('session ' + event.session + ' reliable ' + event.reliable);
                  socket.close();
                });
                socket.on('close', (event) => console.log('closed ' + event.code));
                """.formatted(base, gateway.ws("/stream"));
        NodeRun run = node("--input-type=module", "-e", script);

        assertThat(run.exitCode()).as("output:%n%s", run.output()).isZero();
        assertThat(run.output()).containsPattern("session \\S+ reliable true").contains("closed 1000");
        assertThat(functions.received("/stream/register")).hasSize(1);
    }

    private record NodeRun(int exitCode, String output) {}

    /** Runs node with {@code args}; those of the form NAME=value go into its environment. */
    private static NodeRun node(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("node"));
        if (!hasGlobalWebSocket()) {
            command.add("--experimental-websocket"); // Node.js 20 and 21; 22 has it on
        }
        ProcessBuilder builder = new ProcessBuilder().directory(ROOT.toFile()).redirectErrorStream(true);
        for (String arg : args) {
            if (arg.matches("[A-Z_]+=.*")) {
                int equals = arg.indexOf('=');
                builder.environment().put(arg.substring(0, equals), arg.substring(equals + 1));
            } else {
                command.add(arg);
            }
        }
        Process process = builder.command(command).start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            // the output ends when the process does; what it printed says where it hung
            throw new AssertionError("node did not finish in 3 minutes: "
                    + output.completeOnTimeout("(output still open)", 10, TimeUnit.SECONDS)
                            .join());
        }
        return new NodeRun(process.exitValue(), output.join());
    }

    private static boolean hasGlobalWebSocket() throws IOException, InterruptedException {
        Process probe = new ProcessBuilder("node", "-e", "process.exit(typeof WebSocket === 'function' ? 0 : 1)")
                .redirectErrorStream(true)
                .start();
        read(probe.getInputStream());
        return probe.waitFor() == 0;
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(output unreadable: " + e + ")";
        }
    }
}
