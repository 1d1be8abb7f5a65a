package dev.switchboard.core.dialect.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.AwsDialectConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.core.dialect.MessageRoute;
import dev.switchboard.core.dialect.Notice;
import dev.switchboard.core.dialect.RegistrationDecision;
import dev.switchboard.core.dialect.TransferOutcome;
import dev.switchboard.core.function.FunctionResult;
import dev.switchboard.core.json.Json;
import dev.switchboard.core.model.CloseCause;
import dev.switchboard.core.model.CloseEvent;
import dev.switchboard.core.model.ClosedBy;
import dev.switchboard.core.model.ConnectEvent;
import dev.switchboard.core.model.FunctionEvent;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.MessageEvent;
import dev.switchboard.core.model.RequestContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The aws dialect's events and its reading of responses, without sockets. */
class AwsDialectTest {
    private static final Instant NOW = Instant.parse("2024-02-09T18:11:43.420Z");
    private static final Instant CONNECTED = Instant.parse("2024-02-09T18:10:00.001Z");
    private static final RequestContext REQUEST =
            new RequestContext("svc", "prod", "/aws", "192.0.2.1", "req-1", "agent/1.0", CONNECTED);

    private final AwsDialect dialect = dialect(RouteConfig.builder("/aws").dialect(AwsDialectConfig.defaults()));

    private static AwsDialect dialect(RouteConfig.Builder route) {
        RouteConfig built = route.build();
        return new AwsDialect(
                (AwsDialectConfig) built.dialect(),
                built.binaryFrames(),
                () -> "127.0.0.1:8081",
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private JsonNode write(FunctionEvent event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.factory().createGenerator(out)) {
            dialect.eventWriter().write(event, g);
        }
        return Json.mapper().readTree(out.toByteArray());
    }

    private static FunctionResult.Response response(String json) throws IOException {
        return new FunctionResult.Response(200, Json.mapper().readTree(json), json);
    }

    @Test
    void connectEventIsApiGatewaysShape() throws IOException {
        ConnectEvent event = new ConnectEvent(
                REQUEST,
                "conn-1",
                Map.of(),
                Map.of(),
                "/aws",
                null,
                null,
                List.of(
                        new ConnectEvent.Header("Host", "gw"),
                        new ConnectEvent.Header("X-Multi", "a"),
                        new ConnectEvent.Header("X-Multi", "b")),
                Map.of("q", List.of("1", "2")));
        JsonNode written = write(event);
        assertThat(written.toString())
                .isEqualTo("{\"headers\":{\"Host\":\"gw\",\"X-Multi\":\"b\"},"
                        + "\"multiValueHeaders\":{\"Host\":[\"gw\"],\"X-Multi\":[\"a\",\"b\"]},"
                        + "\"queryStringParameters\":{\"q\":\"2\"},"
                        + "\"multiValueQueryStringParameters\":{\"q\":[\"1\",\"2\"]},"
                        + "\"requestContext\":{\"routeKey\":\"$connect\",\"eventType\":\"CONNECT\","
                        + "\"extendedRequestId\":\"req-1\",\"requestTime\":\"09/Feb/2024:18:11:43 +0000\","
                        + "\"messageDirection\":\"IN\",\"stage\":\"prod\",\"connectedAt\":1707502200001,"
                        + "\"requestTimeEpoch\":1707502303420,"
                        + "\"identity\":{\"sourceIp\":\"192.0.2.1\",\"userAgent\":\"agent/1.0\"},"
                        + "\"requestId\":\"req-1\",\"domainName\":\"127.0.0.1:8081\",\"connectionId\":\"conn-1\","
                        + "\"apiId\":\"switchboard\"},\"isBase64Encoded\":false}");
    }

    @Test
    void messageAndDisconnectEvents() throws IOException {
        JsonNode message = write(new MessageEvent(REQUEST, "conn-1", Message.text("{\"a\":1}"), null, "sendmessage"));
        assertThat(message.at("/requestContext/routeKey").asText()).isEqualTo("sendmessage");
        assertThat(message.at("/requestContext/eventType").asText()).isEqualTo("MESSAGE");
        assertThat(message.at("/requestContext/messageId").asText()).isEqualTo("req-1");
        assertThat(message.get("body").asText()).isEqualTo("{\"a\":1}");
        assertThat(message.get("isBase64Encoded").asBoolean()).isFalse();

        JsonNode binary = write(new MessageEvent(REQUEST, "conn-1", Message.binary(new byte[] {1, 2, 3}), null));
        assertThat(binary.get("body").asText()).isEqualTo("AQID");
        assertThat(binary.get("isBase64Encoded").asBoolean()).isTrue();

        JsonNode close = write(new CloseEvent(REQUEST, "conn-1", null, new CloseCause(1005, "", ClosedBy.CLIENT)));
        assertThat(close.at("/requestContext/routeKey").asText()).isEqualTo("$disconnect");
        assertThat(close.at("/requestContext/eventType").asText()).isEqualTo("DISCONNECT");
        assertThat(close.at("/requestContext/disconnectStatusCode").asInt()).isEqualTo(1005);
        assertThat(close.at("/requestContext/disconnectReason").asText())
                .isEqualTo("Client-side close frame status not set");
        assertThat(close.at("/requestContext/connectedAt").asLong()).isEqualTo(CONNECTED.toEpochMilli());
    }

    @Test
    void connectResponses() throws IOException {
        assertThat(dialect.registrationDecision(response("{\"statusCode\":200}"), "chat"))
                .isEqualTo(RegistrationDecision.Accept.plain());
        assertThat(dialect.registrationDecision(new FunctionResult.Response(200, null, ""), null))
                .isEqualTo(RegistrationDecision.Accept.plain());
        assertThat(dialect.registrationDecision(
                        response("{\"statusCode\":\"204\",\"headers\":{\"sec-websocket-protocol\":\"chat\"}}"),
                        "chat, json"))
                .isEqualTo(new RegistrationDecision.Accept("chat", false, null, List.of()));
        assertThat(dialect.registrationDecision(
                        response("{\"statusCode\":200,\"multiValueHeaders\":{\"Sec-WebSocket-Protocol\":[\"json\"]}}"),
                        "json"))
                .isEqualTo(new RegistrationDecision.Accept("json", false, null, List.of()));

        RegistrationDecision refused = dialect.registrationDecision(
                response("{\"statusCode\":403,\"body\":{\"why\":\"no\"},\"headers\":{\"X-A\":\"1\"}}"), null);
        assertThat(refused).isInstanceOfSatisfying(RegistrationDecision.Respond.class, respond -> {
            assertThat(respond.httpStatus()).isEqualTo(403);
            assertThat(respond.body()).isEqualTo("{\"why\":\"no\"}");
            assertThat(respond.headers()).containsEntry("x-a", "1");
        });

        assertThat(dialect.registrationDecision(new FunctionResult.Timeout(Duration.ofSeconds(3)), null))
                .isInstanceOfSatisfying(
                        RegistrationDecision.Respond.class,
                        respond -> assertThat(respond.httpStatus()).isEqualTo(502));
        assertThat(dialect.registrationDecision(response("{\"statusCode\":\"soon\"}"), null))
                .isInstanceOfSatisfying(
                        RegistrationDecision.Respond.class,
                        respond -> assertThat(respond.httpStatus()).isEqualTo(502));
    }

    @Test
    void routeResponsesSendTheBodyOnlyWhenEnabled() throws IOException {
        AwsDialect responding = dialect(RouteConfig.builder("/aws")
                .dialect(AwsDialectConfig.builder().routeResponse(true).build()));
        FunctionResult pong = response("{\"statusCode\":200,\"body\":\"pong\"}");

        assertThat(dialect.transferOutcome(pong)).isEqualTo(new TransferOutcome.Delivered(null, null));
        TransferOutcome outcome = responding.transferOutcome(pong);
        assertThat(outcome)
                .isInstanceOfSatisfying(
                        TransferOutcome.Delivered.class,
                        delivered -> assertThat(delivered.reply().text()).isEqualTo("pong"));
        assertThat(responding.transferOutcome(response("{\"statusCode\":200}")))
                .isEqualTo(new TransferOutcome.Delivered(null, null));
        assertThat(responding.transferOutcome(new FunctionResult.Failure("threw")))
                .isInstanceOf(TransferOutcome.Failed.class);
    }

    @Test
    void binaryMessagesCloseUnlessDelivered() {
        assertThat(dialect.messageRoute(Message.binary(new byte[] {1})))
                .isEqualTo(new MessageRoute.Close(1003, AwsDialect.BINARY_NOT_SUPPORTED));
        AwsDialect delivering = dialect(RouteConfig.builder("/aws")
                .dialect(AwsDialectConfig.defaults())
                .binaryFrames(dev.switchboard.core.config.BinaryFrames.DELIVER));
        assertThat(delivering.messageRoute(Message.binary(new byte[] {1})))
                .isEqualTo(new MessageRoute.Select("$default"));
        assertThat(dialect.messageRoute(Message.text("{\"action\":\"join\"}")))
                .isEqualTo(new MessageRoute.Select("join"));
    }

    @Test
    void noticesAreApiGatewaysErrorFrames() {
        MessageEvent event = new MessageEvent(REQUEST, "conn-1", Message.text("x"), null);
        assertThat(dialect.notice(Notice.NO_ROUTE, event).orElseThrow().text())
                .isEqualTo("{\"message\":\"Forbidden\",\"connectionId\":\"conn-1\",\"requestId\":\"req-1\"}");
        assertThat(dialect.notice(Notice.FUNCTION_FAILED, event).orElseThrow().text())
                .isEqualTo(
                        "{\"message\":\"Internal server error\",\"connectionId\":\"conn-1\",\"requestId\":\"req-1\"}");
    }
}
