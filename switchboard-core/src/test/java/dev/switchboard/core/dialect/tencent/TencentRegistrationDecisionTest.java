package dev.switchboard.core.dialect.tencent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.dialect.RegistrationDecision;
import dev.switchboard.core.dialect.RegistrationDecision.Accept;
import dev.switchboard.core.dialect.RegistrationDecision.Refuse;
import dev.switchboard.core.function.FunctionResult;
import dev.switchboard.core.json.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** How the registration function's answer becomes an accepted or refused handshake. */
class TencentRegistrationDecisionTest {
    private static final String CLIENT_PROTOCOLS = "chat,superchat";

    private final TencentDialect dialect = new TencentDialect(TencentDialect.DATA_SEND);

    private RegistrationDecision decide(FunctionResult result) {
        return dialect.registrationDecision(result, CLIENT_PROTOCOLS);
    }

    private RegistrationDecision decide(String body) {
        return decide(ok(body));
    }

    private Accept accepted(String body) {
        RegistrationDecision decision = decide(body);
        assertThat(decision).isInstanceOf(Accept.class);
        return (Accept) decision;
    }

    private Refuse refused(FunctionResult result) {
        RegistrationDecision decision = decide(result);
        assertThat(decision).isInstanceOf(Refuse.class);
        return (Refuse) decision;
    }

    private Refuse refused(String body) {
        return refused(ok(body));
    }

    /** A failure of the function itself: 403, errNo 4031, a fixed errMsg that leaks nothing. */
    private static void assertRegistrationFailed(Refuse refuse, String logReason) {
        assertThat(refuse.httpStatus()).isEqualTo(403);
        assertThat(refuse.errNo()).isEqualTo(4031);
        assertThat(refuse.errMsg()).isEqualTo("registration failed");
        assertThat(refuse.logReason()).isEqualTo(logReason);
    }

    static FunctionResult.Response ok(String body) {
        return new FunctionResult.Response(200, json(body), body);
    }

    static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Nested
    class Accepted {
        @Test
        void theDesignsConnectResponse() {
            Accept accept = accepted("""
                    {"errNo": 0, "errMsg": "ok",
                     "websocket": {"action": "connecting", "secConnectionID": "gw-1.x",
                       "secWebSocketProtocol": "chat", "secWebSocketExtensions": ""},
                     "context": {"userId": "u42"}, "groups": ["lobby"]}
                    """);

            assertThat(accept.subprotocol()).isEqualTo("chat");
            assertThat(accept.permessageDeflate()).isFalse();
            assertThat(accept.context()).isEqualTo(json("{\"userId\": \"u42\"}"));
            assertThat(accept.groups()).containsExactly("lobby");
        }

        @Test
        void errNoZeroAloneAcceptsWithNothingChosen() {
            assertThat(decide("{\"errNo\": 0}")).isEqualTo(Accept.plain());
            assertThat(decide("{\"errNo\": 0, \"errMsg\": \"ok\", \"websocket\": {}}"))
                    .isEqualTo(Accept.plain());
        }

        @Test
        void errNoMayBeANumericString() {
            assertThat(decide("{\"errNo\": \"0\", \"errMsg\": \"ok\"}")).isEqualTo(Accept.plain());
        }

        @Test
        void emptySubprotocolMeansNone() {
            assertThat(accepted("{\"errNo\": 0, \"websocket\": {\"secWebSocketProtocol\": \"\"}}")
                            .subprotocol())
                    .isNull();
        }

        @Test
        void echoedProtocolListSelectsItsFirstEntry() {
            assertThat(accepted("{\"errNo\": 0, \"websocket\": {\"secWebSocketProtocol\": \" chat , superchat\"}}")
                            .subprotocol())
                    .isEqualTo("chat");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(
                strings = {
                    "permessage-deflate",
                    "permessage-deflate; client_max_window_bits",
                    "PerMessage-Deflate",
                    "x-webkit-deflate-frame, permessage-deflate; server_no_context_takeover",
                })
        void permessageDeflateWhenTheFunctionReturnsIt(String extensions) {
            Accept accept =
                    accepted("{\"errNo\": 0, \"websocket\": {\"secWebSocketExtensions\": \"" + extensions + "\"}}");

            assertThat(accept.permessageDeflate()).isTrue();
        }

        @ParameterizedTest(name = "[{0}]")
        @ValueSource(strings = {"", "x-webkit-deflate-frame", "permessage-deflatex", "deflate; permessage-deflate"})
        void noPermessageDeflateOtherwise(String extensions) {
            Accept accept =
                    accepted("{\"errNo\": 0, \"websocket\": {\"secWebSocketExtensions\": \"" + extensions + "\"}}");

            assertThat(accept.permessageDeflate()).isFalse();
        }

        @Test
        void contextMayBeAnyObject() {
            Accept accept = accepted("{\"errNo\": 0, \"context\": {\"n\": 1, \"list\": [1, {\"a\": null}]}}");

            assertThat(accept.context()).isEqualTo(json("{\"n\": 1, \"list\": [1, {\"a\": null}]}"));
        }

        @Test
        void nullContextAndGroupsMeanNone() {
            assertThat(decide("{\"errNo\": 0, \"context\": null, \"groups\": null}"))
                    .isEqualTo(Accept.plain());
        }

        @Test
        void severalGroupsInOrder() {
            assertThat(accepted("{\"errNo\": 0, \"groups\": [\"lobby\", \"room:42\", \"user/u42\"]}")
                            .groups())
                    .containsExactly("lobby", "room:42", "user/u42");
        }
    }

    @Nested
    class RefusedByTheFunction {
        @Test
        void nonZeroErrNoAnswers403WithTheFunctionsErrNoAndMessage() {
            Refuse refuse = refused("{\"errNo\": 1001, \"errMsg\": \"token expired\"}");

            assertThat(refuse.httpStatus()).isEqualTo(403);
            assertThat(refuse.errNo()).isEqualTo(1001);
            assertThat(refuse.errMsg()).isEqualTo("token expired");
            assertThat(refuse.logReason()).contains("1001", "token expired");
        }

        @Test
        void errMsgIsPassedThroughVerbatim() {
            assertThat(refused("{\"errNo\": 1, \"errMsg\": \"pas autorisé — \\\"nope\\\"\"}")
                            .errMsg())
                    .isEqualTo("pas autorisé — \"nope\"");
        }

        @Test
        void missingErrMsgIsEmpty() {
            assertThat(refused("{\"errNo\": -1}").errMsg()).isEmpty();
            assertThat(refused("{\"errNo\": -1}").errNo()).isEqualTo(-1);
        }

        @Test
        void numericStringErrNo() {
            assertThat(refused("{\"errNo\": \"7\", \"errMsg\": \"no\"}").errNo())
                    .isEqualTo(7);
        }

        @ParameterizedTest(name = "httpStatus {0}")
        @ValueSource(ints = {400, 401, 404, 429, 451, 500, 503, 599})
        void httpStatusBetween400And599IsHonoured(int status) {
            Refuse refuse = refused("{\"errNo\": 1, \"errMsg\": \"no\", \"httpStatus\": " + status + "}");

            assertThat(refuse.httpStatus()).isEqualTo(status);
            assertThat(refuse.errNo()).isEqualTo(1);
        }

        @ParameterizedTest(name = "httpStatus {0}")
        @ValueSource(strings = {"200", "101", "399", "600", "-1", "\"401\"", "401.5", "null", "{}"})
        void otherHttpStatusValuesAreIgnored(String status) {
            Refuse refuse = refused("{\"errNo\": 1, \"errMsg\": \"no\", \"httpStatus\": " + status + "}");

            assertThat(refuse.httpStatus()).isEqualTo(403);
        }

        @Test
        void httpStatusDoesNotTurnAnAcceptIntoARefusal() {
            assertThat(decide("{\"errNo\": 0, \"httpStatus\": 401}")).isInstanceOf(Accept.class);
        }
    }

    @Nested
    class RegistrationFailed {
        @ParameterizedTest(name = "HTTP {0}")
        @CsvSource({"500", "404", "199", "302"})
        void nonOkStatus(int status) {
            Refuse refuse = refused(new FunctionResult.Response(status, json("{\"errNo\": 0}"), "{\"errNo\": 0}"));

            assertRegistrationFailed(refuse, "registration function answered HTTP " + status);
        }

        @Test
        void nonOkStatusWithHtmlBody() {
            Refuse refuse = refused(new FunctionResult.Response(502, null, "<html>Bad Gateway</html>"));

            assertRegistrationFailed(
                    refuse, "registration function answered HTTP 502 with a non-JSON body: <html>Bad Gateway</html>");
        }

        @Test
        void bodyThatIsNotJson() {
            Refuse refuse = refused(new FunctionResult.Response(200, null, "OK"));

            assertRegistrationFailed(refuse, "registration response is not a JSON object: OK");
        }

        @Test
        void emptyBody() {
            assertRegistrationFailed(
                    refused(new FunctionResult.Response(200, null, "")),
                    "registration response is not a JSON object: ");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"[0]", "0", "\"ok\"", "null"})
        void jsonThatIsNotAnObject(String body) {
            assertRegistrationFailed(refused(body), "registration response is not a JSON object: " + body);
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(
                strings = {
                    "{\"errMsg\": \"ok\"}",
                    "{\"errNo\": null}",
                    "{\"errNo\": true}",
                    "{\"errNo\": 0.5}",
                    "{\"errNo\": [0]}",
                    "{\"websocket\": {\"errNo\": 0}}",
                })
        void missingOrNonNumericErrNo(String body) {
            assertRegistrationFailed(refused(body), "registration response has no numeric errNo");
        }

        @Test
        void contextThatIsNotAnObject() {
            assertRegistrationFailed(
                    refused("{\"errNo\": 0, \"context\": \"u42\"}"),
                    "registration response's context is not a JSON object");
            assertRegistrationFailed(
                    refused("{\"errNo\": 0, \"context\": [1]}"),
                    "registration response's context is not a JSON object");
        }

        @Test
        void groupsThatAreNotAnArrayOfStrings() {
            assertRegistrationFailed(
                    refused("{\"errNo\": 0, \"groups\": \"lobby\"}"),
                    "registration response's groups is not an array of strings");
            assertRegistrationFailed(
                    refused("{\"errNo\": 0, \"groups\": [\"lobby\", 1]}"),
                    "registration response's groups is not an array of strings");
        }

        @Test
        void groupNamesFollowTheSameRuleAsThePushApi() {
            assertRegistrationFailed(
                    refused("{\"errNo\": 0, \"groups\": [\"lobby\", \"bad name\"]}"),
                    "registration response's groups[1]: \"bad name\" (expected: 1–128 characters of A-Z a-z 0-9 _ . : @ /"
                            + " -)");
            assertThat(refused("{\"errNo\": 0, \"groups\": [\"\"]}").errNo()).isEqualTo(4031);
        }

        @Test
        void timeout() {
            assertRegistrationFailed(
                    refused(new FunctionResult.Timeout(Duration.ofSeconds(3))), "no answer within 3000 ms");
        }

        @Test
        void failure() {
            assertRegistrationFailed(
                    refused(new FunctionResult.Failure("connection refused: /127.0.0.1:9000")),
                    "connection refused: /127.0.0.1:9000");
        }

        @Test
        void theClientNeverSeesWhyTheFunctionFailed() {
            for (FunctionResult result : List.of(
                    new FunctionResult.Failure("secret internal host 10.0.0.5 refused"),
                    new FunctionResult.Response(500, null, "stack trace at com.example.Secret"),
                    new FunctionResult.Timeout(Duration.ofMillis(1)))) {
                assertThat(refused(result).errMsg()).isEqualTo("registration failed");
            }
        }
    }

    @Test
    void requestedSubprotocolsDoNotChangeTheDecision() {
        FunctionResult result = ok("{\"errNo\": 0, \"websocket\": {\"secWebSocketProtocol\": \"chat\"}}");

        assertThat(dialect.registrationDecision(result, null))
                .isEqualTo(dialect.registrationDecision(result, "chat"))
                .isEqualTo(new Accept("chat", false, null, List.of()));
    }
}
