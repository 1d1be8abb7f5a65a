package dev.switchboard.core.dialect.tencent;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.dialect.Base64Text;
import dev.switchboard.core.function.EventWriter;
import dev.switchboard.core.json.Json;
import dev.switchboard.core.model.CloseEvent;
import dev.switchboard.core.model.ConnectEvent;
import dev.switchboard.core.model.FunctionEvent;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.MessageEvent;
import dev.switchboard.core.model.RequestContext;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Writes events in Tencent's shapes (docs/events-and-push.md). Every value inside {@code websocket} is a string;
 * Switchboard's extensions ({@code context}, {@code closeCode}, …) sit at the top level.
 */
final class TencentEventWriter implements EventWriter {
    private final String transferAction;

    TencentEventWriter(String transferAction) {
        this.transferAction = transferAction;
    }

    @Override
    public void write(FunctionEvent event, JsonGenerator g) throws IOException {
        g.writeStartObject();
        writeRequestContext(event.requestContext(), g);
        if (event instanceof ConnectEvent connect) {
            writeConnect(connect, g);
        } else if (event instanceof MessageEvent message) {
            writeMessage(message, g);
        } else if (event instanceof CloseEvent close) {
            writeClose(close, g);
        }
        writeUser(event.requestContext(), g);
        g.writeEndObject();
    }

    /** The connection's user ({@code userId}) and, on a connect event, the token's {@code claims}. */
    private static void writeUser(RequestContext context, JsonGenerator g) throws IOException {
        if (context.userId() != null) {
            g.writeStringField("userId", context.userId());
        }
        if (context.claims() != null) {
            g.writeFieldName("claims");
            Json.mapper().writeTree(g, context.claims());
        }
    }

    private static void writeConnect(ConnectEvent event, JsonGenerator g) throws IOException {
        g.writeObjectFieldStart("websocket");
        g.writeStringField("action", "connecting");
        g.writeStringField("secConnectionID", event.connectionId());
        if (event.requestedSubprotocols() != null) {
            g.writeStringField("secWebSocketProtocol", event.requestedSubprotocols());
        }
        if (event.requestedExtensions() != null) {
            g.writeStringField("secWebSocketExtensions", event.requestedExtensions());
        }
        g.writeEndObject();
        writeStringMap("headers", event.headers(), g);
        writeStringMap("queryString", event.query(), g);
        g.writeStringField("requestPath", event.requestPath());
    }

    private void writeMessage(MessageEvent event, JsonGenerator g) throws IOException {
        g.writeObjectFieldStart("websocket");
        g.writeStringField("action", transferAction);
        g.writeStringField("secConnectionID", event.connectionId());
        Message message = event.message();
        g.writeStringField("dataType", message.type().wireName());
        g.writeFieldName("data");
        switch (message.type()) {
            case TEXT -> writeText(message, g);
            case BINARY -> Base64Text.write(message.payload(), g);
        }
        g.writeEndObject();
        writeContext(event.context(), g);
    }

    private static void writeText(Message message, JsonGenerator g) throws IOException {
        // writeUTF8String skips decoding the payload, but only byte-based generators implement it
        if (g.getOutputTarget() instanceof OutputStream) {
            g.writeUTF8String(message.payload(), 0, message.size());
        } else {
            g.writeString(message.text());
        }
    }

    private static void writeClose(CloseEvent event, JsonGenerator g) throws IOException {
        g.writeObjectFieldStart("websocket");
        g.writeStringField("action", "closing");
        g.writeStringField("secConnectionID", event.connectionId());
        g.writeEndObject();
        writeContext(event.context(), g);
        g.writeNumberField("closeCode", event.cause().code());
        g.writeStringField("closeReason", event.cause().reason());
        g.writeStringField("closedBy", event.cause().closedBy().wireName());
        if (event.cause().resumeExpired()) {
            g.writeBooleanField("resumeExpired", true);
        }
    }

    private static void writeRequestContext(RequestContext context, JsonGenerator g) throws IOException {
        g.writeObjectFieldStart("requestContext");
        g.writeStringField("serviceId", context.serviceId());
        g.writeStringField("serviceName", context.serviceId());
        g.writeStringField("path", context.path());
        g.writeStringField("httpMethod", "GET");
        g.writeStringField("requestId", context.requestId());
        g.writeObjectFieldStart("identity");
        g.writeEndObject();
        g.writeStringField("sourceIp", context.sourceIp());
        g.writeStringField("stage", context.stage());
        g.writeBooleanField("websocketEnable", true);
        g.writeEndObject();
    }

    private static void writeContext(@Nullable JsonNode context, JsonGenerator g) throws IOException {
        if (context != null) {
            g.writeFieldName("context");
            Json.mapper().writeTree(g, context);
        }
    }

    private static void writeStringMap(String field, Map<String, String> map, JsonGenerator g) throws IOException {
        g.writeObjectFieldStart(field);
        for (Map.Entry<String, String> entry : map.entrySet()) {
            g.writeStringField(entry.getKey(), entry.getValue());
        }
        g.writeEndObject();
    }
}
