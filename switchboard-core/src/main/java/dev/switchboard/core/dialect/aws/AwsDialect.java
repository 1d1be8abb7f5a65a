package dev.switchboard.core.dialect.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.AwsDialectConfig;
import dev.switchboard.core.config.BinaryFrames;
import dev.switchboard.core.config.RouteSelector;
import dev.switchboard.core.dialect.Dialect;
import dev.switchboard.core.dialect.MessageRoute;
import dev.switchboard.core.dialect.Notice;
import dev.switchboard.core.dialect.RegistrationDecision;
import dev.switchboard.core.dialect.TransferOutcome;
import dev.switchboard.core.function.EventWriter;
import dev.switchboard.core.function.FunctionResult;
import dev.switchboard.core.json.Json;
import dev.switchboard.core.model.CloseCause;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.MessageEvent;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The AWS API Gateway WebSocket dialect ({@code dialect: aws}), so that handlers written for
 * API Gateway's Lambda-proxy integration run unchanged:
 *
 * <ul>
 *   <li>{@code $connect}: a 2xx {@code statusCode} (or no answer at all) accepts; the subprotocol
 *       is the response's {@code Sec-WebSocket-Protocol} header and nothing else; any other
 *       status is the handshake's status with the response's {@code body}; a failed handler
 *       gives 502.
 *   <li>Messages go to the function of the route key the route selection expression picks, else
 *       to {@code $default}, else the client is told {@code Forbidden}. A failed function gets
 *       the client {@code Internal server error}. With {@code route-response: true} the
 *       response's {@code body} is sent back.
 *   <li>Binary messages close the connection with 1003 unless {@code binary-frames: deliver}.
 * </ul>
 */
public final class AwsDialect implements Dialect {
    /** Close reason for a binary message under {@code binary-frames: close}. */
    public static final String BINARY_NOT_SUPPORTED = "Binary frames are not supported";

    private static final String SUBPROTOCOL_HEADER = "sec-websocket-protocol";
    private static final String INTERNAL_ERROR = "{\"message\": \"Internal server error\"}";

    private final AwsEventWriter eventWriter;
    private final RouteSelector selector;
    private final boolean routeResponse;
    private final boolean closeOnBinary;

    /**
     * A dialect for a route with the settings {@code config} whose binary messages are handled
     * as {@code binaryFrames} says.
     *
     * @param pushDomainName the push listener's {@code host:port}, used as {@code domainName}
     *     when the route sets no {@code domain-name}; asked for at each event, since the
     *     listener's port is known only once it is bound
     * @param clock the source of {@code requestTime}
     */
    public AwsDialect(
            AwsDialectConfig config, BinaryFrames binaryFrames, Supplier<String> pushDomainName, Clock clock) {
        String domainName = config.domainName();
        this.eventWriter =
                new AwsEventWriter(config.apiId(), domainName == null ? pushDomainName : () -> domainName, clock);
        this.selector = RouteSelector.parse(config.routeSelectionExpression());
        this.routeResponse = config.routeResponse();
        this.closeOnBinary = binaryFrames == BinaryFrames.CLOSE;
    }

    @Override
    public EventWriter eventWriter() {
        return eventWriter;
    }

    @Override
    public RegistrationDecision registrationDecision(FunctionResult result, @Nullable String requestedSubprotocols) {
        if (!(result instanceof FunctionResult.Response response) || !response.ok()) {
            return internalError("$connect function failed: " + result.describe());
        }
        JsonNode body = response.body();
        if (body == null || !body.isObject()) {
            // a handler that returns nothing accepts, as on AWS
            return RegistrationDecision.Accept.plain();
        }
        JsonNode statusNode = body.get("statusCode");
        int status = 200;
        if (statusNode != null && !statusNode.isNull()) {
            if (!statusNode.canConvertToInt() && !statusNode.isTextual()) {
                return internalError("$connect response's statusCode is not a number: " + statusNode);
            }
            try {
                status = statusNode.isTextual()
                        ? Integer.parseInt(statusNode.asText().trim())
                        : statusNode.asInt();
            } catch (NumberFormatException e) {
                return internalError("$connect response's statusCode is not a number: " + statusNode);
            }
        }
        Map<String, String> headers = headers(body);
        if (status >= 200 && status < 300) {
            String subprotocol = headers.get(SUBPROTOCOL_HEADER);
            return new RegistrationDecision.Accept(
                    subprotocol == null || subprotocol.isBlank() ? null : subprotocol.trim(), false, null, List.of());
        }
        if (status < 300 || status > 599) {
            return internalError("$connect response's statusCode " + status + " is not an HTTP status for a refusal");
        }
        String contentType = headers.getOrDefault("content-type", "text/plain; charset=UTF-8");
        Map<String, String> extra = new LinkedHashMap<>(headers);
        extra.keySet().removeAll(List.of("content-type", "content-length", "connection", "transfer-encoding"));
        return new RegistrationDecision.Respond(
                status, extra, bodyText(body), contentType, "$connect answered statusCode " + status);
    }

    @Override
    public MessageRoute messageRoute(Message message) {
        if (message.type() == Message.Type.BINARY && closeOnBinary) {
            return new MessageRoute.Close(CloseCause.UNSUPPORTED_DATA, BINARY_NOT_SUPPORTED);
        }
        return new MessageRoute.Select(selector.select(message).orElse(MessageEvent.DEFAULT_ROUTE_KEY));
    }

    @Override
    public TransferOutcome transferOutcome(FunctionResult result) {
        if (!(result instanceof FunctionResult.Response response) || !response.ok()) {
            return new TransferOutcome.Failed(result.describe());
        }
        if (!routeResponse || response.body() == null || response.body().isNull()) {
            return new TransferOutcome.Delivered(null, null);
        }
        JsonNode body = response.body();
        if (!body.isObject()) {
            return new TransferOutcome.Delivered(
                    Message.text(body.isTextual() ? body.asText() : body.toString()), null);
        }
        JsonNode payload = body.get("body");
        if (payload == null || payload.isNull()) {
            return new TransferOutcome.Delivered(null, null);
        }
        if (!payload.isTextual()) {
            return new TransferOutcome.Delivered(Message.text(payload.toString()), null);
        }
        if (body.path("isBase64Encoded").asBoolean(false)) {
            try {
                return new TransferOutcome.Delivered(
                        Message.binary(Base64.getDecoder().decode(payload.asText())), null);
            } catch (IllegalArgumentException e) {
                return new TransferOutcome.Delivered(
                        null, "route response body is marked isBase64Encoded but is not valid base64");
            }
        }
        return new TransferOutcome.Delivered(Message.text(payload.asText()), null);
    }

    @Override
    public Optional<Message> notice(Notice notice, MessageEvent event) {
        String text = switch (notice) {
            case NO_ROUTE -> "Forbidden";
            case FUNCTION_FAILED -> "Internal server error";
        };
        return Optional.of(Message.text(Json.mapper()
                .createObjectNode()
                .put("message", text)
                .put("connectionId", event.connectionId())
                .put("requestId", event.requestContext().requestId())
                .toString()));
    }

    /** The response's headers with lower-case names; {@code headers} wins over {@code multiValueHeaders}. */
    private static Map<String, String> headers(JsonNode body) {
        Map<String, String> headers = new LinkedHashMap<>();
        body.path("multiValueHeaders").fields().forEachRemaining(entry -> {
            JsonNode values = entry.getValue();
            if (values.isArray() && !values.isEmpty() && values.get(0).isValueNode()) {
                headers.put(
                        entry.getKey().toLowerCase(Locale.ROOT), values.get(0).asText());
            }
        });
        body.path("headers").fields().forEachRemaining(entry -> {
            if (entry.getValue().isValueNode() && !entry.getValue().isNull()) {
                headers.put(
                        entry.getKey().toLowerCase(Locale.ROOT),
                        entry.getValue().asText());
            }
        });
        return headers;
    }

    private static String bodyText(JsonNode response) {
        JsonNode body = response.get("body");
        if (body == null || body.isNull()) {
            return "";
        }
        return body.isTextual() ? body.asText() : body.toString();
    }

    private static RegistrationDecision.Respond internalError(String logReason) {
        return new RegistrationDecision.Respond(502, Map.of(), INTERNAL_ERROR, "application/json", logReason);
    }
}
