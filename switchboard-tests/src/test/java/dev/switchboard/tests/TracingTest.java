package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testkit.RedisServer;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.WsClient;
import dev.switchboard.tests.OtlpReceiver.ExportedSpan;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenTelemetry tracing as an operator turns it on: nodes run from the runnable jar with
 * {@code OTEL_*} variables that point at an in-test OTLP/HTTP receiver, in a real two-node
 * cluster on a real redis-server, with a real HTTP registration function.
 */
class TracingTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Two JVMs starting at once on a busy machine take a while. */
    private static final Duration CHILD_START = Duration.ofMinutes(3);

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER_SPAN = "00f067aa0ba902b7";
    private static final String CALLER = "00-" + TRACE_ID + "-" + CALLER_SPAN + "-01";
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private RedisServer redis;
    private final OtlpReceiver receiver = OtlpReceiver.start();
    private final StubFunctionServer functions = StubFunctionServer.start();
    private final List<WsClient> clients = new ArrayList<>();
    private final List<Process> children = new ArrayList<>();

    @BeforeEach
    void start() {
        redis = RedisServer.start();
        functions.on(
                "/register",
                event -> event.at("/queryString/refuse").isMissingNode()
                        ? ClusterClients.joinGroupOfQuery(event)
                        : StubFunctionServer.StubResponse.refuse(4001, "refused for the test"));
    }

    @AfterEach
    void stopAll() {
        clients.forEach(WsClient::close);
        children.forEach(Process::destroyForcibly);
        redis.close();
        functions.close();
        receiver.close();
    }

    @Test
    void aPushOnNodeAToAConnectionOnNodeBIsOneTraceWithTheForwardedHopAsAChildOnB() throws Exception {
        ChildNode a = childNode("node-a", tracingOn());
        ChildNode b = childNode("node-b", tracingOn());
        children.add(a.start());
        children.add(b.start());
        awaitReady(a, b);

        WsClient client = connectWithCallerTrace(b);
        StubFunctionServer.Call register = functions.calls("/register").get(0);
        String id = register.body().at("/websocket/secConnectionID").asText();

        // the registration function saw the caller's trace, as a header and in its event
        String seen = register.header("traceparent");
        assertThat(seen).startsWith("00-" + TRACE_ID + "-");
        assertThat(register.body().path("traceparent").asText()).isEqualTo(seen);

        HttpResponse<String> answer = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.pushPort() + "/push"))
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .header("traceparent", CALLER)
                        .POST(HttpRequest.BodyPublishers.ofString(TestGateway.sendText(id, "traced")))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(client.next(WAIT).text()).isEqualTo("traced");

        ExportedSpan push = awaitSpan("node-a", "switchboard.push");
        ExportedSpan hop = awaitSpan("node-b", "switchboard.push.forwarded");
        assertThat(push.traceId()).isEqualTo(TRACE_ID);
        assertThat(push.parentSpanId()).isEqualTo(CALLER_SPAN);
        assertThat(hop.traceId()).isEqualTo(TRACE_ID);
        assertThat(hop.parentSpanId()).isEqualTo(push.spanId());

        // a log line written inside a span carries its trace id
        assertThatThrownBy(() -> WsClient.to(URI.create("ws://127.0.0.1:" + b.clientPort() + "/chat?refuse=1"))
                        .header("traceparent", CALLER)
                        .open())
                .isInstanceOf(WsClient.RefusedException.class);
        await().atMost(WAIT).until(() -> Files.readString(b.log()).contains("trace_id=\"" + TRACE_ID + "\""));

        // the call the function saw is the register span, a child of the accepted handshake's span
        String seenSpan = seen.split("-")[2];
        ExportedSpan call = awaitSpan(
                "node-b", "switchboard.register", span -> span.spanId().equals(seenSpan));
        ExportedSpan handshake = awaitSpan(
                "node-b", "switchboard.handshake", span -> span.spanId().equals(call.parentSpanId()));
        assertThat(call.traceId()).isEqualTo(TRACE_ID);
        assertThat(handshake.traceId()).isEqualTo(TRACE_ID);
        assertThat(handshake.parentSpanId()).isEqualTo(CALLER_SPAN);

        // a failed transfer, a failed cleanup attempt and a refused push log with their trace ids
        functions.on("/transfer", event -> StubFunctionServer.StubResponse.text(500, "broken for the test"));
        functions.on("/cleanup", event -> StubFunctionServer.StubResponse.text(500, "broken for the test"));
        client.sendText("to a broken transfer");
        awaitLogLine(b.log(), "transfer failed", traceIdSeenBy("/transfer"));
        client.close();
        awaitLogLine(b.log(), "cleanup attempt 1 failed", traceIdSeenBy("/cleanup"));
        HttpResponse<String> refused = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.pushPort() + "/push"))
                        .header("Content-Type", "application/json")
                        .header("traceparent", CALLER)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"websocket\":{}}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        awaitLogLine(a.log(), "push API: POST /push answered", TRACE_ID);
    }

    /** The trace id of the first call of {@code path}'s function, from the traceparent it got. */
    private String traceIdSeenBy(String path) {
        String traceparent = await().atMost(WAIT)
                .until(
                        () -> functions.calls(path).stream()
                                .map(call -> call.header("traceparent"))
                                .findFirst(),
                        Optional::isPresent)
                .orElseThrow();
        assertThat(traceparent).as("the traceparent %s got", path).isNotNull();
        return traceparent.split("-")[1];
    }

    /** Waits for a line of {@code log} that holds {@code text} and carries {@code traceId}. */
    private static void awaitLogLine(Path log, String text, String traceId) {
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(Files.readAllLines(log))
                        .as("lines with %s", text)
                        .anyMatch(line -> line.contains(text) && line.contains("trace_id=\"" + traceId + "\"")));
    }

    @Test
    void withTracingOffFunctionsGetNoTraceparentAndNothingIsExported() throws Exception {
        // the receiver's address is given, but no exporter is named: tracing stays off
        ChildNode a = childNode("node-a", Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint()));
        Process process = a.start();
        children.add(process);
        awaitReady(a);

        WsClient client = connectWithCallerTrace(a);
        StubFunctionServer.Call register = functions.calls("/register").get(0);
        String id = register.body().at("/websocket/secConnectionID").asText();
        HttpResponse<String> answer = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.pushPort() + "/push"))
                        .header("Content-Type", "application/json")
                        .header("traceparent", CALLER)
                        .POST(HttpRequest.BodyPublishers.ofString(TestGateway.sendText(id, "untraced")))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(client.next(WAIT).text()).isEqualTo("untraced");

        assertThat(register.header("traceparent")).isNull();
        assertThat(register.body().has("traceparent")).isFalse();
        // a stopped node has flushed whatever it had batched
        process.destroy();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(receiver.spans()).isEmpty();
        assertThat(Files.readString(a.log())).as("the log").doesNotContain("trace_id");
    }

    /** A client of {@code node}'s {@code /chat} whose upgrade request carries the caller's traceparent. */
    private WsClient connectWithCallerTrace(ChildNode node) {
        WsClient client = WsClient.to(URI.create("ws://127.0.0.1:" + node.clientPort() + "/chat"))
                .header("traceparent", CALLER)
                .open();
        clients.add(client);
        return client;
    }

    private Map<String, String> tracingOn() {
        return Map.of(
                "OTEL_TRACES_EXPORTER", "otlp",
                "OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(),
                "OTEL_BSP_SCHEDULE_DELAY", "100");
    }

    private ExportedSpan awaitSpan(String service, String name) {
        return awaitSpan(service, name, span -> true);
    }

    private ExportedSpan awaitSpan(String service, String name, Predicate<ExportedSpan> which) {
        return await().atMost(WAIT)
                .until(
                        () -> receiver.spans().stream()
                                .filter(span -> span.service().equals(service)
                                        && span.name().equals(name)
                                        && which.test(span))
                                .findFirst(),
                        Optional::isPresent)
                .orElseThrow();
    }

    private static void awaitReady(ChildNode... nodes) {
        await().atMost(CHILD_START).until(() -> {
            for (ChildNode node : nodes) {
                if (!LocalPorts.listening(node.clientPort()) || readyz(node.pushPort()) != 200) {
                    return false;
                }
            }
            return true;
        });
    }

    /** A node run from the runnable jar with {@code env} added to its environment. */
    private record ChildNode(String id, int clientPort, int pushPort, Path config, Path log, Map<String, String> env) {
        Process start() throws IOException {
            ProcessBuilder builder =
                    AppJar.serve(config).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().keySet().removeIf(name -> name.startsWith("OTEL_"));
            builder.environment().putAll(env);
            builder.environment().put("OTEL_SERVICE_NAME", id);
            return builder.start();
        }
    }

    private ChildNode childNode(String id, Map<String, String> env) throws IOException {
        int clientPort = LocalPorts.free();
        int pushPort = LocalPorts.free();
        Path config = dir.resolve(id + ".yaml");
        Files.writeString(
                config,
                LocalPorts.clusterNodeConfig(id, clientPort, pushPort, redis, functions)
                        .replace(
                                "      cleanup: ",
                                "      transfer: " + functions.url("/transfer") + "\n      cleanup: "));
        return new ChildNode(id, clientPort, pushPort, config, dir.resolve(id + ".log"), env);
    }

    private static int readyz(int port) {
        try {
            return HTTP.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
