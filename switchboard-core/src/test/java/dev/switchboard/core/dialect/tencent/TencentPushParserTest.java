package dev.switchboard.core.dialect.tencent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.ErrorCode;
import dev.switchboard.core.SwitchboardException;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.push.PushCommand;
import dev.switchboard.core.push.PushTarget;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code POST /push} bodies and the error table of docs/events-and-push.md. */
class TencentPushParserTest {
    private static final String ID = "gw-1.AbCdEfGhIjKlMnOpQrStUv";

    static PushCommand parse(String body) {
        return TencentPushParser.parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
    }

    /** A push body: {@code {"websocket": {fields}}}. */
    static String push(String fields) {
        return "{\"websocket\": {" + fields + "}}";
    }

    static void assertRejected(String body, ErrorCode code, String message) {
        assertThatThrownBy(() -> parse(body))
                .isInstanceOfSatisfying(
                        SwitchboardException.class, e -> assertThat(e.code()).isEqualTo(code))
                .hasMessage(message);
    }

    static void assertRejected(String body, ErrorCode code) {
        assertThatThrownBy(() -> parse(body))
                .isInstanceOfSatisfying(
                        SwitchboardException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Nested
    class NotJson {
        @ParameterizedTest(name = "[{0}]")
        @ValueSource(strings = {"not json", "{\"websocket\": ", "{'websocket': {}}", "{\"a\": 1,}", "\u0000"})
        void bodyThatIsNotJsonIs4000(String body) {
            assertThatThrownBy(() -> parse(body))
                    .isInstanceOfSatisfying(SwitchboardException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.BODY_NOT_JSON);
                        assertThat(e.code().httpStatus()).isEqualTo(400);
                        assertThat(e.code().errNo()).isEqualTo(4000);
                    })
                    .hasMessageStartingWith("body is not valid JSON: ");
        }

        @ParameterizedTest(name = "[{0}]")
        @ValueSource(strings = {"", "   ", "[]", "[{\"websocket\": {}}]", "\"text\"", "42", "null", "true"})
        void bodyThatIsNotAnObjectIs4000(String body) {
            assertRejected(body, ErrorCode.BODY_NOT_JSON, "body is not a JSON object");
        }

        @Test
        void trailingContentAfterTheObjectIsNotJson() {
            String body = push("\"action\": \"info\", \"secConnectionID\": \"" + ID + "\"");

            assertRejected(body + "}", ErrorCode.BODY_NOT_JSON);
            assertRejected(body + " {\"websocket\": {}}", ErrorCode.BODY_NOT_JSON);
            assertThat(parse(body + " \n")).isEqualTo(new PushCommand.Info(ID));
        }

        @Test
        void unreadableStreamIs4000() {
            InputStream failing = new InputStream() {
                @Override
                public int read() throws IOException {
                    throw new IOException("connection reset");
                }
            };

            assertThatThrownBy(() -> TencentPushParser.parse(failing))
                    .isInstanceOfSatisfying(
                            SwitchboardException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.BODY_NOT_JSON));
        }

        @Test
        void deeplyNestedBodyIsRejectedWithoutCrashing() {
            String body =
                    "{\"websocket\": {\"action\": \"info\", \"x\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}}";

            assertRejected(body, ErrorCode.BODY_NOT_JSON);
        }
    }

    @Nested
    class MissingOrWrongTypedFields {
        @Test
        void missingWebsocket() {
            assertRejected("{}", ErrorCode.INVALID_FIELD, "websocket: missing (expected: an object)");
        }

        @Test
        void websocketNotAnObject() {
            assertRejected(
                    "{\"websocket\": \"data send\"}",
                    ErrorCode.INVALID_FIELD,
                    "websocket: \"data send\" (expected: an object)");
            assertRejected("{\"websocket\": null}", ErrorCode.INVALID_FIELD, "websocket: null (expected: an object)");
        }

        @Test
        void missingAction() {
            assertRejected(
                    push("\"secConnectionID\": \"" + ID + "\""),
                    ErrorCode.INVALID_FIELD,
                    "websocket.action: missing (expected: a non-empty string)");
        }

        @Test
        void actionOfTheWrongType() {
            assertRejected(
                    push("\"action\": 1"),
                    ErrorCode.INVALID_FIELD,
                    "websocket.action: 1 (expected: a non-empty string)");
            assertRejected(
                    push("\"action\": \"\""),
                    ErrorCode.INVALID_FIELD,
                    "websocket.action: \"\" (expected: a non-empty string)");
        }

        @Test
        void missingSecConnectionId() {
            assertRejected(
                    push("\"action\": \"closing\""),
                    ErrorCode.INVALID_FIELD,
                    "websocket.secConnectionID: missing (expected: a non-empty string)");
        }

        @Test
        void secConnectionIdOfTheWrongType() {
            assertRejected(
                    push("\"action\": \"info\", \"secConnectionID\": 12345"),
                    ErrorCode.INVALID_FIELD,
                    "websocket.secConnectionID: 12345 (expected: a non-empty string)");
            assertRejected(
                    push(
                            "\"action\": \"data send\", \"secConnectionID\": [\"a\"], \"dataType\": \"text\", \"data\": \"x\""),
                    ErrorCode.INVALID_FIELD,
                    "websocket.secConnectionID: [\"a\"] (expected: a non-empty string)");
        }

        @Test
        void missingDataType() {
            assertRejected(
                    push("\"action\": \"data send\", \"secConnectionID\": \"" + ID + "\", \"data\": \"hi\""),
                    ErrorCode.INVALID_FIELD,
                    "websocket.dataType: missing (expected: \"text\" or \"binary\")");
        }

        @Test
        void missingData() {
            assertRejected(
                    push("\"action\": \"data send\", \"secConnectionID\": \"" + ID + "\", \"dataType\": \"text\""),
                    ErrorCode.INVALID_FIELD,
                    "websocket.data: missing (expected: a string)");
        }

        @Test
        void dataThatIsNotAString() {
            assertRejected(
                    push("\"action\": \"data send\", \"secConnectionID\": \"" + ID
                            + "\", \"dataType\": \"text\", \"data\": {\"a\": 1}"),
                    ErrorCode.INVALID_FIELD,
                    "websocket.data: {\"a\":1} (expected: a string)");
        }

        @Test
        void longValuesAreShortenedInTheMessage() {
            assertRejected(
                    push("\"action\": \"info\", \"secConnectionID\": [\"" + "x".repeat(100) + "\"]"),
                    ErrorCode.INVALID_FIELD,
                    "websocket.secConnectionID: [\"" + "x".repeat(38) + "… (expected: a non-empty string)");
        }
    }

    @Nested
    class ByUser {
        @Test
        void everyActionThatTakesAConnectionTakesAUser() {
            PushCommand send = parse(
                    push(
                            "\"action\": \"data send\", \"userId\": \"u1\", \"exclude\": [\"x\"], \"dataType\": \"text\", \"data\": \"hi\""));
            assertThat(((PushCommand.Send) send).target()).isEqualTo(new PushTarget.User("u1", Set.of("x")));
            assertThat(parse(push("\"action\": \"closing\", \"userId\": \"u1\", \"closeCode\": 4000")))
                    .isEqualTo(new PushCommand.ForUser("u1", new PushCommand.UserAction.Close(4000, "")));
            assertThat(parse(push("\"action\": \"join\", \"userId\": \"u1\", \"group\": \"g\"")))
                    .isEqualTo(new PushCommand.ForUser("u1", new PushCommand.UserAction.Join("g")));
            assertThat(parse(push("\"action\": \"leave\", \"userId\": \"u1\", \"group\": \"g\"")))
                    .isEqualTo(new PushCommand.ForUser("u1", new PushCommand.UserAction.Leave("g")));
            assertThat(parse(push("\"action\": \"info\", \"userId\": \"u1\"")))
                    .isEqualTo(new PushCommand.ForUser("u1", new PushCommand.UserAction.Info()));
            assertThat(parse(push("\"action\": \"refresh\", \"userId\": \"u1\", \"token\": \"t\"")))
                    .isEqualTo(new PushCommand.ForUser("u1", new PushCommand.UserAction.Refresh("t")));
            assertThat(parse(push("\"action\": \"refresh\", \"secConnectionID\": \"" + ID + "\", \"token\": \"t\"")))
                    .isEqualTo(new PushCommand.Refresh(ID, "t"));
        }

        @Test
        void aConnectionAndAUserAtOnceOrAUserTooLongOrEmptyIsRefused() {
            assertRejected(
                    push("\"action\": \"info\", \"userId\": \"u1\", \"secConnectionID\": \"" + ID + "\""),
                    ErrorCode.INVALID_FIELD,
                    "websocket: both secConnectionID and userId (expected exactly one of them)");
            assertRejected(
                    push("\"action\": \"closing\", \"userId\": \"" + "u".repeat(257) + "\""),
                    ErrorCode.INVALID_FIELD,
                    "websocket.userId: longer than 256 characters (expected: a user id)");
            assertRejected(push("\"action\": \"info\", \"userId\": \"\""), ErrorCode.INVALID_FIELD);
            assertRejected(push("\"action\": \"refresh\", \"userId\": \"u1\""), ErrorCode.INVALID_FIELD);
        }
    }

    @Nested
    class UnknownActionOrDataType {
        @ParameterizedTest(name = "[{0}]")
        @ValueSource(strings = {"send", "Data Send", "data recv", "connecting", "broadcast"})
        void unknownActionIs4002(String action) {
            assertRejected(
                    push("\"action\": \"" + action + "\", \"secConnectionID\": \"" + ID + "\""),
                    ErrorCode.UNKNOWN_ACTION,
                    "websocket.action: \"" + action
                            + "\" (expected one of: \"data send\", \"closing\", \"join\", \"leave\", \"info\", \"refresh\")");
        }

        @Test
        void unknownDataTypeIs4002() {
            assertRejected(
                    push("\"action\": \"data send\", \"secConnectionID\": \"" + ID
                            + "\", \"dataType\": \"json\", \"data\": \"{}\""),
                    ErrorCode.UNKNOWN_ACTION,
                    "websocket.dataType: \"json\" (expected: \"text\" or \"binary\")");
        }

        @Test
        void dataTypeOfTheWrongTypeIs4001() {
            assertRejected(
                    push("\"action\": \"data send\", \"secConnectionID\": \"" + ID
                            + "\", \"dataType\": 1, \"data\": \"x\""),
                    ErrorCode.INVALID_FIELD,
                    "websocket.dataType: 1 (expected: \"text\" or \"binary\")");
        }
    }

    @Nested
    class DataSend {
        @Test
        void text() {
            PushCommand command = parse(push("\"action\": \"data send\", \"secConnectionID\": \"" + ID
                    + "\", \"dataType\": \"text\", \"data\": \"hello 你好 👋 \\\"q\\\"\\n\""));

            assertThat(command).isInstanceOf(PushCommand.Send.class);
            PushCommand.Send send = (PushCommand.Send) command;
            assertThat(send.target()).isEqualTo(new PushTarget.Connection(ID));
            assertThat(send.message().type()).isEqualTo(Message.Type.TEXT);
            assertThat(send.message().text()).isEqualTo("hello 你好 👋 \"q\"\n");
        }

        @Test
        void theDesignsExample() {
            PushCommand.Send send = (PushCommand.Send) parse("""
                    {"websocket": {"action": "data send", "secConnectionID": "gw-1.x", "dataType": "text", "data": "hello"}}
                    """);

            assertThat(send.target()).isEqualTo(new PushTarget.Connection("gw-1.x"));
            assertThat(send.message().text()).isEqualTo("hello");
        }

        @Test
        void binaryIsDecodedFromStandardBase64() {
            PushCommand.Send send = (PushCommand.Send) parse(push("\"action\": \"data send\", \"secConnectionID\": \""
                    + ID + "\", \"dataType\": \"binary\", \"data\": \"+/+/AAE=\""));

            assertThat(send.message().type()).isEqualTo(Message.Type.BINARY);
            assertThat(send.message().payload()).containsExactly(0xfb, 0xff, 0xbf, 0x00, 0x01);
        }

        @Test
        void emptyData() {
            PushCommand.Send text = (PushCommand.Send) parse(push("\"action\": \"data send\", \"secConnectionID\": \""
                    + ID + "\", \"dataType\": \"text\", \"data\": \"\""));
            PushCommand.Send binary = (PushCommand.Send) parse(push("\"action\": \"data send\", \"secConnectionID\": \""
                    + ID + "\", \"dataType\": \"binary\", \"data\": \"\""));

            assertThat(text.message().size()).isZero();
            assertThat(binary.message().size()).isZero();
        }

        @ParameterizedTest(name = "[{0}]")
        @ValueSource(strings = {"not base64!", "-_-_", "AAE=AAE=", "A", "AAE=\\n"})
        void invalidBase64Is4003(String data) {
            assertThatThrownBy(() -> parse(push("\"action\": \"data send\", \"secConnectionID\": \"" + ID
                            + "\", \"dataType\": \"binary\", \"data\": \"" + data + "\"")))
                    .isInstanceOfSatisfying(SwitchboardException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_BASE64);
                        assertThat(e.code().errNo()).isEqualTo(4003);
                    })
                    .hasMessageStartingWith("websocket.data: not valid base64 for a binary message (");
        }

        @Test
        void unknownFieldsAreIgnored() {
            PushCommand command = parse("{\"websocket\": {\"action\": \"data send\", \"secConnectionID\": \"" + ID
                    + "\", \"dataType\": \"text\", \"data\": \"x\", \"extra\": 1}, \"requestId\": \"r1\"}");

            assertThat(command).isInstanceOf(PushCommand.Send.class);
        }
    }

    @Nested
    class Targets {
        private PushTarget target(String targetFields) {
            PushCommand command =
                    parse(push("\"action\": \"data send\", \"dataType\": \"text\", \"data\": \"hi\", " + targetFields));
            assertThat(command).isInstanceOf(PushCommand.Send.class);
            return ((PushCommand.Send) command).target();
        }

        private void assertTargetRejected(String targetFields, String message) {
            assertRejected(
                    push("\"action\": \"data send\", \"dataType\": \"text\", \"data\": \"hi\", " + targetFields),
                    ErrorCode.INVALID_FIELD,
                    message);
        }

        @Test
        void listOfConnections() {
            assertThat(target("\"secConnectionIDs\": [\"a.1\", \"b.2\", \"c.3\"]"))
                    .isEqualTo(new PushTarget.Connections(List.of("a.1", "b.2", "c.3"), Set.of()));
        }

        @Test
        void listOfConnectionsWithExclude() {
            assertThat(target("\"secConnectionIDs\": [\"a.1\", \"b.2\"], \"exclude\": [\"b.2\"]"))
                    .isEqualTo(new PushTarget.Connections(List.of("a.1", "b.2"), Set.of("b.2")));
        }

        @Test
        void group() {
            assertThat(target("\"group\": \"lobby\"")).isEqualTo(new PushTarget.Group("lobby", Set.of()));
        }

        @Test
        void groupWithExclude() {
            assertThat(target("\"group\": \"room:42\", \"exclude\": [\"a.1\", \"a.2\"]"))
                    .isEqualTo(new PushTarget.Group("room:42", Set.of("a.1", "a.2")));
        }

        @Test
        void all() {
            assertThat(target("\"all\": true")).isEqualTo(new PushTarget.All(Set.of()));
        }

        @Test
        void allWithExclude() {
            assertThat(target("\"all\": true, \"exclude\": [\"a.1\"]")).isEqualTo(new PushTarget.All(Set.of("a.1")));
        }

        @Test
        void nullExcludeMeansNone() {
            assertThat(target("\"all\": true, \"exclude\": null")).isEqualTo(new PushTarget.All(Set.of()));
        }

        @Test
        void noTarget() {
            assertTargetRejected(
                    "\"exclude\": []",
                    "websocket: no target (expected exactly one of: secConnectionID, secConnectionIDs, group, userId, all)");
        }

        @Test
        void moreThanOneTarget() {
            assertTargetRejected(
                    "\"secConnectionID\": \"a.1\", \"group\": \"lobby\"",
                    "websocket: more than one target (expected exactly one of: secConnectionID, secConnectionIDs,"
                            + " group, userId, all)");
            assertTargetRejected(
                    "\"group\": \"lobby\", \"all\": true",
                    "websocket: more than one target (expected exactly one of: secConnectionID, secConnectionIDs,"
                            + " group, userId, all)");
        }

        @Test
        void excludeWithASingleConnection() {
            assertTargetRejected(
                    "\"secConnectionID\": \"a.1\", \"exclude\": [\"a.1\"]",
                    "websocket.exclude: not allowed with secConnectionID");
        }

        @Test
        void allMustBeTrue() {
            assertTargetRejected("\"all\": false", "websocket.all: false (expected: true)");
            assertTargetRejected("\"all\": \"true\"", "websocket.all: \"true\" (expected: true)");
            assertTargetRejected("\"all\": 1", "websocket.all: 1 (expected: true)");
        }

        @Test
        void connectionListOfTheWrongType() {
            assertTargetRejected(
                    "\"secConnectionIDs\": \"a.1\"",
                    "websocket.secConnectionIDs: \"a.1\" (expected: an array of connection ids)");
            assertTargetRejected(
                    "\"secConnectionIDs\": [\"a.1\", 2]", "websocket.secConnectionIDs: contains 2 (expected: strings)");
            assertTargetRejected(
                    "\"secConnectionIDs\": null",
                    "websocket.secConnectionIDs: missing (expected: an array of connection ids)");
        }

        @Test
        void excludeOfTheWrongType() {
            assertTargetRejected(
                    "\"all\": true, \"exclude\": \"a.1\"",
                    "websocket.exclude: \"a.1\" (expected: an array of connection ids)");
            assertTargetRejected(
                    "\"group\": \"lobby\", \"exclude\": [null]",
                    "websocket.exclude: contains null (expected: strings)");
        }

        @Test
        void targetIsCheckedBeforeTheMessage() {
            assertRejected(
                    push("\"action\": \"data send\""),
                    ErrorCode.INVALID_FIELD,
                    "websocket: no target (expected exactly one of: secConnectionID, secConnectionIDs, group, userId, all)");
        }
    }

    @Nested
    class Closing {
        @Test
        void defaultsToNormalClosureWithoutReason() {
            assertThat(parse(push("\"action\": \"closing\", \"secConnectionID\": \"" + ID + "\"")))
                    .isEqualTo(new PushCommand.Close(ID, 1000, ""));
        }

        @Test
        void theDesignsExample() {
            assertThat(parse("""
                            {"websocket": {"action": "closing", "secConnectionID": "gw-1.x", "closeCode": 4000, "closeReason": "kicked"}}
                            """)).isEqualTo(new PushCommand.Close("gw-1.x", 4000, "kicked"));
        }

        @Test
        void nullCodeAndReasonMeanTheDefaults() {
            assertThat(parse(push("\"action\": \"closing\", \"secConnectionID\": \"" + ID
                            + "\", \"closeCode\": null, \"closeReason\": null")))
                    .isEqualTo(new PushCommand.Close(ID, 1000, ""));
        }

        @ParameterizedTest(name = "[{0}]")
        @ValueSource(ints = {1000, 1001, 1008, 1011, 1012, 1013, 3000, 4999})
        void givenCloseCode(int code) {
            assertThat(parse(push(
                            "\"action\": \"closing\", \"secConnectionID\": \"" + ID + "\", \"closeCode\": " + code)))
                    .isEqualTo(new PushCommand.Close(ID, code, ""));
        }

        @ParameterizedTest(name = "[{0}]")
        @ValueSource(
                strings = {
                    "999",
                    "1004",
                    "1005",
                    "1006",
                    "1015",
                    "2999",
                    "5000",
                    "0",
                    "-1",
                    "4000.5",
                    "\"4000\"",
                    "true",
                    "99999999999"
                })
        void invalidCloseCode(String code) {
            assertRejected(
                    push("\"action\": \"closing\", \"secConnectionID\": \"" + ID + "\", \"closeCode\": " + code),
                    ErrorCode.INVALID_FIELD,
                    "websocket.closeCode: " + code
                            + " (expected: 1000, 1001, 1002, 1003, 1007-1011, 1012, 1013 or 3000-4999)");
        }

        @Test
        void reasonOf123BytesFits() {
            String ascii = "r".repeat(123);
            String multiByte = "€".repeat(41);

            assertThat(parse(push("\"action\": \"closing\", \"secConnectionID\": \"" + ID + "\", \"closeReason\": \""
                            + ascii + "\"")))
                    .isEqualTo(new PushCommand.Close(ID, 1000, ascii));
            assertThat(parse(push("\"action\": \"closing\", \"secConnectionID\": \"" + ID + "\", \"closeReason\": \""
                            + multiByte + "\"")))
                    .isEqualTo(new PushCommand.Close(ID, 1000, multiByte));
        }

        @Test
        void reasonLongerThan123BytesIsRejected() {
            for (String reason : List.of("r".repeat(124), "€".repeat(42))) {
                assertRejected(
                        push("\"action\": \"closing\", \"secConnectionID\": \"" + ID + "\", \"closeReason\": \""
                                + reason + "\""),
                        ErrorCode.INVALID_FIELD,
                        "websocket.closeReason: longer than 123 UTF-8 bytes (expected: what fits in a close frame)");
            }
        }

        @Test
        void reasonThatIsNotAString() {
            assertRejected(
                    push("\"action\": \"closing\", \"secConnectionID\": \"" + ID + "\", \"closeReason\": 5"),
                    ErrorCode.INVALID_FIELD,
                    "websocket.closeReason: 5 (expected: a string)");
        }
    }

    @Nested
    class Groups {
        @Test
        void join() {
            assertThat(parse(push("\"action\": \"join\", \"secConnectionID\": \"" + ID + "\", \"group\": \"lobby\"")))
                    .isEqualTo(new PushCommand.Join(ID, "lobby"));
        }

        @Test
        void leave() {
            assertThat(parse(push("\"action\": \"leave\", \"secConnectionID\": \"" + ID + "\", \"group\": \"lobby\"")))
                    .isEqualTo(new PushCommand.Leave(ID, "lobby"));
        }

        @Test
        void info() {
            assertThat(parse(push("\"action\": \"info\", \"secConnectionID\": \"" + ID + "\"")))
                    .isEqualTo(new PushCommand.Info(ID));
        }

        @Test
        void joinWithoutGroup() {
            assertRejected(
                    push("\"action\": \"join\", \"secConnectionID\": \"" + ID + "\""),
                    ErrorCode.INVALID_FIELD,
                    "websocket.group: missing (expected: a non-empty string)");
        }

        @Test
        void leaveWithoutConnection() {
            assertRejected(
                    push("\"action\": \"leave\", \"group\": \"lobby\""),
                    ErrorCode.INVALID_FIELD,
                    "websocket.secConnectionID: missing (expected: a non-empty string)");
        }

        @ParameterizedTest(name = "[{0}]")
        @ValueSource(strings = {"a", "lobby", "room:42", "user@example.com", "team/a_b-c.d", "Z9"})
        void validGroupNames(String group) {
            assertThat(parse(push(
                            "\"action\": \"join\", \"secConnectionID\": \"" + ID + "\", \"group\": \"" + group + "\"")))
                    .isEqualTo(new PushCommand.Join(ID, group));
        }

        @Test
        void longestGroupName() {
            String group = "g".repeat(128);

            assertThat(parse(push(
                            "\"action\": \"join\", \"secConnectionID\": \"" + ID + "\", \"group\": \"" + group + "\"")))
                    .isEqualTo(new PushCommand.Join(ID, group));
        }

        @ParameterizedTest(name = "[{0}]")
        @ValueSource(strings = {"bad name", "lobby!", "ümlaut", "tab\\there", "a*", "{x}"})
        void invalidGroupNames(String group) {
            assertThatThrownBy(() -> parse(push(
                            "\"action\": \"join\", \"secConnectionID\": \"" + ID + "\", \"group\": \"" + group + "\"")))
                    .isInstanceOfSatisfying(
                            SwitchboardException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD))
                    .hasMessageStartingWith("websocket.group: \"")
                    .hasMessageEndingWith("\" (expected: 1–128 characters of A-Z a-z 0-9 _ . : @ / -)");
        }

        @Test
        void groupNameTooLongIsShortenedInTheMessage() {
            String group = "g".repeat(129);

            assertRejected(
                    push("\"action\": \"leave\", \"secConnectionID\": \"" + ID + "\", \"group\": \"" + group + "\""),
                    ErrorCode.INVALID_FIELD,
                    "websocket.group: \"" + "g".repeat(40) + "…\" (expected: 1–128 characters of A-Z a-z 0-9 _ . : @ /"
                            + " -)");
        }

        @Test
        void invalidGroupNameInADataSendTarget() {
            assertRejected(
                    push("\"action\": \"data send\", \"group\": \"bad name\", \"dataType\": \"text\", \"data\": \"x\""),
                    ErrorCode.INVALID_FIELD,
                    "websocket.group: \"bad name\" (expected: 1–128 characters of A-Z a-z 0-9 _ . : @ / -)");
        }

        @Test
        void emptyGroup() {
            assertRejected(
                    push("\"action\": \"join\", \"secConnectionID\": \"" + ID + "\", \"group\": \"\""),
                    ErrorCode.INVALID_FIELD,
                    "websocket.group: \"\" (expected: a non-empty string)");
        }
    }
}
