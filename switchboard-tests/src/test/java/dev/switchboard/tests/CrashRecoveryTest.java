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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code state-dir}: the runnable jar killed with SIGKILL and started again on the same directory
 * invokes the cleanup of every connection that was open, once; a graceful stop leaves nothing
 * behind.
 */
class CrashRecoveryTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern CLIENT_URL = Pattern.compile("clients connect to\\s+(ws://\\S+)");
    private static final Pattern PUSH_URL = Pattern.compile("push API listens on\\s+(http://\\S+)/push");
    private static final int CONNECTIONS = 200;
    private static final int CLOSED_BEFORE_CRASH = 20;

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private final List<WsClient> clients = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private StubFunctionServer functions;
    private Path config;

    @BeforeEach
    void functionsThatRememberTheConnectionInItsContext() throws IOException {
        functions = StubFunctionServer.start();
        functions.on("/register", event -> {
            JsonNode body = StubFunctionServer.json()
                    .put("errNo", 0)
                    .put("errMsg", "ok")
                    .set("context", StubFunctionServer.json().put("id", connectionId(event)));
            return StubResponse.json(body);
        });
        config = dir.resolve("node.yaml");
        Files.writeString(
                config, """
                listen: 127.0.0.1:0
                push:
                  listen: 127.0.0.1:0
                state-dir: %s
                routes:
                  - path: /chat
                    functions:
                      register: %s
                      cleanup: %s
                    timeouts:
                      register: 10s
                """.formatted(dir.resolve("state"), functions.url("/register"), functions.url("/cleanup")));
    }

    @AfterEach
    void stopEverything() {
        clients.forEach(WsClient::abort);
        processes.forEach(Process::destroyForcibly);
        functions.close();
    }

    @Test
    void killedNodeInvokesTheCleanupOfEveryConnectionThatWasOpenOnceAfterRestart() throws Exception {
        Process first = start();
        URI chat = clientUrl(first);
        openAll(chat, CONNECTIONS);
        Set<String> accepted = openConnections(first);
        assertThat(accepted).hasSize(CONNECTIONS);
        for (WsClient client : clients.subList(0, CLOSED_BEFORE_CRASH)) {
            client.close(1000, "bye");
        }
        await().atMost(WAIT).until(() -> cleanups("client").size() == CLOSED_BEFORE_CRASH);
        Set<String> stillOpen = new HashSet<>(accepted);
        stillOpen.removeAll(ids(cleanups("client")));
        assertThat(openConnections(first)).isEqualTo(stillOpen);
        int open = CONNECTIONS - CLOSED_BEFORE_CRASH;
        // every open connection's record is committed, and the finished ones' removals too
        await().atMost(WAIT).until(() -> metric(first, "switchboard_journal_records") == open);

        first.destroyForcibly().waitFor(WAIT.toSeconds(), TimeUnit.SECONDS); // kill -9
        assertThat(journalRecords()).isEqualTo(stillOpen);

        Process second = start();
        clientUrl(second);
        await().atMost(WAIT).until(() -> cleanups("node-lost").size() >= open);
        List<JsonNode> lost = cleanups("node-lost");
        assertThat(lost).hasSize(open);
        assertThat(ids(lost)).isEqualTo(stillOpen);
        assertThat(lost).allSatisfy(cleanup -> {
            assertThat(cleanup.get("closeCode").asInt()).isEqualTo(1006);
            assertThat(cleanup.at("/context/id").asText())
                    .isEqualTo(cleanup.at("/websocket/secConnectionID").asText());
            assertThat(cleanup.at("/requestContext/sourceIp").asText()).isEqualTo("127.0.0.1");
        });
        await().atMost(WAIT).until(() -> metric(second, "switchboard_journal_records") == 0);

        // a second crash after recovery, and a third start: nothing is left to invoke again
        second.destroyForcibly().waitFor(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(journalRecords()).isEmpty();
        Process third = start();
        clientUrl(third);
        assertThat(metric(third, "switchboard_journal_records")).isZero();
        assertThat(functions.received("/cleanup")).hasSize(CONNECTIONS);
        assertThat(ids(functions.received("/cleanup"))).isEqualTo(accepted);
        assertThat(output(third)).doesNotContain("were still open");
    }

    @Test
    void gracefulStopLeavesNoRecordAndTheNextStartInvokesNothing() throws Exception {
        Process first = start();
        URI chat = clientUrl(first);
        openAll(chat, 50);
        clients.get(0).close(1000, "bye");
        await().atMost(WAIT).until(() -> cleanups("client").size() == 1);

        first.destroy(); // SIGTERM: closes every connection with 1001 and delivers its cleanup
        assertThat(first.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(first.exitValue()).isZero();
        assertThat(cleanups("shutdown")).hasSize(49);
        assertThat(journalRecords()).isEmpty();

        Process second = start();
        clientUrl(second);
        assertThat(metric(second, "switchboard_journal_records")).isZero();
        assertThat(functions.received("/cleanup")).hasSize(50);
        assertThat(cleanups("node-lost")).isEmpty();
    }

    @Test
    void recordOfARouteNoLongerConfiguredIsDroppedWithoutCleanup() throws Exception {
        Process first = start();
        clients.add(open(clientUrl(first)));
        await().atMost(WAIT).until(() -> metric(first, "switchboard_journal_records") == 1);
        first.destroyForcibly().waitFor(WAIT.toSeconds(), TimeUnit.SECONDS);

        Files.writeString(config, Files.readString(config).replace("/chat", "/talk"));
        Process second = start();
        clientUrl(second);
        await().atMost(WAIT).until(() -> metric(second, "switchboard_journal_records") == 0);
        assertThat(functions.received("/cleanup")).isEmpty();
        assertThat(output(second)).contains("which is no longer configured");
    }

    private Process start() throws IOException {
        int n = processes.size();
        // output goes to a file: the JDK may drop what a pipe still holds when the process dies
        Process process = AppJar.serve(config)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("node-" + n + ".log").toFile())
                .start();
        processes.add(process);
        return process;
    }

    private String output(Process process) throws IOException {
        return Files.readString(dir.resolve("node-" + processes.indexOf(process) + ".log"), StandardCharsets.UTF_8);
    }

    private URI clientUrl(Process process) {
        return URI.create(banner(process, CLIENT_URL).replace("localhost", "127.0.0.1"));
    }

    private String banner(Process process, Pattern pattern) {
        String found = await().atMost(WAIT)
                .until(
                        () -> output(process)
                                .lines()
                                .map(pattern::matcher)
                                .filter(Matcher::find)
                                .map(matcher -> matcher.group(1))
                                .findFirst()
                                .orElse(null),
                        url -> url != null || !process.isAlive());
        assertThat(process.isAlive()).as("the node is running").isTrue();
        return found;
    }

    /** Opens {@code count} connections, 8 handshakes at a time; their order is not the registrations'. */
    private void openAll(URI uri, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<WsClient>> opening = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                opening.add(pool.submit(() -> open(uri)));
            }
            for (Future<WsClient> client : opening) {
                clients.add(client.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Opens a connection, waiting out a refusal by the per-IP connect rate limit. */
    private static WsClient open(URI uri) {
        return await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(100))
                .ignoreException(WsClient.RefusedException.class)
                .until(() -> WsClient.open(uri), client -> client != null);
    }

    /** A gauge of the node's {@code GET /metrics}. */
    private double metric(Process process, String name) throws IOException, InterruptedException {
        URI metrics = URI.create(banner(process, PUSH_URL).replace("localhost", "127.0.0.1") + "/metrics");
        String text = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        return text.lines()
                .filter(line -> line.startsWith(name + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(name.length() + 1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " not in /metrics"));
    }

    /** The ids recorded in the state-dir database, read directly (only while no node has it open). */
    private Set<String> journalRecords() throws SQLException {
        String url = "jdbc:sqlite:" + dir.resolve("state").resolve("connections.db");
        Set<String> ids = new HashSet<>();
        try (Connection db = DriverManager.getConnection(url);
                ResultSet rows = db.createStatement().executeQuery("SELECT id FROM connections")) {
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
        }
        return ids;
    }

    /** The ids of the node's open connections, as {@code GET /connections} lists them. */
    private Set<String> openConnections(Process process) throws IOException, InterruptedException {
        URI list = URI.create(banner(process, PUSH_URL).replace("localhost", "127.0.0.1") + "/connections?limit=1000");
        JsonNode page = Json.mapper()
                .readTree(http.send(HttpRequest.newBuilder(list).build(), HttpResponse.BodyHandlers.ofString())
                        .body());
        Set<String> ids = new HashSet<>();
        page.get("connections")
                .forEach(connection -> ids.add(connection.get("secConnectionID").asText()));
        return ids;
    }

    private List<JsonNode> cleanups(String closedBy) {
        return functions.received("/cleanup").stream()
                .filter(cleanup -> cleanup.path("closedBy").asText().equals(closedBy))
                .toList();
    }

    private static Set<String> ids(List<JsonNode> events) {
        List<String> ids = events.stream().map(CrashRecoveryTest::connectionId).toList();
        Set<String> distinct = ids.stream().collect(Collectors.toSet());
        assertThat(distinct).as("each connection once").hasSize(ids.size());
        return distinct;
    }

    private static String connectionId(JsonNode event) {
        return event.at("/websocket/secConnectionID").asText();
    }
}
