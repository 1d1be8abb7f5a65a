package dev.switchboard.tests;

import static dev.switchboard.testkit.StubFunctionServer.StubResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.LimitsConfig;
import dev.switchboard.core.config.PushConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.WsClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics}: each counter moves by exactly what a scripted scenario did. */
class MetricsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)$");

    private final StubFunctionServer functions = StubFunctionServer.start();
    private TestGateway gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        functions.close();
    }

    /** One scrape: samples by {@code name{labels}} exactly as exposed. */
    private record Scrape(Map<String, Double> samples) {
        double value(String sample) {
            return samples.getOrDefault(sample, 0.0);
        }
    }

    private Scrape scrape(String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.pushUri("/metrics"));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response =
                HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
        Map<String, Double> samples = new HashMap<>();
        for (String line : response.body().split("\n")) {
            Matcher matcher = SAMPLE.matcher(line);
            if (!line.startsWith("#") && matcher.matches()) {
                samples.put(
                        matcher.group(1) + (matcher.group(2) == null ? "" : matcher.group(2)),
                        Double.parseDouble(matcher.group(3)));
            }
        }
        return new Scrape(samples);
    }

    private static double delta(Scrape before, Scrape after, String sample) {
        return after.value(sample) - before.value(sample);
    }

    @Test
    void everyCounterMovesByExactlyTheScriptedAmount() throws Exception {
        functions.on(
                "/register",
                event -> event.at("/queryString/deny").asText().equals("1")
                        ? StubResponse.refuse(7, "no")
                        : StubResponse.accept(null));
        functions.on("/transfer", event -> {
            var body = StubFunctionServer.json();
            body.putObject("reply").put("dataType", "text").put("data", "ack");
            return StubResponse.json(body);
        });
        LimitsConfig limits =
                LimitsConfig.builder().outboundBufferBytes(32 * 1024).build();
        gateway = TestGateway.start(GatewayConfig.builder()
                .limits(limits)
                .push(PushConfig.defaults().withToken("t0ken"))
                .route(RouteConfig.builder("/chat")
                        .register(functions.target("/register"))
                        .transfer(functions.target("/transfer"))
                        .cleanup(functions.target("/cleanup"))
                        .build()));
        Scrape before = scrape("t0ken");

        // 3 accepted, 1 refused by the function, 1 refused for an unknown path
        WsClient a = WsClient.open(gateway.ws("/chat"));
        WsClient b = WsClient.open(gateway.ws("/chat"));
        WsClient slow = WsClient.to(gateway.ws("/chat")).receiveBuffer(4096).open();
        WsClient.to(gateway.ws("/chat?deny=1")).refused();
        WsClient.to(gateway.ws("/nowhere")).refused();
        List<String> ids = functions.received("/register").stream()
                .filter(e -> !e.at("/queryString/deny").asText().equals("1"))
                .map(e -> e.at("/websocket/secConnectionID").asText())
                .toList();
        // 4 messages in ("hello" x4, 5 bytes each), 4 replies out ("ack", 3 bytes each)
        for (int i = 0; i < 2; i++) {
            a.sendText("hello");
            b.sendText("hello");
        }
        a.next(2, WAIT);
        b.next(2, WAIT);
        // 1 push to a (7 bytes), 1 push to an unknown id, 1 join
        assertThat(gateway.push(TestGateway.sendText(ids.get(0), "pushed!"), "t0ken")
                        .status())
                .isEqualTo(200);
        assertThat(gateway.push(TestGateway.sendText("test.unknown", "x"), "t0ken")
                        .status())
                .isEqualTo(410);
        assertThat(gateway.push(
                                "{\"websocket\":{\"action\":\"join\",\"secConnectionID\":\"" + ids.get(2)
                                        + "\",\"group\":\"slow\"}}",
                                "t0ken")
                        .status())
                .isEqualTo(200);
        a.next(WAIT);
        // a kick of b
        gateway.send(HttpRequest.newBuilder(gateway.pushUri("/connections/" + ids.get(1)))
                .header("Authorization", "Bearer t0ken")
                .DELETE()
                .build());
        b.awaitClose(WAIT);
        // the slow reader gets group pushes until it is closed as a slow consumer
        slow.reading(false);
        String big = "z".repeat(16 * 1024);
        int groupPushes = 0;
        while (gateway.push(
                                "{\"websocket\":{\"action\":\"data send\",\"group\":\"slow\",\"dataType\":\"text\",\"data\":\""
                                        + big + "\"}}",
                                "t0ken")
                        .body()
                        .get("failed")
                        .asInt()
                == 0) {
            groupPushes++;
        }
        await().atMost(WAIT).until(() -> functions.received("/cleanup").size() == 2);
        a.close(1000, "bye");
        a.awaitClose(WAIT);
        await().atMost(WAIT).until(() -> functions.received("/cleanup").size() == 3);

        Scrape after = scrape("t0ken");
        String route = "route=\"/chat\"";
        assertThat(delta(before, after, "switchboard_connects_total{outcome=\"accepted\",reason=\"\"," + route + "}"))
                .isEqualTo(3);
        assertThat(delta(
                        before,
                        after,
                        "switchboard_connects_total{outcome=\"refused\",reason=\"function\"," + route + "}"))
                .isEqualTo(1);
        assertThat(delta(
                        before,
                        after,
                        "switchboard_connects_total{outcome=\"refused\",reason=\"not-found\",route=\"\"}"))
                .isEqualTo(1);
        assertThat(delta(before, after, "switchboard_messages_received_total{" + route + "}"))
                .isEqualTo(4);
        assertThat(delta(before, after, "switchboard_received_bytes_total{" + route + "}"))
                .isEqualTo(20);
        assertThat(delta(before, after, "switchboard_messages_sent_total{" + route + "}"))
                .isEqualTo(4 + 1 + groupPushes);
        assertThat(delta(before, after, "switchboard_push_requests_total{action=\"data-send\",outcome=\"ok\"}"))
                .isEqualTo(1 + groupPushes + 1);
        assertThat(delta(
                        before,
                        after,
                        "switchboard_push_requests_total{action=\"data-send\",outcome=\"connection-gone\"}"))
                .isEqualTo(1);
        assertThat(delta(before, after, "switchboard_push_requests_total{action=\"join\",outcome=\"ok\"}"))
                .isEqualTo(1);
        assertThat(delta(before, after, "switchboard_push_requests_total{action=\"close-connection\",outcome=\"ok\"}"))
                .isEqualTo(1);
        assertThat(delta(
                        before,
                        after,
                        "switchboard_disconnects_total{closed_by=\"admin\",code=\"1000\"," + route + "}"))
                .isEqualTo(1);
        assertThat(delta(
                        before,
                        after,
                        "switchboard_disconnects_total{closed_by=\"slow-consumer\",code=\"1013\"," + route + "}"))
                .isEqualTo(1);
        assertThat(delta(
                        before,
                        after,
                        "switchboard_disconnects_total{closed_by=\"client\",code=\"1000\"," + route + "}"))
                .isEqualTo(1);
        assertThat(delta(before, after, "switchboard_slow_consumer_closes_total{" + route + "}"))
                .isEqualTo(1);
        assertThat(after.value("switchboard_connections_open{" + route + "}")).isZero();
        assertThat(delta(
                        before,
                        after,
                        "switchboard_function_duration_seconds_count{function=\"register\",outcome=\"ok\"," + route
                                + "}"))
                .isEqualTo(3);
        assertThat(delta(
                        before,
                        after,
                        "switchboard_function_duration_seconds_count{function=\"register\",outcome=\"refused\"," + route
                                + "}"))
                .isEqualTo(1);
        assertThat(delta(
                        before,
                        after,
                        "switchboard_function_duration_seconds_count{function=\"transfer\",outcome=\"ok\"," + route
                                + "}"))
                .isEqualTo(4);
        assertThat(delta(
                        before,
                        after,
                        "switchboard_function_duration_seconds_count{function=\"cleanup\",outcome=\"ok\"," + route
                                + "}"))
                .isEqualTo(3);
        assertThat(after.samples().keySet()).anyMatch(name -> name.startsWith("jvm_memory_used_bytes"));
        assertThat(after.samples().keySet()).anyMatch(name -> name.startsWith("process_cpu_usage"));
        assertThat(after.samples().keySet()).noneMatch(name -> name.contains(ids.get(0)));
        slow.close();
    }

    @Test
    void metricsNeedTheTokenLikeEveryOtherEndpoint() throws Exception {
        gateway = TestGateway.start(GatewayConfig.builder()
                .push(PushConfig.defaults().withToken("t0ken"))
                .route(RouteConfig.builder("/chat").build()));

        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(gateway.pushUri("/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void readyzTurnsUnavailableWhileDraining() throws Exception {
        functions.on("/cleanup", event -> StubResponse.ok().after(Duration.ofSeconds(2)));
        gateway = TestGateway.start(RouteConfig.builder("/chat")
                .cleanup(functions.target("/cleanup"))
                .build());
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest readyz = HttpRequest.newBuilder(gateway.pushUri("/readyz")).build();
        HttpRequest healthz =
                HttpRequest.newBuilder(gateway.pushUri("/healthz")).build();
        WsClient client = WsClient.open(gateway.ws("/chat"));

        assertThat(http.send(readyz, HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(200);
        Thread stopping = new Thread(gateway::close);
        stopping.start();
        client.awaitClose(WAIT);

        // the slow cleanup holds the drain open: not ready, but alive
        HttpResponse<String> draining = http.send(readyz, HttpResponse.BodyHandlers.ofString());
        assertThat(draining.statusCode()).isEqualTo(503);
        assertThat(draining.body()).contains("\"errNo\":5031");
        assertThat(http.send(healthz, HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(200);
        stopping.join(WAIT.toMillis());
        gateway = null;
    }
}
