package dev.switchboard.core.dialect.aws;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.switchboard.core.dialect.Base64Text;
import dev.switchboard.core.function.EventWriter;
import dev.switchboard.core.json.Json;
import dev.switchboard.core.model.CloseCause;
import dev.switchboard.core.model.CloseEvent;
import dev.switchboard.core.model.ConnectEvent;
import dev.switchboard.core.model.FunctionEvent;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.MessageEvent;
import dev.switchboard.core.model.RequestContext;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Writes events in the shapes API Gateway gives WebSocket Lambda-proxy integrations:
 * {@code $connect} with the upgrade request's headers and query, messages with {@code body},
 * {@code $disconnect} with {@code disconnectStatusCode} and {@code disconnectReason}.
 */
final class AwsEventWriter implements EventWriter {
    /** API Gateway's {@code requestTime} form, e.g. {@code 09/Feb/2024:18:11:43 +0000}. */
    static final DateTimeFormatter REQUEST_TIME = DateTimeFormatter.ofPattern(
                    "dd/MMM/yyyy:HH:mm:ss +0000", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private final String apiId;
    private final Supplier<String> domainName;
    private final Clock clock;

    AwsEventWriter(String apiId, Supplier<String> domainName, Clock clock) {
        this.apiId = apiId;
        this.domainName = domainName;
        this.clock = clock;
    }

    @Override
    public void write(FunctionEvent event, JsonGenerator g) throws IOException {
        Instant now = clock.instant();
        g.writeStartObject();
        if (event instanceof ConnectEvent connect) {
            writeHeaders(connect.headerLines(), g);
            writeQuery(connect.queryValues(), g);
            writeRequestContext(event, "$connect", "CONNECT", now, g);
            g.writeEndObject();
        } else if (event instanceof MessageEvent message) {
            writeRequestContext(event, message.routeKey(), "MESSAGE", now, g);
            g.writeStringField("messageId", message.requestContext().requestId());
            g.writeEndObject();
            writeBody(message.message(), g);
        } else if (event instanceof CloseEvent close) {
            writeRequestContext(event, "$disconnect", "DISCONNECT", now, g);
            g.writeNumberField("disconnectStatusCode", close.cause().code());
            g.writeStringField("disconnectReason", disconnectReason(close.cause()));
            g.writeEndObject();
            if (close.cause().resumeExpired()) {
                g.writeBooleanField("resumeExpired", true);
            }
        }
        if (!(event instanceof MessageEvent)) {
            g.writeBooleanField("isBase64Encoded", false);
        }
        g.writeEndObject();
    }

    /** Opens {@code requestContext} and writes the fields every event has; the caller closes it. */
    private void writeRequestContext(
            FunctionEvent event, String routeKey, String eventType, Instant now, JsonGenerator g) throws IOException {
        RequestContext context = event.requestContext();
        Instant connectedAt = context.connectedAt() != null ? context.connectedAt() : now;
        g.writeObjectFieldStart("requestContext");
        g.writeStringField("routeKey", routeKey);
        g.writeStringField("eventType", eventType);
        g.writeStringField("extendedRequestId", context.requestId());
        g.writeStringField("requestTime", REQUEST_TIME.format(now));
        g.writeStringField("messageDirection", "IN");
        g.writeStringField("stage", context.stage());
        g.writeNumberField("connectedAt", connectedAt.toEpochMilli());
        g.writeNumberField("requestTimeEpoch", now.toEpochMilli());
        g.writeObjectFieldStart("identity");
        g.writeStringField("sourceIp", context.sourceIp());
        if (context.userAgent() != null) {
            g.writeStringField("userAgent", context.userAgent());
        }
        g.writeEndObject();
        writeAuthorizer(context, g);
        g.writeStringField("requestId", context.requestId());
        g.writeStringField("domainName", domainName.get());
        g.writeStringField("connectionId", event.connectionId());
        g.writeStringField("apiId", apiId);
    }

    /**
     * {@code authorizer} as an authorized API Gateway request has it: what the Lambda authorizer
     * allowed the connection with, or else the user as {@code principalId} and, on
     * {@code $connect}, the verified token's claims as {@code jwt.claims}.
     */
    private static void writeAuthorizer(RequestContext context, JsonGenerator g) throws IOException {
        if (context.authorizer() != null) {
            g.writeFieldName("authorizer");
            Json.mapper().writeTree(g, context.authorizer());
            return;
        }
        if (context.userId() == null && context.claims() == null) {
            return;
        }
        g.writeObjectFieldStart("authorizer");
        if (context.userId() != null) {
            g.writeStringField("principalId", context.userId());
        }
        if (context.claims() != null) {
            g.writeObjectFieldStart("jwt");
            g.writeFieldName("claims");
            Json.mapper().writeTree(g, context.claims());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void writeBody(Message message, JsonGenerator g) throws IOException {
        g.writeFieldName("body");
        switch (message.type()) {
            case TEXT -> {
                if (g.getOutputTarget() instanceof OutputStream) {
                    g.writeUTF8String(message.payload(), 0, message.size());
                } else {
                    g.writeString(message.text());
                }
            }
            case BINARY -> Base64Text.write(message.payload(), g);
        }
        g.writeBooleanField("isBase64Encoded", message.type() == Message.Type.BINARY);
    }

    /** {@code headers} (the last value of each name) and {@code multiValueHeaders}, names as sent. */
    private static void writeHeaders(List<ConnectEvent.Header> lines, JsonGenerator g) throws IOException {
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (ConnectEvent.Header line : lines) {
            values.computeIfAbsent(line.name(), name -> new ArrayList<>()).add(line.value());
        }
        writeSingleAndMulti("headers", "multiValueHeaders", values, g);
    }

    /** {@code queryStringParameters} and its multi-value form, only when the request had a query. */
    private static void writeQuery(Map<String, List<String>> query, JsonGenerator g) throws IOException {
        if (!query.isEmpty()) {
            writeSingleAndMulti("queryStringParameters", "multiValueQueryStringParameters", query, g);
        }
    }

    private static void writeSingleAndMulti(
            String single, String multi, Map<String, List<String>> values, JsonGenerator g) throws IOException {
        g.writeObjectFieldStart(single);
        for (Map.Entry<String, List<String>> entry : values.entrySet()) {
            List<String> list = entry.getValue();
            g.writeStringField(entry.getKey(), list.isEmpty() ? "" : list.get(list.size() - 1));
        }
        g.writeEndObject();
        g.writeObjectFieldStart(multi);
        for (Map.Entry<String, List<String>> entry : values.entrySet()) {
            g.writeArrayFieldStart(entry.getKey());
            for (String value : entry.getValue()) {
                g.writeString(value);
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    /** The close reason, or the standard name of its code when the close frame gave none. */
    static String disconnectReason(CloseCause cause) {
        if (!cause.reason().isEmpty()) {
            return cause.reason();
        }
        return switch (cause.code()) {
            case CloseCause.NORMAL -> "Normal closure";
            case CloseCause.GOING_AWAY -> "Going away";
            case CloseCause.NO_STATUS -> "Client-side close frame status not set";
            case CloseCause.ABNORMAL -> "Connection closed abnormally";
            default -> "";
        };
    }
}
