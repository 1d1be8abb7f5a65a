package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.json.Json;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.StubFunctionServer.StubResponse;
import dev.switchboard.testkit.WsClient;
import java.io.IOException;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runnable jar as a user runs it: a real child process, real signals, real output. */
class CliTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Pattern CLIENT_URL = Pattern.compile("clients connect to\\s+(ws://\\S+)");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern PUSH_URL = Pattern.compile("push API listens on\\s+(http://\\S+)/push");

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        processes.forEach(Process::destroyForcibly);
    }

    private Process run(String... args) throws IOException {
        int n = processes.size();
        // output goes to files: the JDK may drop what a pipe still holds when the process exits
        Process process = AppJar.command(args)
                .redirectOutput(dir.resolve("stdout-" + n).toFile())
                .redirectError(dir.resolve("stderr-" + n).toFile())
                .start();
        processes.add(process);
        return process;
    }

    private List<String> stdout(Process process) throws IOException {
        return Files.readAllLines(dir.resolve("stdout-" + processes.indexOf(process)), StandardCharsets.UTF_8);
    }

    private List<String> stderr(Process process) throws IOException {
        return Files.readAllLines(dir.resolve("stderr-" + processes.indexOf(process)), StandardCharsets.UTF_8);
    }

    @Test
    void brokenConfigPrintsOneClearLineAndExitsNonZero() throws Exception {
        Path config = dir.resolve("broken.yaml");
        Files.writeString(config, "routes:\n  - path: /chat\nlimits:\n  idle-timeout: 10x\n");

        Process process = run("serve", "--config", config.toString());

        assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(stderr(process))
                .containsExactly(
                        "switchboard: limits.idle-timeout: '10x' (expected: a duration like 500ms, 3s, 2m, 1h or 1d)");
    }

    @Test
    void missingConfigFileIsOneLineToo() throws Exception {
        Process process = run("serve", "--config", dir.resolve("nope.yaml").toString());

        assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        List<String> err = stderr(process);
        assertThat(err).hasSize(1);
        assertThat(err.get(0)).startsWith("switchboard: ").contains("nope.yaml").contains("cannot be read");
    }

    @Test
    void versionAndHelp() throws Exception {
        Process version = run("version");
        assertThat(version.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(stdout(version).get(0)).startsWith("switchboard ");

        Process help = run("serve", "--help");
        assertThat(help.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(String.join("\n", stdout(help)))
                .contains("--config")
                .contains("--listen")
                .contains("--push-listen");
    }

    @Test
    void embeddedDefaultEchoes() throws Exception {
        Process process = run("serve", "--listen", "127.0.0.1:0", "--push-listen", "127.0.0.1:0");
        URI echo = clientUrl(process, "/echo");

        try (WsClient client = WsClient.open(echo)) {
            client.sendText("anyone there?");
            assertThat(client.next(WAIT).text()).isEqualTo("anyone there?");
        }
        process.destroy();
        assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
    }

    @Test
    void sigtermClosesEveryConnectionWith1001DeliversCleanupsAndExitsZero() throws Exception {
        try (StubFunctionServer functions = StubFunctionServer.start()) {
            Path config = dir.resolve("chat.yaml");
            Files.writeString(config, """
                    listen: 127.0.0.1:0
                    push:
                      listen: 127.0.0.1:0
                    routes:
                      - path: /chat
                        functions:
                          register: %s
                          cleanup: %s
                    """.formatted(functions.url("/register"), functions.url("/cleanup")));
            Process process = run("serve", "--config", config.toString());
            URI chat = clientUrl(process, "/chat");
            List<WsClient> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                clients.add(WsClient.open(chat));
            }

            process.destroy(); // SIGTERM

            assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isZero();
            for (WsClient client : clients) {
                assertThat(client.awaitClose(WAIT).code()).isEqualTo(1001);
            }
            List<JsonNode> cleanups = functions.received("/cleanup");
            assertThat(cleanups).hasSize(3);
            assertThat(cleanups)
                    .allSatisfy(cleanup ->
                            assertThat(cleanup.get("closedBy").asText()).isEqualTo("shutdown"));
            assertThat(cleanups.stream()
                            .map(c -> c.at("/websocket/secConnectionID").asText())
                            .distinct())
                    .hasSize(3);
        }
    }

    @Test
    void sigtermWithShutdownCloseCode1012FinishesTheTransferInFlightBeforeTheCleanup() throws Exception {
        CountDownLatch transferMayAnswer = new CountDownLatch(1);
        List<String> calls = new CopyOnWriteArrayList<>();
        try (StubFunctionServer functions = StubFunctionServer.start()) {
            functions.on("/transfer", event -> {
                String data = event.at("/websocket/data").asText();
                if (data.equals("slow")) {
                    awaitQuietly(transferMayAnswer);
                }
                calls.add("transfer " + data + " answered");
                return StubResponse.ok();
            });
            functions.on("/cleanup", event -> {
                calls.add("cleanup");
                return StubResponse.ok();
            });
            Path config = dir.resolve("restart.yaml");
            Files.writeString(config, """
                    listen: 127.0.0.1:0
                    push:
                      listen: 127.0.0.1:0
                    shutdown-close-code: 1012
                    shutdown-timeout: 60s
                    routes:
                      - path: /chat
                        functions:
                          transfer: %s
                          cleanup: %s
                        timeouts: {transfer: 60s}
                    """.formatted(functions.url("/transfer"), functions.url("/cleanup")));
            Process process = run("serve", "--config", config.toString());
            WsClient client = WsClient.open(clientUrl(process, "/chat"));
            client.sendText("slow").sendText("queued");
            // both messages are in the gateway: one at the (held) transfer function, one queued behind it
            await().atMost(WAIT).until(() -> functions.received("/transfer").size() == 1);
            URI connections = URI.create(pushUrl(process) + "/connections");
            await().atMost(WAIT)
                    .until(() -> Json.mapper()
                                    .readTree(get(connections))
                                    .at("/connections/0/messagesIn")
                                    .asInt()
                            == 2);

            process.destroy(); // SIGTERM

            WsClient.Closed closed = client.awaitClose(WAIT);
            assertThat(closed.code()).isEqualTo(1012);
            assertThat(closed.reason()).isEqualTo("service restart");
            // the client has been told to reconnect; the node still drains what it received
            assertThat(process.isAlive()).isTrue();
            assertThat(functions.received("/cleanup")).isEmpty();

            transferMayAnswer.countDown();

            assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isZero();
            assertThat(calls).containsExactly("transfer slow answered", "transfer queued answered", "cleanup");
            JsonNode cleanup = functions.received("/cleanup").get(0);
            assertThat(cleanup.get("closeCode").asInt()).isEqualTo(1012);
            assertThat(cleanup.get("closeReason").asText()).isEqualTo("service restart");
            assertThat(cleanup.get("closedBy").asText()).isEqualTo("shutdown");
        } finally {
            transferMayAnswer.countDown();
        }
    }

    @Test
    void sigtermExitsAfterShutdownTimeoutEvenWhileATransferHangs() throws Exception {
        CountDownLatch transferMayAnswer = new CountDownLatch(1);
        try (StubFunctionServer functions = StubFunctionServer.start()) {
            functions.on("/transfer", event -> {
                awaitQuietly(transferMayAnswer);
                return StubResponse.ok();
            });
            Path config = dir.resolve("hang.yaml");
            Files.writeString(config, """
                    listen: 127.0.0.1:0
                    push:
                      listen: 127.0.0.1:0
                    shutdown-timeout: 2s
                    routes:
                      - path: /chat
                        functions:
                          transfer: %s
                          cleanup: %s
                        timeouts: {transfer: 10m}
                    """.formatted(functions.url("/transfer"), functions.url("/cleanup")));
            Process process = run("serve", "--config", config.toString());
            WsClient client = WsClient.open(clientUrl(process, "/chat"));
            client.sendText("never answered");
            await().atMost(WAIT).until(() -> functions.received("/transfer").size() == 1);

            process.destroy(); // SIGTERM

            assertThat(client.awaitClose(WAIT).code()).isEqualTo(1001);
            // the transfer function still holds its call: the node gave up waiting at shutdown-timeout
            assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(transferMayAnswer.getCount()).isOne();
            assertThat(process.exitValue()).isZero();
            assertThat(stdout(process))
                    .anyMatch(line ->
                            line.contains("stopped after shutdown-timeout (PT2S): 1 connections still draining"));
        } finally {
            transferMayAnswer.countDown();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(2 * WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String get(URI uri) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    @Test
    void jsonLogLinesParseAndCarryTheConnectionId() throws Exception {
        Process process =
                run("serve", "--log-format", "json", "--listen", "127.0.0.1:0", "--push-listen", "127.0.0.1:0");
        URI echo = clientUrl(process, "/echo");
        try (WsClient client = WsClient.open(echo)) {
            client.sendText("x");
            client.next(WAIT);
            client.close(1000, "bye");
            client.awaitClose(WAIT);
        }
        process.destroy();
        assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();

        List<JsonNode> logLines = new ArrayList<>();
        for (String line : stdout(process)) {
            if (line.startsWith("{")) {
                logLines.add(dev.switchboard.core.json.Json.mapper().readTree(line));
            }
        }
        assertThat(logLines).allSatisfy(log -> {
            assertThat(log.has("level")).isTrue();
            assertThat(log.has("formattedMessage")).isTrue();
        });
        assertThat(logLines)
                .anyMatch(log -> log.path("formattedMessage").asText().startsWith("stopped"));
        JsonNode closed = logLines.stream()
                .filter(log -> log.path("formattedMessage").asText().startsWith("closed by client"))
                .findFirst()
                .orElseThrow();
        assertThat(closed.get("kvpList").toString()).contains("\"conn\":\"").contains("\"route\":\"/echo\"");
    }

    /** Waits until the banner in stdout names the push API, and returns its base URL. */
    private String pushUrl(Process process) {
        String url = await().atMost(WAIT)
                .until(
                        () -> stdout(process).stream()
                                .map(PUSH_URL::matcher)
                                .filter(Matcher::find)
                                .map(matcher -> matcher.group(1))
                                .findFirst()
                                .orElse(null),
                        found -> found != null);
        return url.replace("localhost", "127.0.0.1");
    }

    /** Waits until the banner in stdout names the client URL of {@code path}. */
    private URI clientUrl(Process process, String path) {
        String url = await().atMost(WAIT)
                .until(
                        () -> stdout(process).stream()
                                .map(CLIENT_URL::matcher)
                                .filter(Matcher::find)
                                .map(matcher -> matcher.group(1))
                                .filter(found -> found.endsWith(path))
                                .findFirst()
                                .orElse(null),
                        found -> found != null);
        assertThat(process.isAlive()).isTrue();
        return URI.create(url.replace("localhost", "127.0.0.1"));
    }
}
