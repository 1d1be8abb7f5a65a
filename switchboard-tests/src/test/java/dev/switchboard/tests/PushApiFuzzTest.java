package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.PushConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.core.json.Json;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.WsClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.BeforeTry;
import net.jqwik.api.statistics.Statistics;

/**
 * Whatever body reaches {@code POST /push}, a real gateway answers it: 200, or a 4xx from the
 * error table of docs/events-and-push.md with {@code {"errNo", "errMsg"}}; never a 5xx, never a connection
 * dropped without an answer. Between tries three live connections stand as targets (bodies name
 * them as {@code $ID0}…{@code $ID2}) so that valid and nearly valid bodies reach real
 * connections; after each property a new client is still served, and at the end every accepted
 * connection, including those closed by fuzzed pushes, got exactly one cleanup.
 */
class PushApiFuzzTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Small, so that random bodies cross it and the 413 path is fuzzed too. */
    private static final int MAX_BODY_BYTES = 4096;
    /** The push API's error answers, status to errNo (docs/events-and-push.md; no token and no cluster here). */
    private static final Map<Integer, Set<Integer>> ERROR_TABLE = Map.of(
            400, Set.of(4000, 4001, 4002, 4003),
            410, Set.of(4100),
            413, Set.of(4130),
            429, Set.of(4290));

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(WAIT)
            .build();

    private static StubFunctionServer functions;
    private static TestGateway gateway;
    private static final List<Target> targets = new ArrayList<>();

    private record Target(WsClient client, String id) {}

    @BeforeContainer
    static void start() {
        functions = StubFunctionServer.start();
        gateway = TestGateway.start(GatewayConfig.builder()
                .push(PushConfig.builder().maxBodyBytes(MAX_BODY_BYTES).build())
                .route(RouteConfig.builder("/chat")
                        .register(functions.target("/register"))
                        .cleanup(functions.target("/cleanup"))
                        .build()));
    }

    @AfterContainer
    static void stop() {
        try {
            targets.forEach(target -> target.client().close());
            List<String> accepted = ids(functions.received("/register"));
            await().atMost(WAIT).until(() -> functions.received("/cleanup").size() >= accepted.size());
            List<String> cleaned = ids(functions.received("/cleanup"));
            assertThat(cleaned).as("one cleanup per accepted connection").hasSameSizeAs(accepted);
            assertThat(new HashSet<>(cleaned)).isEqualTo(new HashSet<>(accepted));
            assertThat(gateway.gateway().openConnections()).isZero();
        } finally {
            gateway.close();
            functions.close();
        }
    }

    /** Replaces targets that a fuzzed push closed, so bodies keep reaching live connections. */
    @BeforeTry
    void keepThreeLiveTargets() {
        targets.removeIf(target -> !target.client().isOpen());
        while (targets.size() < 3) {
            int before = functions.received("/register").size();
            WsClient client = WsClient.open(gateway.ws("/chat"));
            String id = ids(functions.received("/register")).get(before);
            targets.add(new Target(client, id));
        }
    }

    @AfterProperty
    void aWellBehavedClientIsStillServed() {
        int before = functions.received("/register").size();
        try (WsClient client = WsClient.open(gateway.ws("/chat"))) {
            String id = ids(functions.received("/register")).get(before);
            TestGateway.PushResponse response = gateway.push(TestGateway.sendText(id, "still here"));
            assertThat(response.status()).isEqualTo(200);
            assertThat(client.next(WAIT).text()).isEqualTo("still here");
        }
        assertThat(gateway.send(HttpRequest.newBuilder(gateway.pushUri("/healthz"))
                                .build())
                        .status())
                .isEqualTo(200);
    }

    @Property(tries = 1000)
    void randomJsonTreesAreAnsweredFromTheErrorTable(@ForAll("choices") List<Integer> choices) {
        assertAnsweredFromTheTable(withLiveIds(new PushBodies(choices).tree()));
    }

    @Property(tries = 1500)
    void mutatedValidBodiesAreAnsweredFromTheErrorTable(@ForAll("choices") List<Integer> choices) {
        assertAnsweredFromTheTable(withLiveIds(new PushBodies(choices).mutatedValid(Json.mapper())));
    }

    @Property(tries = 500)
    void randomBytesAreAnsweredFromTheErrorTable(@ForAll("bytes") byte[] body) {
        assertAnsweredFromTheTable(body);
    }

    @Provide
    Arbitrary<List<Integer>> choices() {
        return Arbitraries.integers()
                .between(0, 1_000_000)
                .withDistribution(RandomDistribution.uniform())
                .list()
                .ofMinSize(10)
                .ofMaxSize(120);
    }

    /** Mostly short bodies, some around and past the body limit. */
    @Provide
    Arbitrary<byte[]> bytes() {
        return Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(64),
                Arbitraries.bytes()
                        .array(byte[].class)
                        .ofMinSize(MAX_BODY_BYTES - 16)
                        .ofMaxSize(MAX_BODY_BYTES + 64));
    }

    private static byte[] withLiveIds(String body) {
        String text = body;
        for (int i = 0; i < targets.size(); i++) {
            text = text.replace("$ID" + i, targets.get(i).id());
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void assertAnsweredFromTheTable(byte[] body) {
        String shown = new String(body, StandardCharsets.UTF_8);
        HttpResponse<String> response;
        try {
            response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(gateway.pushUri("/push").toString()))
                            .timeout(WAIT)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("no answer (" + e + ") to the body: " + shown, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        int status = response.statusCode();
        JsonNode answer;
        try {
            answer = Json.mapper().readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("HTTP " + status + " with a body that is not JSON: " + response.body(), e);
        }
        int errNo = answer.path("errNo").asInt(-1);
        Statistics.collect(status + " " + errNo);
        assertThat(answer.isObject()).as("answer to %s: %s", shown, answer).isTrue();
        assertThat(answer.path("errMsg").isTextual()).as("errMsg in %s", answer).isTrue();
        if (status == 200) {
            assertThat(errNo).as("errNo of a 200: %s", answer).isZero();
            return;
        }
        assertThat(ERROR_TABLE)
                .as("HTTP %d errNo %d for the body: %s", status, errNo, shown)
                .containsKey(status);
        assertThat(ERROR_TABLE.get(status))
                .as("HTTP %d errNo %d for the body: %s", status, errNo, shown)
                .contains(errNo);
        assertThat(answer.get("errMsg").asText()).isNotBlank();
    }

    private static List<String> ids(List<JsonNode> events) {
        return events.stream()
                .map(event -> event.at("/websocket/secConnectionID").asText())
                .toList();
    }
}
