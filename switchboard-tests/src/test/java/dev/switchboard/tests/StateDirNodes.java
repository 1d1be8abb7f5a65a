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

/**
 * Runnable-jar nodes with a {@code state-dir}, started one after another on the same directory,
 * with a stub function server whose registration puts the connection id into the context and
 * whose cleanup records every event: what crash-recovery tests drive and observe.
 */
final class StateDirNodes implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern CLIENT_URL = Pattern.compile("clients connect to\\s+(ws://\\S+)");
    private static final Pattern PUSH_URL = Pattern.compile("push API listens on\\s+(http://\\S+)/push");

    private final Path dir;
    private final Path config;
    private final StubFunctionServer functions;
    private final List<Process> processes = new ArrayList<>();
    private final List<WsClient> clients = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    /** Writes {@code dir/node.yaml} (node id {@code nodeId}, route {@code /chat}, {@code dir/state}). */
    StateDirNodes(Path dir, String nodeId) throws IOException {
        this.dir = dir;
        this.functions = StubFunctionServer.start();
        functions.on("/register", event -> {
            JsonNode body = StubFunctionServer.json()
                    .put("errNo", 0)
                    .put("errMsg", "ok")
                    .set("context", StubFunctionServer.json().put("id", connectionId(event)));
            return StubResponse.json(body);
        });
        this.config = dir.resolve("node.yaml");
        Files.writeString(
                config, """
                node-id: %s
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
                """.formatted(nodeId, state(), functions.url("/register"), functions.url("/cleanup")));
    }

    Path config() {
        return config;
    }

    /** The {@code state-dir}. */
    Path state() {
        return dir.resolve("state");
    }

    Path database() {
        return state().resolve("connections.db");
    }

    Path log() {
        return state().resolve("connections.db-wal");
    }

    List<WsClient> clients() {
        return clients;
    }

    StubFunctionServer functions() {
        return functions;
    }

    /** Starts {@code serve --config node.yaml}; its output goes to {@code node-<n>.log}. */
    Process start() throws IOException {
        int n = processes.size();
        // output goes to a file: the JDK may drop what a pipe still holds when the process dies
        Process process = AppJar.serve(config)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("node-" + n + ".log").toFile())
                .start();
        processes.add(process);
        return process;
    }

    /** Starts a node and waits until it serves. */
    Process started() throws IOException {
        Process process = start();
        clientUrl(process);
        return process;
    }

    /** SIGKILL, waiting for the process to be gone. */
    static void kill(Process process) throws InterruptedException {
        process.destroyForcibly().waitFor(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    String output(Process process) throws IOException {
        return Files.readString(dir.resolve("node-" + processes.indexOf(process) + ".log"), StandardCharsets.UTF_8);
    }

    URI clientUrl(Process process) {
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
    void openAll(URI uri, int count) throws Exception {
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
    static WsClient open(URI uri) {
        return await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(100))
                .ignoreException(WsClient.RefusedException.class)
                .until(() -> WsClient.open(uri), client -> client != null);
    }

    /** A gauge of the node's {@code GET /metrics}; NaN for a gauge that is NaN. */
    double metric(Process process, String name) throws IOException, InterruptedException {
        URI metrics = URI.create(banner(process, PUSH_URL).replace("localhost", "127.0.0.1") + "/metrics");
        String text = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        return text.lines()
                .filter(line -> line.startsWith(name + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(name.length() + 1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " not in /metrics"));
    }

    /**
     * The ids recorded in the state-dir database, read directly (only while no node has it open).
     * Closing the connection checkpoints the write-ahead log into the database, as SQLite also does
     * every 1,000 pages while a node runs.
     */
    Set<String> journalRecords() throws SQLException {
        Set<String> ids = new HashSet<>();
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + database());
                ResultSet rows = db.createStatement().executeQuery("SELECT id FROM connections")) {
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
        }
        return ids;
    }

    /** The ids of the node's open connections, as {@code GET /connections} lists them. */
    Set<String> openConnections(Process process) throws IOException, InterruptedException {
        URI list = URI.create(banner(process, PUSH_URL).replace("localhost", "127.0.0.1") + "/connections?limit=1000");
        JsonNode page = Json.mapper()
                .readTree(http.send(HttpRequest.newBuilder(list).build(), HttpResponse.BodyHandlers.ofString())
                        .body());
        Set<String> ids = new HashSet<>();
        page.get("connections")
                .forEach(connection -> ids.add(connection.get("secConnectionID").asText()));
        return ids;
    }

    /** The cleanup events received with {@code closedBy}. */
    List<JsonNode> cleanups(String closedBy) {
        return functions.received("/cleanup").stream()
                .filter(cleanup -> cleanup.path("closedBy").asText().equals(closedBy))
                .toList();
    }

    /** The connection ids of {@code events}, each asserted to appear once. */
    static Set<String> ids(List<JsonNode> events) {
        List<String> ids = events.stream().map(StateDirNodes::connectionId).toList();
        Set<String> distinct = ids.stream().collect(Collectors.toSet());
        assertThat(distinct).as("each connection once").hasSize(ids.size());
        return distinct;
    }

    static String connectionId(JsonNode event) {
        return event.at("/websocket/secConnectionID").asText();
    }

    @Override
    public void close() {
        clients.forEach(WsClient::abort);
        processes.forEach(Process::destroyForcibly);
        functions.close();
    }
}
