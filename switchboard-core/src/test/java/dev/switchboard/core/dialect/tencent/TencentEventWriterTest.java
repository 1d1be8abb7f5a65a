package dev.switchboard.core.dialect.tencent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The JSON events functions receive, checked against the field names in docs/events-and-push.md. */
class TencentEventWriterTest {
    private static final RequestContext REQUEST =
            new RequestContext("service-local", "release", "/chat", "203.0.113.9", "req-6a1f");
    private static final String ID = "gw-1.AbCdEfGhIjKlMnOpQrStUv";
    private static final String REQUEST_CONTEXT = """
            {"serviceId": "service-local", "serviceName": "service-local", "path": "/chat",
             "httpMethod": "GET", "requestId": "req-6a1f", "identity": {}, "sourceIp": "203.0.113.9",
             "stage": "release", "websocketEnable": true}
            """;

    private final TencentDialect dialect = new TencentDialect(TencentDialect.DATA_SEND);

    @Test
    void connectEventHasTencentsFieldsAndTheExtensions() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("user-agent", "Mozilla/5.0");
        headers.put("sec-websocket-protocol", "chat,superchat");
        ConnectEvent event = new ConnectEvent(
                REQUEST,
                ID,
                headers,
                Map.of("token", "abc"),
                "/chat",
                "chat,superchat",
                "permessage-deflate; client_max_window_bits");

        assertThat(write(event)).isEqualTo(json("""
                        {"requestContext": %s,
                         "websocket": {"action": "connecting", "secConnectionID": "%s",
                           "secWebSocketProtocol": "chat,superchat",
                           "secWebSocketExtensions": "permessage-deflate; client_max_window_bits"},
                         "headers": {"user-agent": "Mozilla/5.0", "sec-websocket-protocol": "chat,superchat"},
                         "queryString": {"token": "abc"},
                         "requestPath": "/chat"}
                        """.formatted(REQUEST_CONTEXT, ID)));
    }

    @Test
    void connectEventOmitsProtocolAndExtensionsTheClientDidNotSend() {
        ConnectEvent event = new ConnectEvent(REQUEST, ID, Map.of(), Map.of(), "/chat", null, null);

        JsonNode written = write(event);

        assertThat(fieldNames(written.get("websocket"))).containsExactly("action", "secConnectionID");
        assertThat(written.get("headers")).isEqualTo(json("{}"));
        assertThat(written.get("queryString")).isEqualTo(json("{}"));
    }

    @Test
    void textMessageEvent() {
        MessageEvent event = new MessageEvent(REQUEST, ID, Message.text("hi"), json("{\"userId\": \"u42\"}"));

        assertThat(write(event)).isEqualTo(json("""
                        {"websocket": {"action": "data send", "secConnectionID": "%s", "dataType": "text", "data": "hi"},
                         "requestContext": %s,
                         "context": {"userId": "u42"}}
                        """.formatted(ID, REQUEST_CONTEXT)));
    }

    @Test
    void textWithNonAsciiAndCharactersThatNeedEscapingArrivesIntact() {
        String text = "你好, wörld 👋 \"quoted\" back\\slash\nnew line\ttab \u0001\u001f </script> \u2028";
        MessageEvent event = new MessageEvent(REQUEST, ID, Message.text(text), null);

        String raw = writeRaw(event);
        JsonNode written = json(raw);

        assertThat(written.at("/websocket/data").asText()).isEqualTo(text);
        assertThat(raw).doesNotContain("\n", "\t", "\u0001", "\u001f");
        assertThat(raw).contains("\\\"quoted\\\"", "back\\\\slash", "\\n", "\\t");
    }

    @Test
    void textThroughACharacterWriterArrivesIntactToo() throws IOException {
        String text = "你好 \"q\" 👋\n";
        StringWriter out = new StringWriter();
        try (JsonGenerator g = Json.factory().createGenerator(out)) {
            dialect.eventWriter().write(new MessageEvent(REQUEST, ID, Message.text(text), null), g);
        }

        assertThat(json(out.toString()).at("/websocket/data").asText()).isEqualTo(text);
    }

    @Test
    void emptyTextMessage() {
        JsonNode written = write(new MessageEvent(REQUEST, ID, Message.text(""), null));

        assertThat(written.at("/websocket/data").isTextual()).isTrue();
        assertThat(written.at("/websocket/data").asText()).isEmpty();
    }

    @Test
    void binaryMessageIsStandardBase64() {
        byte[] bytes = {(byte) 0xfb, (byte) 0xff, (byte) 0xbf, 0x00, 0x01};
        MessageEvent event = new MessageEvent(REQUEST, ID, Message.binary(bytes), null);

        JsonNode written = write(event);

        assertThat(written.get("websocket")).isEqualTo(json("""
                        {"action": "data send", "secConnectionID": "%s", "dataType": "binary", "data": "+/+/AAE="}
                        """.formatted(ID)));
        assertThat(written.has("context")).isFalse();
    }

    @Test
    void longBinaryMessageHasNoLineBreaks() {
        byte[] bytes = new byte[1000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }

        String data = write(new MessageEvent(REQUEST, ID, Message.binary(bytes), null))
                .at("/websocket/data")
                .asText();

        assertThat(data).isEqualTo(Base64.getEncoder().encodeToString(bytes));
        assertThat(Base64.getDecoder().decode(data)).isEqualTo(bytes);
    }

    @Test
    void routeMaySetTheOlderDataRecvAction() {
        TencentDialect older = new TencentDialect(TencentDialect.DATA_RECV);

        JsonNode written = write(older, new MessageEvent(REQUEST, ID, Message.text("hi"), null));

        assertThat(written.at("/websocket/action").asText()).isEqualTo("data recv");
    }

    @Test
    void closeEvent() {
        CloseEvent event = new CloseEvent(
                REQUEST, ID, json("{\"userId\": \"u42\"}"), new CloseCause(1000, "bye", ClosedBy.CLIENT));

        assertThat(write(event)).isEqualTo(json("""
                        {"websocket": {"action": "closing", "secConnectionID": "%s"},
                         "requestContext": %s, "context": {"userId": "u42"},
                         "closeCode": 1000, "closeReason": "bye", "closedBy": "client"}
                        """.formatted(ID, REQUEST_CONTEXT)));
    }

    @Test
    void closeEventOfAnExpiredReliableSessionSaysSoAtTheTopLevel() {
        CloseCause dropped = new CloseCause(1006, "", ClosedBy.CLIENT);
        CloseEvent event = new CloseEvent(REQUEST, ID, null, dropped.withResumeExpired());

        JsonNode written = write(event);

        assertThat(written.get("resumeExpired").asBoolean()).isTrue();
        assertThat(written.get("closedBy").asText()).isEqualTo("client");
        assertThat(written.get("closeCode").asInt()).isEqualTo(1006);
        assertThat(write(new CloseEvent(REQUEST, ID, null, dropped)).has("resumeExpired"))
                .isFalse();
    }

    @ParameterizedTest
    @EnumSource(ClosedBy.class)
    void closeEventNamesWhoClosed(ClosedBy closedBy) {
        CloseEvent event = new CloseEvent(REQUEST, ID, null, new CloseCause(1006, "", closedBy));

        JsonNode written = write(event);

        assertThat(written.get("closedBy").asText()).isEqualTo(closedBy.wireName());
        assertThat(written.get("closeCode").isInt()).isTrue();
        assertThat(written.get("closeCode").asInt()).isEqualTo(1006);
        assertThat(written.get("closeReason").asText()).isEmpty();
        assertThat(written.has("context")).isFalse();
    }

    @Test
    void contextKeepsNestedValuesAndTypes() {
        ObjectNode context =
                (ObjectNode) json("{\"n\": 1, \"ok\": true, \"tags\": [\"a\"], \"nested\": {\"x\": null}}");

        JsonNode written = write(new MessageEvent(REQUEST, ID, Message.text("hi"), context));

        assertThat(written.get("context")).isEqualTo(context);
    }

    @Test
    void everyValueInsideWebsocketIsAString() {
        FunctionEvent[] events = {
            new ConnectEvent(REQUEST, ID, Map.of("h", "v"), Map.of("q", "1"), "/chat", "chat", "permessage-deflate"),
            new MessageEvent(REQUEST, ID, Message.text("hi"), json("{\"n\": 1}")),
            new MessageEvent(REQUEST, ID, Message.binary(new byte[] {1, 2, 3}), null),
            new CloseEvent(REQUEST, ID, json("{\"n\": 1}"), new CloseCause(4000, "kicked", ClosedBy.PUSH)),
        };
        for (FunctionEvent event : events) {
            JsonNode websocket = write(event).get("websocket");

            assertThat(websocket.isObject()).isTrue();
            websocket
                    .properties()
                    .forEach(field -> assertThat(field.getValue().isTextual())
                            .as(
                                    "websocket.%s of %s",
                                    field.getKey(), event.getClass().getSimpleName())
                            .isTrue());
        }
    }

    @Test
    void requestContextIsTheSameInEveryEvent() {
        JsonNode expected = json(REQUEST_CONTEXT);

        assertThat(write(new ConnectEvent(REQUEST, ID, Map.of(), Map.of(), "/chat", null, null))
                        .get("requestContext"))
                .isEqualTo(expected);
        assertThat(write(new MessageEvent(REQUEST, ID, Message.text("x"), null)).get("requestContext"))
                .isEqualTo(expected);
        assertThat(write(new CloseEvent(REQUEST, ID, null, new CloseCause(1000, "", ClosedBy.SERVER)))
                        .get("requestContext"))
                .isEqualTo(expected);
    }

    private JsonNode write(FunctionEvent event) {
        return write(dialect, event);
    }

    private static JsonNode write(TencentDialect dialect, FunctionEvent event) {
        return json(writeRaw(dialect, event));
    }

    private String writeRaw(FunctionEvent event) {
        return writeRaw(dialect, event);
    }

    /** Writes through a byte stream, as the HTTP invoker does. */
    private static String writeRaw(TencentDialect dialect, FunctionEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.factory().createGenerator(out)) {
            dialect.eventWriter().write(event, g);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private static Iterable<String> fieldNames(@Nullable JsonNode node) {
        assertThat(node).isNotNull();
        return node::fieldNames;
    }
}
