package dev.switchboard.core.dialect.tencent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.ErrorCode;
import dev.switchboard.core.SwitchboardException;
import dev.switchboard.core.config.TencentDialectConfig;
import dev.switchboard.core.dialect.Dialect;
import dev.switchboard.core.dialect.RegistrationDecision;
import dev.switchboard.core.dialect.TransferOutcome;
import dev.switchboard.core.function.EventWriter;
import dev.switchboard.core.function.FunctionResult;
import dev.switchboard.core.push.GroupNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The Tencent Cloud API Gateway WebSocket dialect (the default). Field names follow Tencent's
 * documentation so functions written for it run unchanged; Switchboard's extensions sit at the
 * top level of events and responses, never inside {@code websocket}.
 */
public final class TencentDialect implements Dialect {
    /** The transfer action of current Tencent documentation. */
    public static final String DATA_SEND = TencentDialectConfig.DATA_SEND;
    /** The transfer action of older Tencent documentation. */
    public static final String DATA_RECV = TencentDialectConfig.DATA_RECV;

    private static final String REFUSED_MESSAGE = "registration failed";

    private final TencentEventWriter eventWriter;

    /** A dialect whose message events carry {@code transferAction} as their action. */
    public TencentDialect(String transferAction) {
        this.eventWriter = new TencentEventWriter(transferAction);
    }

    @Override
    public EventWriter eventWriter() {
        return eventWriter;
    }

    @Override
    public RegistrationDecision registrationDecision(FunctionResult result, @Nullable String requestedSubprotocols) {
        if (!(result instanceof FunctionResult.Response response)) {
            return failed(result.describe());
        }
        if (!response.ok()) {
            return failed("registration function answered " + response.describe());
        }
        JsonNode body = response.body();
        if (body == null || !body.isObject()) {
            return failed("registration response is not a JSON object: " + response.bodyPreview());
        }
        JsonNode errNo = body.get("errNo");
        if (errNo == null || !(errNo.isIntegralNumber() || errNo.isTextual())) {
            return failed("registration response has no numeric errNo");
        }
        int code = errNo.isTextual() ? parseIntOr(errNo.asText(), -1) : errNo.asInt();
        if (code != 0) {
            JsonNode status = body.get("httpStatus");
            int httpStatus = status != null && status.isInt() && status.asInt() >= 400 && status.asInt() <= 599
                    ? status.asInt()
                    : ErrorCode.REFUSED.httpStatus();
            String errMsg = body.path("errMsg").asText("");
            return new RegistrationDecision.Refuse(
                    httpStatus, code, errMsg, "registration function refused: errNo " + code + " " + errMsg);
        }
        return accept(body);
    }

    private static RegistrationDecision accept(JsonNode body) {
        JsonNode websocket = body.path("websocket");
        String subprotocol = firstToken(websocket.path("secWebSocketProtocol").asText(""));
        boolean deflate = false;
        for (String extension :
                websocket.path("secWebSocketExtensions").asText("").split(",")) {
            String name = extension.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            if (name.equals("permessage-deflate")) {
                deflate = true;
            }
        }
        JsonNode context = body.get("context");
        if (context != null && !context.isNull() && !context.isObject()) {
            return failed("registration response's context is not a JSON object");
        }
        JsonNode groupsNode = body.get("groups");
        List<String> groups = new ArrayList<>();
        if (groupsNode != null && !groupsNode.isNull()) {
            if (!groupsNode.isArray()) {
                return failed("registration response's groups is not an array of strings");
            }
            for (JsonNode group : groupsNode) {
                if (!group.isTextual()) {
                    return failed("registration response's groups is not an array of strings");
                }
                try {
                    groups.add(GroupNames.validate(group.asText(), "groups[" + groups.size() + "]"));
                } catch (SwitchboardException e) {
                    return failed("registration response's " + e.getMessage());
                }
            }
        }
        JsonNode userId = body.get("userId");
        if (userId != null && !userId.isNull() && (!userId.isTextual() || !validUserId(userId.asText()))) {
            return failed(
                    "registration response's userId is not a string of 1 to " + MAX_USER_ID_LENGTH + " characters");
        }
        return new RegistrationDecision.Accept(
                subprotocol.isEmpty() ? null : subprotocol,
                deflate,
                context instanceof ObjectNode object ? object : null,
                List.copyOf(groups),
                userId == null || userId.isNull() ? null : userId.asText());
    }

    @Override
    public TransferOutcome transferOutcome(FunctionResult result) {
        if (!(result instanceof FunctionResult.Response response) || !response.ok()) {
            return new TransferOutcome.Failed(result.describe());
        }
        JsonNode reply = response.body() == null ? null : response.body().get("reply");
        if (reply == null || reply.isNull()) {
            return new TransferOutcome.Delivered(null, null);
        }
        try {
            return new TransferOutcome.Delivered(TencentMessages.read(reply, "reply"), null);
        } catch (IllegalArgumentException e) {
            return new TransferOutcome.Delivered(null, e.getMessage());
        }
    }

    /** The longest user id a registration answer may set. */
    public static final int MAX_USER_ID_LENGTH = 256;

    private static boolean validUserId(String userId) {
        return !userId.isEmpty() && userId.length() <= MAX_USER_ID_LENGTH;
    }

    private static RegistrationDecision.Refuse failed(String logReason) {
        return new RegistrationDecision.Refuse(
                ErrorCode.REGISTRATION_FAILED.httpStatus(),
                ErrorCode.REGISTRATION_FAILED.errNo(),
                REFUSED_MESSAGE,
                logReason);
    }

    private static String firstToken(String header) {
        int comma = header.indexOf(',');
        return (comma < 0 ? header : header.substring(0, comma)).trim();
    }

    private static int parseIntOr(String text, int fallback) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
