package dev.switchboard.tests;

import static dev.switchboard.testkit.StubFunctionServer.StubResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.core.json.Json;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.WsClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Accepting and refusing connections through a real registration function over HTTP. */
class HandshakeTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private StubFunctionServer functions;
    private TestGateway gateway;

    @BeforeEach
    void startFunctions() {
        functions = StubFunctionServer.start();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        functions.close();
    }

    private void startGateway(RouteConfig.Builder route) {
        gateway = TestGateway.start(route.build());
    }

    private RouteConfig.Builder chatRoute() {
        return RouteConfig.builder("/chat")
                .register(functions.target("/register"))
                .transfer(functions.target("/transfer"))
                .cleanup(functions.target("/cleanup"));
    }

    @Test
    void errNoZeroAcceptsAndTheConnectEventDescribesTheRequest() throws Exception {
        startGateway(chatRoute());

        try (WsClient client = WsClient.to(gateway.ws("/chat?token=abc&room=1"))
                .header("User-Agent", "handshake-test")
                .open()) {
            assertThat(client.isOpen()).isTrue();
        }

        JsonNode event = functions.received("/register").get(0);
        assertThat(event.at("/websocket/action").asText()).isEqualTo("connecting");
        assertThat(event.at("/websocket/secConnectionID").asText()).startsWith("test.");
        assertThat(event.at("/websocket/secWebSocketProtocol").isMissingNode()).isTrue();
        assertThat(event.at("/requestContext/path").asText()).isEqualTo("/chat");
        assertThat(event.at("/requestContext/httpMethod").asText()).isEqualTo("GET");
        assertThat(event.at("/requestContext/sourceIp").asText()).isEqualTo("127.0.0.1");
        assertThat(event.at("/requestContext/serviceId").asText()).isEqualTo("service-local");
        assertThat(event.at("/requestContext/stage").asText()).isEqualTo("release");
        assertThat(event.at("/requestContext/websocketEnable").asBoolean()).isTrue();
        assertThat(event.at("/queryString/token").asText()).isEqualTo("abc");
        assertThat(event.at("/queryString/room").asText()).isEqualTo("1");
        assertThat(event.at("/headers/user-agent").asText()).isEqualTo("handshake-test");
        assertThat(event.at("/requestPath").asText()).isEqualTo("/chat");
        String requestId = event.at("/requestContext/requestId").asText();
        assertThat(functions.calls("/register").get(0).header("X-Switchboard-Request-Id"))
                .isEqualTo(requestId);
    }

    @Test
    void errNoNotZeroRefusesWith403AndTheFunctionsMessage() throws Exception {
        functions.on("/register", event -> StubResponse.refuse(1, "token expired"));
        startGateway(chatRoute());

        WsClient.Refused refused = WsClient.to(gateway.ws("/chat")).refused();

        assertThat(refused.status()).isEqualTo(403);
        JsonNode body = Json.mapper().readTree(refused.body());
        assertThat(body.get("errNo").asInt()).isEqualTo(1);
        assertThat(body.get("errMsg").asText()).isEqualTo("token expired");
        assertNoCleanupFor(functions);
    }

    @Test
    void refusalMayChooseItsHttpStatus() throws Exception {
        functions.on(
                "/register",
                event -> StubResponse.json(StubFunctionServer.json()
                        .put("errNo", 42)
                        .put("errMsg", "slow down")
                        .put("httpStatus", 429)));
        startGateway(chatRoute());

        WsClient.Refused refused = WsClient.to(gateway.ws("/chat")).refused();

        assertThat(refused.status()).isEqualTo(429);
        assertThat(Json.mapper().readTree(refused.body()).get("errNo").asInt()).isEqualTo(42);
    }

    @Test
    void registrationFunctionThatIsDownRefuses() throws Exception {
        StubFunctionServer down = StubFunctionServer.start();
        String url = down.url("/register");
        down.close();
        startGateway(chatRoute().register(dev.switchboard.core.function.FunctionTarget.parse(url)));

        WsClient.Refused refused = WsClient.to(gateway.ws("/chat")).refused();

        assertThat(refused.status()).isEqualTo(403);
        assertThat(Json.mapper().readTree(refused.body()).get("errNo").asInt()).isEqualTo(4031);
        assertNoCleanupFor(functions);
    }

    @Test
    void registrationSlowerThanItsTimeoutRefuses() throws Exception {
        functions.on("/register", event -> StubResponse.accept(null).after(Duration.ofSeconds(3)));
        startGateway(chatRoute().registerTimeout(Duration.ofMillis(300)));

        long started = System.nanoTime();
        WsClient.Refused refused = WsClient.to(gateway.ws("/chat")).refused();

        assertThat(refused.status()).isEqualTo(403);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        assertNoCleanupFor(functions);
    }

    @Test
    void registrationAnswering500Refuses() throws Exception {
        functions.on("/register", event -> StubResponse.json(500, "{\"errNo\":0}"));
        startGateway(chatRoute());

        assertThat(WsClient.to(gateway.ws("/chat")).refused().status()).isEqualTo(403);
    }

    @Test
    void registrationAnsweringSomethingOtherThanJsonRefuses() throws Exception {
        functions.on("/register", event -> StubResponse.text(200, "OK"));
        startGateway(chatRoute());

        WsClient.Refused refused = WsClient.to(gateway.ws("/chat")).refused();

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body()).contains("\"errNo\":4031");
    }

    @Test
    void routeWithoutRegistrationFunctionAcceptsEveryone() {
        startGateway(RouteConfig.builder("/open").transfer(functions.target("/transfer")));

        try (WsClient client = WsClient.open(gateway.ws("/open"))) {
            client.sendText("hi");
            await().atMost(WAIT).until(() -> functions.received("/transfer").size() == 1);
        }
    }

    @Test
    void unknownPathAnswers404() throws Exception {
        startGateway(chatRoute());

        WsClient.Refused refused = WsClient.to(gateway.ws("/nowhere")).refused();

        assertThat(refused.status()).isEqualTo(404);
        assertThat(Json.mapper().readTree(refused.body()).get("errNo").asInt()).isEqualTo(4040);
        assertThat(functions.received("/register")).isEmpty();
    }

    @Test
    void plainHttpRequestToARouteAnswers426() throws Exception {
        startGateway(chatRoute());
        var http = java.net.http.HttpClient.newHttpClient();

        var response = http.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                                + gateway.gateway().clientAddress().getPort() + "/chat"))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(426);
        assertThat(response.body()).contains("\"errNo\":4260");
    }

    private static void assertNoCleanupFor(StubFunctionServer functions) {
        // a refused connection never gets a cleanup; the registration call itself is the last call
        assertThat(functions.received("/cleanup")).isEmpty();
    }
}
