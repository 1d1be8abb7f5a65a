package dev.switchboard.adversarial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.json.Json;
import dev.switchboard.testkit.FaultyFunctionServer;
import dev.switchboard.testkit.FaultyFunctionServer.Call;
import dev.switchboard.testkit.FaultyFunctionServer.Fault;
import dev.switchboard.testkit.FaultyFunctionServer.FaultPlan;
import dev.switchboard.testkit.WsClient;
import dev.switchboard.testkit.WsClient.Closed;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import net.jqwik.api.Example;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Clients of a route whose three HTTP functions misbehave on a seeded schedule
 * ({@link FaultyFunctionServer}: hang, drop, cut, reset, huge, slow, garbage, 500). For every
 * connection the client sees the documented result (a refused handshake is HTTP 403 errNo 4031,
 * a failed transfer closes with 1011 {@code transfer failed}, an answered one brings its reply),
 * no registration or transfer call is made twice (by requestId), a cleanup is retried only after
 * an attempt that failed and never after one that was answered, every accepted connection gets
 * exactly one cleanup, and the process stays healthy.
 *
 * <p>The build runs {@value #CONNECTIONS} connections from seed {@value #SEED};
 * {@code -Dadversarial.seed=N -Dadversarial.duration=10m} runs longer.
 */
class FunctionFaultTest {
    static final long SEED = 14L;
    static final int CONNECTIONS = 48;

    private static final int MESSAGES = 4;
    private static final int CLIENTS_AT_ONCE = 6;
    private static final double FAULT_RATE = 0.3;
    private static final int MAX_FAULTY_ATTEMPTS = 3;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final List<String> anomalies = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, String> expectedCleanups = new ConcurrentHashMap<>();
    private FaultPlan plan;
    private FaultyFunctionServer functions;
    private GatewayProcess gateway;

    @Example
    void faultyFunctionsNeverGetACallTwiceAndEveryClientSeesTheDocumentedResult() throws Exception {
        RunPlan run = RunPlan.of("FunctionFaultTest", SEED, CONNECTIONS);
        plan = FaultPlan.random(
                run.seed(), FAULT_RATE, EnumSet.complementOf(EnumSet.of(Fault.ANSWER)), MAX_FAULTY_ATTEMPTS);
        functions = FaultyFunctionServer.start(plan, Duration.ofMillis(300))
                .on("/register", FunctionFaultTest::accept)
                .on("/transfer", FunctionFaultTest::echo);
        Path dir = Files.createTempDirectory(Path.of("target"), "function-faults");
        gateway = GatewayProcess.start(dir, config(), "256m");
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS_AT_ONCE);
        try (FaultyFunctionServer calls = functions;
                GatewayProcess node = gateway;
                Invariants invariants = new Invariants(gateway, gateway.openFiles() + 300, 200L << 20)) {
            long start = System.nanoTime();
            AtomicInteger next = new AtomicInteger();
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < CLIENTS_AT_ONCE; i++) {
                running.add(clients.submit(() -> {
                    for (int n = next.getAndIncrement(); run.more(n, start); n = next.getAndIncrement()) {
                        try {
                            client(n);
                        } catch (AssertionError | RuntimeException e) {
                            anomalies.add("client " + n + ": " + e);
                        }
                    }
                }));
            }
            for (Future<?> client : running) {
                client.get();
            }
            int connections = next.get() - CLIENTS_AT_ONCE;
            try {
                await().atMost(WAIT).until(() -> undelivered().isEmpty());
            } catch (ConditionTimeoutException e) {
                anomalies.add("cleanups never answered: " + undelivered());
            }
            checkCalls();
            invariants.check();
            report(connections, invariants, start);
            assertThat(invariants.breaches()).as("process invariants").isEmpty();
            assertThat(anomalies).as("anomalies").isEmpty();
        } finally {
            clients.shutdownNow();
            clients.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private String config() {
        return """
                listen: 127.0.0.1:0
                push:
                  listen: 127.0.0.1:0
                cleanup-retry-for: 60s
                limits:
                  connect-rate-per-ip: 100000
                routes:
                  - path: /faulty
                    circuit-breaker:
                      failures: 0
                    timeouts:
                      register: 3s
                      transfer: 3s
                      cleanup: 3s
                    functions:
                      register: %s
                      transfer: %s
                      cleanup: %s
                """.formatted(functions.url("/register"), functions.url("/transfer"), functions.url("/cleanup"));
    }

    /** One client: connects, sends its messages one at a time, closes; each step checked against the plan. */
    private void client(int n) {
        String client = String.valueOf(n);
        boolean accepted = choose("/register", "queryString", "client", client).answered();
        URI uri = URI.create("ws://127.0.0.1:" + gateway.clientPort() + "/faulty?client=" + client);
        WsClient ws;
        try {
            ws = WsClient.open(uri);
        } catch (WsClient.RefusedException e) {
            if (accepted) {
                anomalies.add(
                        "client " + n + ": refused (" + e.getMessage() + ") though its registration was answered");
            } else if (e.refused().status() != 403 || !e.refused().body().contains("\"errNo\":4031")) {
                anomalies.add("client " + n + ": refused with " + e.getMessage() + " (expected: 403, errNo 4031)");
            }
            return;
        }
        if (!accepted) {
            anomalies.add("client " + n + ": accepted though its registration failed");
        }
        expectedCleanups.put(client, "?");
        try (ws) {
            expectedCleanups.put(client, exchange(n, ws));
        }
    }

    /** Sends the client's messages one at a time; returns the cleanup its connection should get. */
    private String exchange(int n, WsClient ws) {
        for (int i = 0; i < MESSAGES; i++) {
            String data = "client " + n + " message " + i;
            ws.sendText(data);
            if (!choose("/transfer", "websocket", "data", data).answered()) {
                Closed closed;
                try {
                    closed = ws.awaitClose(WAIT);
                } catch (AssertionError e) {
                    anomalies.add("client " + n + ": '" + data + "' failed but the connection stayed open"
                            + (ws.pending() > 0 ? ", with a reply" : ""));
                    return "?";
                }
                if (closed.code() != 1011 || !closed.reason().equals("transfer failed")) {
                    anomalies.add("client " + n + ": '" + data + "' failed, closed with " + closed
                            + " (expected: 1011 transfer failed)");
                }
                return "transfer-error 1011";
            }
            WsClient.Message reply = ws.poll(WAIT);
            if (reply == null || !reply.text().equals(data)) {
                anomalies.add("client " + n + ": reply to '" + data + "' was " + (reply == null ? "none" : reply.text())
                        + (ws.isOpen() ? "" : ", closed with " + ws.awaitClose(WAIT)));
                return "?";
            }
        }
        ws.close(1000, "bye");
        ws.awaitClose(WAIT);
        return "client 1000";
    }

    /** The plan's fault for the first attempt of a call whose stable part is {@code field.key = value}. */
    private Fault choose(String path, String field, String key, String value) {
        ObjectNode event = Json.mapper().createObjectNode();
        event.putObject(field).put(key, value);
        return plan.choose(path, event, 1);
    }

    /** Accepted connections whose cleanup has not been answered yet. */
    private List<String> undelivered() {
        List<String> open = new ArrayList<>();
        for (String client : expectedCleanups.keySet()) {
            boolean answered = functions.calls("/cleanup").stream()
                    .filter(call ->
                            client.equals(call.event().at("/context/client").asText()))
                    .anyMatch(call -> call.fault().answered());
            if (!answered) {
                open.add(client);
            }
        }
        return open;
    }

    /** No registration or transfer twice; cleanups retried only after failed attempts, one per connection. */
    private void checkCalls() {
        for (Call call : functions.calls()) {
            if (!call.path().equals("/cleanup") && call.attempt() > 1) {
                anomalies.add(call.path() + " call " + call.requestId() + " made " + call.attempt()
                        + " times (earlier attempt: " + earlier(call).fault() + ")");
            }
        }
        Map<String, List<Call>> byClient = functions.calls("/cleanup").stream()
                .collect(Collectors.groupingBy(
                        call -> call.event().at("/context/client").asText()));
        expectedCleanups.forEach((client, expected) -> {
            List<Call> attempts = byClient.getOrDefault(client, List.of());
            if (attempts.stream().map(Call::requestId).distinct().count() != 1) {
                anomalies.add("client " + client + ": " + attempts.size() + " cleanup calls with request ids "
                        + attempts.stream().map(Call::requestId).distinct().toList());
                return;
            }
            for (int i = 0; i < attempts.size() - 1; i++) {
                if (attempts.get(i).fault().answered()) {
                    anomalies.add("client " + client + ": cleanup retried after an answered attempt ("
                            + attempts.stream().map(Call::fault).toList() + ")");
                }
            }
            JsonNode event = attempts.get(0).event();
            String actual = event.path("closedBy").asText() + " "
                    + event.path("closeCode").asInt();
            if (!expected.equals("?") && !actual.equals(expected)) {
                anomalies.add("client " + client + ": cleanup says " + actual + " (expected: " + expected + ")");
            }
        });
        long unknown = functions.calls("/cleanup").stream()
                .filter(call -> !expectedCleanups.containsKey(
                        call.event().at("/context/client").asText()))
                .count();
        if (unknown > 0) {
            anomalies.add(unknown + " cleanup calls for connections that were never accepted");
        }
    }

    private Call earlier(Call call) {
        return functions.calls(call.path()).stream()
                .filter(other -> other.requestId().equals(call.requestId()) && other.attempt() == call.attempt() - 1)
                .findFirst()
                .orElse(call);
    }

    private static String accept(JsonNode event) {
        ObjectNode body = Json.mapper().createObjectNode().put("errNo", 0).put("errMsg", "ok");
        body.putObject("context").put("client", event.at("/queryString/client").asText());
        return body.toString();
    }

    private static String echo(JsonNode event) {
        ObjectNode body = Json.mapper().createObjectNode().put("errNo", 0).put("errMsg", "ok");
        body.putObject("reply")
                .put("dataType", "text")
                .put("data", event.at("/websocket/data").asText());
        return body.toString();
    }

    private void report(int connections, Invariants invariants, long start) {
        System.out.printf(
                "FunctionFaultTest: %d connections, %d function calls in %d s, %d anomalies; %d checks of what"
                        + " clients saw and of the calls (each call, each cleanup), %d process checks (%s)%n",
                connections,
                functions.calls().size(),
                Duration.ofNanos(System.nanoTime() - start).toSeconds(),
                anomalies.size(),
                connections + functions.calls().size() + expectedCleanups.size(),
                invariants.checks(),
                invariants.peaks());
        functions.faultCounts().forEach((fault, count) -> System.out.printf("  %6d  %s%n", count, fault));
        anomalies.forEach(anomaly -> System.out.println("ANOMALY " + anomaly));
    }
}
