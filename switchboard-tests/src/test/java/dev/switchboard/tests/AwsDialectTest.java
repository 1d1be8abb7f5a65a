package dev.switchboard.tests;

import static dev.switchboard.testkit.StubFunctionServer.StubResponse;
import static dev.switchboard.testkit.StubFunctionServer.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.AwsDialectConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.core.function.FunctionTarget;
import dev.switchboard.core.json.Json;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.WsClient;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A route with {@code dialect: aws} behaves like an API Gateway WebSocket API with Lambda-proxy
 * integrations, seen from a real client and real HTTP functions: the event shapes, route
 * selection, the {@code Forbidden} and {@code Internal server error} frames, the {@code $connect}
 * status and subprotocol, route responses and binary frames.
 */
class AwsDialectTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final StubFunctionServer functions = StubFunctionServer.start();
    private TestGateway gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        functions.close();
    }

    /** $connect, $default, $disconnect and sendmessage on the stub, stage "production". */
    private RouteConfig.Builder awsRoute() {
        return RouteConfig.builder("/aws")
                .dialect(aws().build())
                .stage("production")
                .register(functions.target("/connect"))
                .transfer(functions.target("/default"))
                .cleanup(functions.target("/disconnect"));
    }

    /** Api id abc123, and sendmessage on the stub. */
    private AwsDialectConfig.Builder aws() {
        return AwsDialectConfig.builder().apiId("abc123").routeKey("sendmessage", functions.target("/sendmessage"));
    }

    private void start(UnaryOperator<RouteConfig.Builder> route) {
        gateway = TestGateway.start(route.apply(awsRoute()).build());
    }

    private WsClient open(String query) {
        return WsClient.to(gateway.ws("/aws" + query))
                .header("User-Agent", "aws-dialect-test")
                .header("X-Custom-Header", "v1")
                .open();
    }

    private String connectionIdOf(int index) {
        await().atMost(WAIT).until(() -> functions.received("/connect").size() > index);
        return functions
                .received("/connect")
                .get(index)
                .at("/requestContext/connectionId")
                .asText();
    }

    private static JsonNode parse(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError(text, e);
        }
    }

    @Test
    void connectEventHasTheLambdaProxyShape() {
        start(route -> route);
        long before = System.currentTimeMillis();
        try (WsClient client = open("?token=abc&tag=a&tag=b")) {
            JsonNode event = functions.received("/connect").get(0);
            JsonNode context = event.get("requestContext");
            assertThat(context.get("routeKey").asText()).isEqualTo("$connect");
            assertThat(context.get("eventType").asText()).isEqualTo("CONNECT");
            assertThat(context.get("messageDirection").asText()).isEqualTo("IN");
            assertThat(context.get("stage").asText()).isEqualTo("production");
            assertThat(context.get("apiId").asText()).isEqualTo("abc123");
            assertThat(context.get("domainName").asText())
                    .isEqualTo("127.0.0.1:" + gateway.gateway().pushAddress().getPort());
            assertThat(context.get("connectionId").asText()).startsWith("test.");
            assertThat(context.get("requestId").asText())
                    .isNotEmpty()
                    .isEqualTo(context.get("extendedRequestId").asText());
            assertThat(context.get("requestTime").asText())
                    .matches("\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} \\+0000");
            assertThat(context.get("requestTimeEpoch").asLong()).isBetween(before, System.currentTimeMillis());
            assertThat(context.get("connectedAt").asLong()).isBetween(before, System.currentTimeMillis());
            assertThat(context.at("/identity/sourceIp").asText()).isEqualTo("127.0.0.1");
            assertThat(context.at("/identity/userAgent").asText()).isEqualTo("aws-dialect-test");
            assertThat(event.at("/headers/X-Custom-Header").asText()).isEqualTo("v1");
            assertThat(event.at("/multiValueHeaders/X-Custom-Header/0").asText())
                    .isEqualTo("v1");
            assertThat(event.at("/queryStringParameters/token").asText()).isEqualTo("abc");
            assertThat(event.at("/multiValueQueryStringParameters/tag").toString())
                    .isEqualTo("[\"a\",\"b\"]");
            assertThat(event.get("isBase64Encoded").asBoolean(true)).isFalse();
        }
    }

    @Test
    void connectEventWithoutQueryHasNoQueryParameters() {
        start(route -> route);
        try (WsClient client = open("")) {
            JsonNode event = functions.received("/connect").get(0);
            assertThat(event.has("queryStringParameters")).isFalse();
            assertThat(event.has("multiValueQueryStringParameters")).isFalse();
        }
    }

    @Test
    void routeSelectionExpressionPicksTheFunctionAndFallsBackToDefault() {
        start(route -> route);
        try (WsClient client = open("")) {
            client.sendText("{\"action\":\"sendmessage\",\"message\":\"hi\"}");
            client.sendText("{\"action\":\"unknown\"}");
            client.sendText("not json at all");
            await().atMost(WAIT).until(() -> functions.received("/default").size() == 2);
            await().atMost(WAIT).until(() -> functions.received("/sendmessage").size() == 1);

            JsonNode selected = functions.received("/sendmessage").get(0);
            assertThat(selected.at("/requestContext/routeKey").asText()).isEqualTo("sendmessage");
            assertThat(selected.at("/requestContext/eventType").asText()).isEqualTo("MESSAGE");
            assertThat(selected.at("/requestContext/messageId").asText()).isNotEmpty();
            assertThat(selected.at("/requestContext/connectionId").asText()).isEqualTo(connectionIdOf(0));
            assertThat(selected.get("body").asText()).isEqualTo("{\"action\":\"sendmessage\",\"message\":\"hi\"}");
            assertThat(selected.get("isBase64Encoded").asBoolean(true)).isFalse();

            List<JsonNode> fallback = functions.received("/default");
            assertThat(fallback)
                    .extracting(event -> event.at("/requestContext/routeKey").asText())
                    .containsExactly("$default", "$default");
            assertThat(fallback.get(1).get("body").asText()).isEqualTo("not json at all");
        }
    }

    @Test
    void templateExpressionsCombineFields() {
        start(route -> route.dialect(aws().routeSelectionExpression("${request.body.service}/${request.body.verb}")
                .routeKey("chat/send", functions.target("/chat-send"))
                .build()));
        try (WsClient client = open("")) {
            client.sendText("{\"service\":\"chat\",\"verb\":\"send\"}");
            client.sendText("{\"service\":\"chat\"}");
            await().atMost(WAIT).until(() -> functions.received("/chat-send").size() == 1);
            await().atMost(WAIT).until(() -> functions.received("/default").size() == 1);
            assertThat(functions
                            .received("/chat-send")
                            .get(0)
                            .at("/requestContext/routeKey")
                            .asText())
                    .isEqualTo("chat/send");
        }
    }

    @Test
    void unmatchedMessageWithoutDefaultGetsForbiddenAndTheClientStays() {
        start(route -> route.transfer(null));
        try (WsClient client = open("")) {
            String id = connectionIdOf(0);
            client.sendText("{\"action\":\"nothing-here\"}");
            JsonNode forbidden = parse(client.next(WAIT).text());
            assertThat(forbidden.get("message").asText()).isEqualTo("Forbidden");
            assertThat(forbidden.get("connectionId").asText()).isEqualTo(id);
            assertThat(forbidden.get("requestId").asText()).isNotEmpty();

            client.sendText("{\"action\":\"sendmessage\"}");
            await().atMost(WAIT).until(() -> functions.received("/sendmessage").size() == 1);
            assertThat(client.isOpen()).isTrue();
        }
    }

    @Test
    void failingHandlerGetsTheClientAnInternalServerErrorFrameAndKeepsIt() {
        functions.on("/sendmessage", event -> StubResponse.text(500, "boom"));
        start(route -> route);
        try (WsClient client = open("")) {
            String id = connectionIdOf(0);
            client.sendText("{\"action\":\"sendmessage\"}");
            JsonNode error = parse(client.next(WAIT).text());
            assertThat(error.get("message").asText()).isEqualTo("Internal server error");
            assertThat(error.get("connectionId").asText()).isEqualTo(id);
            assertThat(error.get("requestId").asText())
                    .isEqualTo(functions
                            .received("/sendmessage")
                            .get(0)
                            .at("/requestContext/requestId")
                            .asText());

            client.sendText("{\"action\":\"other\"}");
            await().atMost(WAIT).until(() -> functions.received("/default").size() == 1);
            assertThat(client.isOpen()).isTrue();
        }
    }

    @Test
    void connectStatusCodeIsTheHandshakeStatus() {
        functions.on(
                "/connect",
                event -> StubResponse.json(json().put("statusCode", 401)
                        .put("body", "no token")
                        .set("headers", json().put("X-Reason", "token"))));
        start(route -> route);

        WsClient.Refused refused = WsClient.to(gateway.ws("/aws")).refused();
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.body()).isEqualTo("no token");
        assertThat(refused.headers().get("X-Reason")).isEqualTo("token");
        assertThat(functions.received("/disconnect")).isEmpty();
    }

    @Test
    void failingConnectHandlerGives502() {
        functions.on("/connect", event -> StubResponse.text(500, "crashed"));
        start(route -> route);

        assertThat(WsClient.to(gateway.ws("/aws")).refused().status()).isEqualTo(502);
    }

    @Test
    void subprotocolIsNeverEchoedAutomatically() throws Exception {
        start(route -> route);
        // as on AWS, the handshake carries no subprotocol unless $connect chose one; a client that
        // insists on one (Netty's, browsers) then fails, the JDK's accepts
        WebSocket socket = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .subprotocols("chat", "superchat")
                .buildAsync(gateway.ws("/aws"), new WebSocket.Listener() {})
                .get(10, TimeUnit.SECONDS);
        assertThat(socket.getSubprotocol()).isEmpty();
        socket.sendClose(1000, "done").get(10, TimeUnit.SECONDS);
        assertThat(functions
                        .received("/connect")
                        .get(0)
                        .at("/headers/Sec-WebSocket-Protocol")
                        .asText())
                .isEqualTo("chat, superchat");
    }

    @Test
    void subprotocolIsWhatTheConnectResponseHeaderSays() {
        functions.on(
                "/connect",
                event -> StubResponse.json(json().put("statusCode", 200)
                        .set("headers", json().put("Sec-WebSocket-Protocol", "superchat"))));
        start(route -> route);
        try (WsClient client =
                WsClient.to(gateway.ws("/aws")).subprotocols("chat, superchat").open()) {
            assertThat(client.subprotocol()).isEqualTo("superchat");
        }
    }

    @Test
    void routeResponseSendsTheBodyBack() {
        functions.on(
                "/sendmessage",
                event -> StubResponse.json(json().put("statusCode", 200)
                        .put("body", "pong: " + event.get("body").asText())));
        start(route -> route.dialect(aws().routeResponse(true).build()));
        try (WsClient client = open("")) {
            client.sendText("{\"action\":\"sendmessage\"}");
            assertThat(client.next(WAIT).text()).isEqualTo("pong: {\"action\":\"sendmessage\"}");
        }
    }

    @Test
    void withoutRouteResponseNothingIsSentBack() {
        functions.on(
                "/sendmessage",
                event -> StubResponse.json(json().put("statusCode", 200).put("body", "pong")));
        start(route -> route);
        try (WsClient client = open("")) {
            client.sendText("{\"action\":\"sendmessage\"}");
            await().atMost(WAIT).until(() -> functions.received("/sendmessage").size() == 1);
            assertThat(client.poll(Duration.ofMillis(300))).isNull();
        }
    }

    @Test
    void binaryFramesCloseWith1003() {
        start(route -> route);
        try (WsClient client = open("")) {
            client.sendBinary(new byte[] {1, 2, 3});
            assertThat(client.awaitClose(WAIT).code()).isEqualTo(1003);
        }
        await().atMost(WAIT).until(() -> functions.received("/disconnect").size() == 1);
        assertThat(functions
                        .received("/disconnect")
                        .get(0)
                        .at("/requestContext/disconnectStatusCode")
                        .asInt())
                .isEqualTo(1003);
        assertThat(functions.received("/default")).isEmpty();
    }

    @Test
    void binaryFramesAreDeliveredBase64WhenConfigured() {
        start(route -> route.binaryFrames(dev.switchboard.core.config.BinaryFrames.DELIVER));
        try (WsClient client = open("")) {
            client.sendBinary(new byte[] {1, 2, 3});
            await().atMost(WAIT).until(() -> functions.received("/default").size() == 1);
            JsonNode event = functions.received("/default").get(0);
            assertThat(event.get("body").asText()).isEqualTo("AQID");
            assertThat(event.get("isBase64Encoded").asBoolean()).isTrue();
        }
    }

    @Test
    void disconnectEventSaysHowTheConnectionEnded() {
        start(route -> route);
        try (WsClient client = open("")) {
            connectionIdOf(0);
            client.close(4000, "bye");
            client.awaitClose(WAIT);
        }
        await().atMost(WAIT).until(() -> functions.received("/disconnect").size() == 1);
        JsonNode connect = functions.received("/connect").get(0).get("requestContext");
        JsonNode disconnect = functions.received("/disconnect").get(0).get("requestContext");
        assertThat(disconnect.get("routeKey").asText()).isEqualTo("$disconnect");
        assertThat(disconnect.get("eventType").asText()).isEqualTo("DISCONNECT");
        assertThat(disconnect.get("disconnectStatusCode").asInt()).isEqualTo(4000);
        assertThat(disconnect.get("disconnectReason").asText()).isEqualTo("bye");
        assertThat(disconnect.get("connectionId").asText())
                .isEqualTo(connect.get("connectionId").asText());
        assertThat(disconnect.get("connectedAt").asLong())
                .isEqualTo(connect.get("connectedAt").asLong());
        assertThat(disconnect.at("/identity/userAgent").asText()).isEqualTo("aws-dialect-test");
    }

    @Test
    void framesLargerThanAwsFrameLimitClose1009() {
        start(route -> route);
        try (WsClient client = open("")) {
            client.sendText("x".repeat(AwsDialectConfig.MAX_FRAME_BYTES + 1));
            assertThat(client.awaitClose(WAIT).code()).isEqualTo(1009);
        }
    }

    @Test
    void javaLambdaRequestHandlersRunInProcess() {
        String handler = "java:" + AwsJavaHandlers.class.getName() + "#handleRequest";
        gateway = TestGateway.start(RouteConfig.builder("/aws")
                .dialect(AwsDialectConfig.builder().routeResponse(true).build())
                .register(FunctionTarget.parse(handler))
                .transfer(FunctionTarget.parse(handler))
                .build());

        try (WsClient client =
                WsClient.to(gateway.ws("/aws")).subprotocols("json, chat").open()) {
            assertThat(client.subprotocol()).isEqualTo("chat");
            client.sendText("hello");
            assertThat(client.next(WAIT).text()).isEqualTo("MESSAGE $default hello");
        }
        assertThat(WsClient.to(gateway.ws("/aws"))
                        .subprotocols("json")
                        .refused()
                        .status())
                .isEqualTo(400);
    }
}
