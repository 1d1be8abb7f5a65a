package dev.switchboard.core.dialect.tencent;

import static dev.switchboard.core.dialect.tencent.TencentMessages.describe;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.ErrorCode;
import dev.switchboard.core.SwitchboardException;
import dev.switchboard.core.json.Json;
import dev.switchboard.core.model.CloseCause;
import dev.switchboard.core.push.GroupNames;
import dev.switchboard.core.push.PushCommand;
import dev.switchboard.core.push.PushTarget;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Parses a {@code POST /push} body ({@code {"websocket": {"action": …}}}) into a {@link PushCommand}.
 * Each mistake becomes a {@link SwitchboardException} whose message names the field.
 */
public final class TencentPushParser {
    /** Longest close reason a close frame can carry, in UTF-8 bytes. */
    public static final int MAX_CLOSE_REASON_BYTES = 123;

    private static final String ACTIONS = "\"data send\", \"closing\", \"join\", \"leave\", \"info\", \"refresh\"";

    private static final ObjectReader READER =
            Json.mapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private TencentPushParser() {}

    /** Parses a push body. */
    public static PushCommand parse(InputStream body) {
        return parse(readTree(body));
    }

    /**
     * Reads a push body as a JSON object, for callers that keep the tree (e.g. to forward it).
     *
     * @throws SwitchboardException (400, 4000) when it is not one JSON object
     */
    public static ObjectNode readTree(InputStream body) {
        JsonNode root;
        try {
            root = READER.readTree(body);
        } catch (JacksonException e) {
            throw new SwitchboardException(
                    ErrorCode.BODY_NOT_JSON, "body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new SwitchboardException(ErrorCode.BODY_NOT_JSON, "body could not be read: " + e.getMessage());
        }
        if (!(root instanceof ObjectNode object)) {
            throw new SwitchboardException(ErrorCode.BODY_NOT_JSON, "body is not a JSON object");
        }
        return object;
    }

    /** Parses a push body that is already a tree. */
    public static PushCommand parse(JsonNode root) {
        JsonNode websocket = root.get("websocket");
        if (websocket == null || !websocket.isObject()) {
            throw invalid("websocket: " + describe(websocket) + " (expected: an object)");
        }
        String action = requiredString(websocket, "action");
        return switch (action) {
            case TencentDialect.DATA_SEND -> parseSend(websocket);
            case "closing" -> parseClose(websocket);
            case "join" ->
                forUser(websocket)
                        ? new PushCommand.ForUser(userId(websocket), new PushCommand.UserAction.Join(group(websocket)))
                        : new PushCommand.Join(connectionId(websocket), group(websocket));
            case "leave" ->
                forUser(websocket)
                        ? new PushCommand.ForUser(userId(websocket), new PushCommand.UserAction.Leave(group(websocket)))
                        : new PushCommand.Leave(connectionId(websocket), group(websocket));
            case "info" ->
                forUser(websocket)
                        ? new PushCommand.ForUser(userId(websocket), new PushCommand.UserAction.Info())
                        : new PushCommand.Info(connectionId(websocket));
            case "refresh" ->
                forUser(websocket)
                        ? new PushCommand.ForUser(
                                userId(websocket),
                                new PushCommand.UserAction.Refresh(requiredString(websocket, "token")))
                        : new PushCommand.Refresh(connectionId(websocket), requiredString(websocket, "token"));
            default ->
                throw new SwitchboardException(
                        ErrorCode.UNKNOWN_ACTION,
                        "websocket.action: " + describe(websocket.get("action")) + " (expected one of: " + ACTIONS
                                + ")");
        };
    }

    private static PushCommand parseSend(JsonNode websocket) {
        PushTarget target = target(websocket);
        try {
            return new PushCommand.Send(target, TencentMessages.read(websocket, "websocket"));
        } catch (TencentMessages.MessageFormatException e) {
            ErrorCode code = switch (e.kind) {
                case FIELD -> ErrorCode.INVALID_FIELD;
                case DATA_TYPE -> ErrorCode.UNKNOWN_ACTION;
                case BASE64 -> ErrorCode.INVALID_BASE64;
            };
            throw new SwitchboardException(code, e.getMessage());
        }
    }

    private static PushTarget target(JsonNode websocket) {
        int given = (websocket.has("secConnectionID") ? 1 : 0)
                + (websocket.has("secConnectionIDs") ? 1 : 0)
                + (websocket.has("group") ? 1 : 0)
                + (websocket.has("all") ? 1 : 0)
                + (websocket.has("userId") ? 1 : 0);
        if (given != 1) {
            throw invalid("websocket: " + (given == 0 ? "no target" : "more than one target")
                    + " (expected exactly one of: secConnectionID, secConnectionIDs, group, userId, all)");
        }
        if (websocket.has("secConnectionID")) {
            if (websocket.has("exclude")) {
                throw invalid("websocket.exclude: not allowed with secConnectionID");
            }
            return new PushTarget.Connection(connectionId(websocket));
        }
        Set<String> exclude = new LinkedHashSet<>(stringList(websocket, "exclude", false));
        if (websocket.has("secConnectionIDs")) {
            return new PushTarget.Connections(stringList(websocket, "secConnectionIDs", true), Set.copyOf(exclude));
        }
        if (websocket.has("group")) {
            return new PushTarget.Group(group(websocket), Set.copyOf(exclude));
        }
        if (websocket.has("userId")) {
            return new PushTarget.User(userId(websocket), Set.copyOf(exclude));
        }
        JsonNode all = websocket.get("all");
        if (!all.isBoolean() || !all.asBoolean()) {
            throw invalid("websocket.all: " + describe(all) + " (expected: true)");
        }
        return new PushTarget.All(Set.copyOf(exclude));
    }

    private static PushCommand parseClose(JsonNode websocket) {
        @Nullable String id = forUser(websocket) ? null : connectionId(websocket);
        int code = CloseCause.NORMAL;
        JsonNode codeNode = websocket.get("closeCode");
        if (codeNode != null && !codeNode.isNull()) {
            if (!codeNode.canConvertToInt()
                    || !codeNode.isIntegralNumber()
                    || !CloseCause.isSendable(codeNode.asInt())) {
                throw invalid("websocket.closeCode: " + describe(codeNode)
                        + " (expected: 1000, 1001, 1002, 1003, 1007-1011, 1012, 1013 or 3000-4999)");
            }
            code = codeNode.asInt();
        }
        String reason = "";
        JsonNode reasonNode = websocket.get("closeReason");
        if (reasonNode != null && !reasonNode.isNull()) {
            if (!reasonNode.isTextual()) {
                throw invalid("websocket.closeReason: " + describe(reasonNode) + " (expected: a string)");
            }
            reason = reasonNode.asText();
            if (reason.getBytes(StandardCharsets.UTF_8).length > MAX_CLOSE_REASON_BYTES) {
                throw invalid("websocket.closeReason: longer than " + MAX_CLOSE_REASON_BYTES
                        + " UTF-8 bytes (expected: what fits in a close frame)");
            }
        }
        return id == null
                ? new PushCommand.ForUser(userId(websocket), new PushCommand.UserAction.Close(code, reason))
                : new PushCommand.Close(id, code, reason);
    }

    /**
     * True when an action that takes one connection names a user instead: {@code userId}
     * without {@code secConnectionID}; both at once is a mistake.
     */
    private static boolean forUser(JsonNode websocket) {
        if (!websocket.has("userId")) {
            return false;
        }
        if (websocket.has("secConnectionID")) {
            throw invalid("websocket: both secConnectionID and userId (expected exactly one of them)");
        }
        return true;
    }

    private static String connectionId(JsonNode websocket) {
        return requiredString(websocket, "secConnectionID");
    }

    /** The {@code userId} field: a string of 1 to {@value TencentDialect#MAX_USER_ID_LENGTH} characters. */
    private static String userId(JsonNode websocket) {
        String userId = requiredString(websocket, "userId");
        if (userId.length() > TencentDialect.MAX_USER_ID_LENGTH) {
            throw invalid("websocket.userId: longer than " + TencentDialect.MAX_USER_ID_LENGTH
                    + " characters (expected: a user id)");
        }
        return userId;
    }

    private static String group(JsonNode websocket) {
        return GroupNames.validate(requiredString(websocket, "group"), "websocket.group");
    }

    private static String requiredString(JsonNode websocket, String field) {
        JsonNode node = websocket.get(field);
        if (node == null || !node.isTextual() || node.asText().isEmpty()) {
            throw invalid("websocket." + field + ": " + describe(node) + " (expected: a non-empty string)");
        }
        return node.asText();
    }

    private static List<String> stringList(JsonNode websocket, String field, boolean required) {
        JsonNode node = websocket.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw invalid("websocket." + field + ": missing (expected: an array of connection ids)");
            }
            return List.of();
        }
        if (!node.isArray()) {
            throw invalid("websocket." + field + ": " + describe(node) + " (expected: an array of connection ids)");
        }
        List<String> values = new ArrayList<>(node.size());
        for (JsonNode element : node) {
            if (!element.isTextual()) {
                throw invalid("websocket." + field + ": contains " + describe(element) + " (expected: strings)");
            }
            values.add(element.asText());
        }
        return List.copyOf(values);
    }

    private static SwitchboardException invalid(String message) {
        return new SwitchboardException(ErrorCode.INVALID_FIELD, message);
    }
}
