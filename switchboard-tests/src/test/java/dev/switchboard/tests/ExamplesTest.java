package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.PushConfig;
import dev.switchboard.core.json.Json;
import dev.switchboard.testkit.WsClient;
import dev.switchboard.tests.ExampleCheckout.Terminal;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every directory in {@code examples/}, run as its own README says: the commands are read from
 * the README's {@code sh} blocks and run with bash in a copy of the examples (see
 * {@link ExampleCheckout}: ports replaced by free ones, {@code ./switchboard} running the built
 * jar), with the README's own {@code node -e} clients or a WebSocket client, and what the README
 * says they print or see is checked.
 */
class ExamplesTest {
    /** A JVM, Python or Node workers starting on a busy 2-core machine. */
    private static final Duration START = Duration.ofMinutes(3);

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The examples each test here runs; a new directory must get a test. */
    private static final Set<String> COVERED = Set.of(
            "aws-node-chat",
            "chat-node",
            "chat-python",
            "cluster",
            "config",
            "grafana",
            "python-functions",
            "tencent-python");

    @TempDir
    Path dir;

    private ExampleCheckout checkout;
    private final List<WsClient> clients = new ArrayList<>();

    @BeforeEach
    void copyExamples() throws IOException {
        checkout = ExampleCheckout.create(dir);
    }

    @AfterEach
    void stopEverything() {
        clients.forEach(WsClient::close);
        checkout.close();
    }

    @Test
    void everyExampleHasAReadmeAndATestHere() throws IOException {
        Set<String> directories = new TreeSet<>();
        try (Stream<Path> examples = Files.list(Markdown.ROOT.resolve("examples"))) {
            examples.filter(Files::isDirectory).forEach(example -> {
                directories.add(example.getFileName().toString());
                assertThat(example.resolve("README.md")).as("its README").isRegularFile();
            });
        }
        assertThat(directories).isEqualTo(new TreeSet<>(COVERED));
    }

    /** python-functions and config: the HTTP functions and the commented config that calls them. */
    @Test
    void pythonFunctionsWithTheConfigExampleEchoAndAnswerPong() throws Exception {
        String both = ExampleCheckout.block(checkout.commands("python-functions"), "functions.py");
        Terminal functions = checkout.start(ExampleCheckout.line(both, "python3 "), Map.of());
        String serve = ExampleCheckout.line(both, "./switchboard serve");
        assertThat(serve).contains("--config examples/config/chat.yaml");
        assertThat(checkout.readme("config")).contains("../python-functions");
        Terminal gateway = checkout.start(serve, Map.of());
        awaitBanner(gateway);

        WsClient client = connect("ws://localhost:" + checkout.port(8080) + "/chat", "chat");
        client.sendText("hello");
        assertThat(client.next(WAIT).text()).as("%s", functions).isEqualTo("hello");
        // the message back through the push API, and the reply
        client.sendText("ping");
        assertThat(client.next(2, WAIT)).extracting(WsClient.Message::text).containsExactlyInAnyOrder("ping", "pong");
    }

    @Test
    void tencentPythonPairsTwoClientsAndClosesThePartnerWith4000() throws Exception {
        List<String> commands = checkout.commands("tencent-python");
        Terminal gateway = checkout.start(ExampleCheckout.block(commands, "./switchboard serve"), defaultPushPort());
        awaitBanner(gateway);
        assertThat(gateway.find("clients connect to")).endsWith("/pairs");

        String client = ExampleCheckout.nodeClient(ExampleCheckout.block(commands, "node -e"));
        Terminal first = checkout.start(client, Map.of());
        // alone, its message has nobody to go to
        awaitPrinted(first, "received: waiting for a partner", gateway);
        Terminal second = checkout.start(client, Map.of());

        awaitPrinted(first, "received: paired with ", gateway);
        awaitPrinted(first, "received: hello from " + second.process().pid(), gateway);

        second.process().destroy(); // Ctrl-C
        awaitPrinted(first, "closed 4000", gateway);
    }

    /**
     * A config without a push listener takes the default port, 8081, which is replaced as well:
     * through the variable {@code serve} reads, so that the command stays the README's.
     */
    private Map<String, String> defaultPushPort() {
        return Map.of("SWITCHBOARD_PUSH_LISTEN", "127.0.0.1:" + checkout.port(8081));
    }

    @Test
    void tencentPythonWithoutRequestsDoesNotStartAndSaysWhy() throws Exception {
        // a Python whose site-packages (where requests is) are not on its path
        Path bin = Files.createDirectories(dir.resolve("python-without-packages"));
        Path python = bin.resolve("python3");
        Files.writeString(python, "#!/bin/sh\nexec '" + realPython() + "' -S \"$@\"\n");
        Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwxr-xr-x"));
        Terminal gateway = checkout.start(
                ExampleCheckout.block(checkout.commands("tencent-python"), "./switchboard serve"),
                Map.of(
                        "PATH",
                        bin + ":" + System.getenv("PATH"),
                        "SWITCHBOARD_PUSH_LISTEN",
                        "127.0.0.1:" + checkout.port(8081)));

        assertThat(gateway.process().waitFor(START.toSeconds(), TimeUnit.SECONDS))
                .as("%s", gateway)
                .isTrue();
        assertThat(gateway.process().exitValue()).as("%s", gateway).isEqualTo(2);
        String readme = checkout.readme("tencent-python").replaceAll("\\s+", " ");
        for (String function : List.of("register", "transfer", "cleanup")) {
            String line = "switchboard: python:examples/tencent-python/" + function
                    + ".py: the handler cannot be loaded: ModuleNotFoundError: No module named 'requests'";
            assertThat(gateway.lines()).as("%s", gateway).containsOnlyOnce(line);
            if (function.equals("register")) {
                assertThat(readme).as("the README quotes the line").contains(line);
            }
        }
        assertThat(gateway.lines()).noneMatch(line -> line.contains("Traceback"));
    }

    @Test
    void awsNodeChatDeliversEachClientsMessageToTheOtherWithoutExternalNames() throws Exception {
        List<String> commands = checkout.commands("aws-node-chat");
        checkout.run(ExampleCheckout.block(commands, "npm ci"), ".", Duration.ofMinutes(5));
        Terminal gateway = checkout.start(ExampleCheckout.block(commands, "./switchboard serve"), Map.of());
        awaitBanner(gateway);

        String client = ExampleCheckout.nodeClient(ExampleCheckout.block(commands, "node -e"));
        Terminal first = checkout.start(client, Map.of());
        Terminal second = checkout.start(client, Map.of());
        awaitPrinted(first, "received: hello from " + second.process().pid());
        awaitPrinted(second, "received: hello from " + first.process().pid());
        assertThat(gateway.lines()).noneMatch(line -> line.contains("ENOTFOUND"));
        assertThat(checkout.root().resolve("examples/aws-node-chat/connections.json"))
                .as("the connection table the README names")
                .isRegularFile();
    }

    @Test
    void chatPythonRunsTheDemoChat() throws Exception {
        demoChat("chat-python");
    }

    @Test
    void chatNodeRunsTheDemoChat() throws Exception {
        demoChat("chat-node");
    }

    /**
     * The demo's page and two clients speaking its protocol, as two browser windows would: each
     * sees the other's messages, who joined and who left.
     */
    private void demoChat(String example) throws Exception {
        String demo = ExampleCheckout.block(checkout.commands(example), "./switchboard demo");
        // the demo's push listener is not in the example's config: its default port is another's
        Terminal gateway = checkout.start(demo + " --push-listen 127.0.0.1:" + checkout.port(8081), Map.of());
        awaitBanner(gateway);
        assertThat(checkout.readme(example)).contains("http://localhost:" + checkout.port(8080) + "/");
        HttpResponse<String> page = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + checkout.port(8080) + "/"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<html");

        String chat = "ws://127.0.0.1:" + checkout.port(8080) + "/chat?room=lobby&nick=";
        WsClient alice = connect(chat + "alice", null);
        WsClient bob = connect(chat + "bob", null);
        bob.sendText("hi alice");
        JsonNode message = nextOfType(alice, "message");
        assertThat(message.path("nick").asText()).isEqualTo("bob");
        assertThat(message.path("text").asText()).isEqualTo("hi alice");
        bob.close();
        assertThat(nextOfType(alice, "leave").path("nick").asText()).isEqualTo("bob");
    }

    @Test
    void clusterStartsServesAcrossNodesBehindNginxAndStopsCleanly() throws Exception {
        List<String> commands = checkout.commands("cluster");
        // one terminal: the functions, whose output carries the connection ids; the other: run.sh
        Terminal python = checkout.start(ExampleCheckout.block(commands, "functions.py"), Map.of());
        Terminal cluster = checkout.start("exec " + ExampleCheckout.block(commands, "run.sh"), Map.of());
        await().atMost(START).untilAsserted(() -> {
            for (int port : List.of(9201, 9202, 9203)) {
                assertThat(get(checkout.port(port), "/readyz"))
                        .as("node on %s (%s)", port, cluster)
                        .contains("\"status\":\"ready\"");
            }
        });
        String readme = checkout.readme("cluster");
        assertThat(readme).contains("`\"status\":\"ready\"`");

        Terminal client =
                checkout.start(ExampleCheckout.nodeClient(ExampleCheckout.block(commands, "node -e")), Map.of());
        awaitPrinted(client, "received: hello");

        String push = ExampleCheckout.block(commands, "/push --json");
        Matcher registered = Pattern.compile("register conn=(\\S+)").matcher("");
        await().atMost(WAIT)
                .until(() -> registered.reset(python.find("register conn=")).find());
        String id = registered.group(1);
        assertThat(id).startsWith("node-a.");
        List<String> answer = checkout.run(push.replaceAll("(?m)^ID=.*$", "ID=" + id), ".", WAIT);
        assertThat(String.join("\n", answer)).contains("\"errNo\":0");
        awaitPrinted(client, "received: hello from node-c");
        String list = Pattern.compile("`(curl -s [^`]+/connections)`")
                .matcher(readme)
                .results()
                .map(m -> m.group(1))
                .findFirst()
                .orElseThrow();
        assertThat(String.join("\n", checkout.run(list, ".", WAIT))).contains(id);

        // nginx in front, started and stopped as the README says, from examples/cluster
        Matcher nginx = Pattern.compile("`(nginx -c [^`]+)`; stop it with `(nginx -s stop [^`]+)`")
                .matcher(readme.replaceAll("\\s+", " "));
        assertThat(nginx.find()).as("the README's nginx commands").isTrue();
        checkout.run(nginx.group(1), "examples/cluster", WAIT);
        WsClient behindNginx = connect("ws://127.0.0.1:" + checkout.port(8080) + "/chat", "chat");
        behindNginx.sendText("through nginx");
        assertThat(behindNginx.next(WAIT).text()).isEqualTo("through nginx");
        assertThat(get(checkout.port(8081), "/readyz")).contains("\"status\":\"ready\"");
        behindNginx.close();
        checkout.run(nginx.group(2), "examples/cluster", WAIT);

        // Ctrl-C in run.sh's terminal, or kill -TERM its pid: nodes first, then Redis
        Runtime.getRuntime()
                .exec(new String[] {
                    "kill", "-TERM", String.valueOf(cluster.process().pid())
                })
                .waitFor();
        assertThat(cluster.process().waitFor(START.toSeconds(), TimeUnit.SECONDS))
                .as("%s", cluster)
                .isTrue();
        assertThat(cluster.process().exitValue()).as("%s", cluster).isZero();
        assertThat(cluster.lines())
                .as("each node drained and left the cluster cleanly")
                .filteredOn(line -> line.contains("stopped:"))
                .hasSize(3);
        assertThat(cluster.lines()).noneMatch(line -> line.contains("could not leave cleanly"));
        assertThat(LocalPorts.listening(checkout.port(6379)))
                .as("Redis stopped")
                .isFalse();
    }

    @Test
    void grafanaDashboardChartsOnlyMetricsANodeServes() throws Exception {
        JsonNode dashboard = Json.mapper()
                .readTree(checkout.root()
                        .resolve("examples/grafana/switchboard-dashboard.json")
                        .toFile());
        Set<String> queried = new TreeSet<>();
        for (JsonNode expr : dashboard.findValues("expr")) {
            Matcher metric = Pattern.compile("\\b((?:switchboard|jvm|process)_[a-z0-9_]+)")
                    .matcher(expr.asText());
            while (metric.find()) {
                queried.add(metric.group(1));
            }
        }
        assertThat(queried).as("metrics the dashboard queries").isNotEmpty();

        // the README's scrape target is the push listener's default address
        String scrape = Pattern.compile("targets: \\[\"([^\"]+)\"\\]")
                .matcher(checkout.readme("grafana"))
                .results()
                .map(m -> m.group(1))
                .findFirst()
                .orElseThrow();
        assertThat(scrape).isEqualTo("127.0.0.1:" + checkout.port(8081));
        assertThat(PushConfig.DEFAULT_LISTEN.port()).isEqualTo(8081);

        Terminal gateway = checkout.start(
                "./switchboard serve --listen 127.0.0.1:" + checkout.port(8080) + " --push-listen " + scrape, Map.of());
        awaitBanner(gateway);
        // a connection and a message, so that per-route series exist
        WsClient client = connect("ws://127.0.0.1:" + checkout.port(8080) + "/echo", null);
        client.sendText("for the metrics");
        client.next(WAIT);
        client.close();
        await().atMost(WAIT)
                .until(() -> get(checkout.port(8081), "/metrics").contains("switchboard_disconnects_total"));
        String metrics = get(checkout.port(8081), "/metrics");
        for (String metric : queried) {
            String series = metric.replaceFirst("_(bucket|count|sum)$", "");
            assertThat(metrics).as("/metrics serves %s", metric).containsPattern("(?m)^" + series + "[_{ ]");
        }
    }

    private static String realPython() throws IOException, InterruptedException {
        Process which = new ProcessBuilder("python3", "-c", "import sys; print(sys.executable)").start();
        String path = new String(which.getInputStream().readAllBytes()).strip();
        assertThat(which.waitFor()).isZero();
        return path;
    }

    private WsClient connect(String url, String subprotocol) {
        WsClient.Builder builder = WsClient.to(URI.create(url.replace("localhost", "127.0.0.1")));
        if (subprotocol != null) {
            builder.subprotocols(subprotocol);
        }
        WsClient client = builder.open();
        clients.add(client);
        return client;
    }

    /** The next chat notice of {@code type} (the chat's JSON objects; other types are skipped). */
    private static JsonNode nextOfType(WsClient client, String type) throws IOException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            JsonNode notice = Json.mapper()
                    .readTree(client.next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))
                            .text());
            if (notice.path("type").asText().equals(type)) {
                return notice;
            }
        }
    }

    private static void awaitBanner(Terminal gateway) {
        await().atMost(START)
                .untilAsserted(() -> assertThat(gateway.printed("Ctrl-C stops it"))
                        .as("%s", gateway)
                        .isTrue());
    }

    private static void awaitPrinted(Terminal terminal, String part, Terminal... others) {
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(terminal.printed(part))
                        .as("%s (and %s)", terminal, List.of(others))
                        .isTrue());
    }

    private static String get(int port, String path) {
        try {
            return HTTP.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e.toString();
        }
    }
}
