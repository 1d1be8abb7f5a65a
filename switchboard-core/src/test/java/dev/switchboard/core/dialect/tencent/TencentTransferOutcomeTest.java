package dev.switchboard.core.dialect.tencent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.dialect.TransferOutcome;
import dev.switchboard.core.dialect.TransferOutcome.Delivered;
import dev.switchboard.core.dialect.TransferOutcome.Failed;
import dev.switchboard.core.function.FunctionResult;
import dev.switchboard.core.json.Json;
import dev.switchboard.core.model.Message;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How the transfer function's answer becomes an optional reply, or a failure. */
class TencentTransferOutcomeTest {
    private final TencentDialect dialect = new TencentDialect(TencentDialect.DATA_SEND);

    private TransferOutcome outcome(String body) {
        return dialect.transferOutcome(new FunctionResult.Response(200, json(body), body));
    }

    private Message reply(String body) {
        TransferOutcome outcome = outcome(body);
        assertThat(outcome).isInstanceOf(Delivered.class);
        Delivered delivered = (Delivered) outcome;
        assertThat(delivered.problem()).isNull();
        assertThat(delivered.reply()).isNotNull();
        return delivered.reply();
    }

    private static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void textReply() {
        Message reply = reply("{\"reply\": {\"dataType\": \"text\", \"data\": \"héllo 👋\"}}");

        assertThat(reply.type()).isEqualTo(Message.Type.TEXT);
        assertThat(reply.text()).isEqualTo("héllo 👋");
    }

    @Test
    void binaryReplyIsDecodedFromStandardBase64() {
        Message reply = reply("{\"reply\": {\"dataType\": \"binary\", \"data\": \"+/+/AAE=\"}}");

        assertThat(reply.type()).isEqualTo(Message.Type.BINARY);
        assertThat(reply.payload()).containsExactly(0xfb, 0xff, 0xbf, 0x00, 0x01);
    }

    @Test
    void emptyTextReplyIsStillAReply() {
        assertThat(reply("{\"reply\": {\"dataType\": \"text\", \"data\": \"\"}}")
                        .size())
                .isZero();
    }

    @Test
    void aBodyThatIsTheEventItselfIsNotEchoed() {
        TransferOutcome outcome = outcome("""
                {"websocket": {"action": "data send", "secConnectionID": "gw-1.x", "dataType": "text", "data": "hi"},
                 "requestContext": {"serviceId": "service-local"}}
                """);

        assertThat(outcome).isEqualTo(new Delivered(null, null));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "{}",
                "{\"errNo\": 0, \"errMsg\": \"ok\"}",
                "{\"reply\": null}",
                "{\"dataType\": \"text\", \"data\": \"not inside reply\"}",
                "[{\"reply\": {\"dataType\": \"text\", \"data\": \"x\"}}]",
                "\"reply\"",
                "null",
            })
    void bodiesWithoutATopLevelReplySendNothing(String body) {
        assertThat(outcome(body)).isEqualTo(new Delivered(null, null));
    }

    @Test
    void emptyOrNonJsonBodyWithStatus200IsDeliveredWithoutReply() {
        assertThat(dialect.transferOutcome(new FunctionResult.Response(200, null, "")))
                .isEqualTo(new Delivered(null, null));
        assertThat(dialect.transferOutcome(new FunctionResult.Response(200, null, "OK")))
                .isEqualTo(new Delivered(null, null));
    }

    @Test
    void unknownReplyDataTypeIsDeliveredWithAProblem() {
        assertThat(outcome("{\"reply\": {\"dataType\": \"json\", \"data\": \"{}\"}}"))
                .isEqualTo(new Delivered(null, "reply.dataType: \"json\" (expected: \"text\" or \"binary\")"));
    }

    @Test
    void replyThatIsNotAnObject() {
        assertThat(outcome("{\"reply\": \"hi\"}")).isEqualTo(new Delivered(null, "reply: expected an object"));
    }

    @Test
    void replyWithMissingOrWrongTypedFields() {
        assertThat(outcome("{\"reply\": {\"data\": \"hi\"}}"))
                .isEqualTo(new Delivered(null, "reply.dataType: missing (expected: \"text\" or \"binary\")"));
        assertThat(outcome("{\"reply\": {\"dataType\": \"text\"}}"))
                .isEqualTo(new Delivered(null, "reply.data: missing (expected: a string)"));
        assertThat(outcome("{\"reply\": {\"dataType\": \"text\", \"data\": 42}}"))
                .isEqualTo(new Delivered(null, "reply.data: 42 (expected: a string)"));
    }

    @Test
    void replyWithInvalidBase64() {
        TransferOutcome outcome = outcome("{\"reply\": {\"dataType\": \"binary\", \"data\": \"not base64!\"}}");

        assertThat(outcome).isInstanceOf(Delivered.class);
        assertThat(((Delivered) outcome).reply()).isNull();
        assertThat(((Delivered) outcome).problem()).startsWith("reply.data: not valid base64 for a binary message");
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {199, 300, 400, 404, 500, 502})
    void nonOkStatusFails(int status) {
        String body = "{\"reply\": {\"dataType\": \"text\", \"data\": \"hi\"}}";

        assertThat(dialect.transferOutcome(new FunctionResult.Response(status, json(body), body)))
                .isEqualTo(new Failed("HTTP " + status));
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {201, 204})
    void any2xxStatusDelivers(int status) {
        assertThat(dialect.transferOutcome(new FunctionResult.Response(status, null, "")))
                .isEqualTo(new Delivered(null, null));
    }

    @Test
    void nonOkStatusWithNonJsonBodyShowsTheBody() {
        assertThat(dialect.transferOutcome(new FunctionResult.Response(500, null, "Internal Server Error")))
                .isEqualTo(new Failed("HTTP 500 with a non-JSON body: Internal Server Error"));
    }

    @Test
    void timeoutFails() {
        assertThat(dialect.transferOutcome(new FunctionResult.Timeout(Duration.ofSeconds(10))))
                .isEqualTo(new Failed("no answer within 10000 ms"));
    }

    @Test
    void unreachableFunctionFails() {
        assertThat(dialect.transferOutcome(new FunctionResult.Failure("connection refused")))
                .isEqualTo(new Failed("connection refused"));
    }

    @Test
    void cleanupCountsAsDeliveredOnlyWith2xx() {
        assertThat(dialect.cleanupDelivered(new FunctionResult.Response(200, null, "")))
                .isTrue();
        assertThat(dialect.cleanupDelivered(new FunctionResult.Response(204, null, "")))
                .isTrue();
        assertThat(dialect.cleanupDelivered(new FunctionResult.Response(500, null, "")))
                .isFalse();
        assertThat(dialect.cleanupDelivered(new FunctionResult.Response(302, null, "")))
                .isFalse();
        assertThat(dialect.cleanupDelivered(new FunctionResult.Timeout(Duration.ofSeconds(10))))
                .isFalse();
        assertThat(dialect.cleanupDelivered(new FunctionResult.Failure("refused")))
                .isFalse();
    }
}
