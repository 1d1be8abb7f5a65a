package dev.switchboard.server.internal.presence;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.switchboard.core.config.AwsDialectConfig;
import dev.switchboard.core.config.DialectConfig;
import dev.switchboard.core.function.EventWriter;
import dev.switchboard.core.model.FunctionEvent;
import dev.switchboard.core.model.PresenceEvent;
import dev.switchboard.core.model.RequestContext;
import java.io.IOException;

/**
 * Writes the presence function's event in the route's dialect: Tencent's {@code websocket}
 * object with {@code action: presence}, or an AWS event of route key {@code $presence} (event
 * type {@code PRESENCE}) with a {@code presence} object.
 */
final class PresenceEventWriter implements EventWriter {
    private final DialectConfig dialect;

    PresenceEventWriter(DialectConfig dialect) {
        this.dialect = dialect;
    }

    @Override
    public void write(FunctionEvent event, JsonGenerator g) throws IOException {
        PresenceEvent presence = (PresenceEvent) event;
        RequestContext context = event.requestContext();
        g.writeStartObject();
        if (dialect instanceof AwsDialectConfig aws) {
            writeAws(presence, aws, g);
        } else {
            g.writeObjectFieldStart("requestContext");
            g.writeStringField("serviceId", context.serviceId());
            g.writeStringField("path", context.path());
            g.writeStringField("requestId", context.requestId());
            g.writeStringField("stage", context.stage());
            g.writeEndObject();
            g.writeObjectFieldStart("websocket");
            g.writeStringField("action", "presence");
            g.writeStringField("secConnectionID", presence.connectionId());
            writeChange(presence, g);
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void writeAws(PresenceEvent presence, AwsDialectConfig aws, JsonGenerator g) throws IOException {
        RequestContext context = presence.requestContext();
        g.writeObjectFieldStart("requestContext");
        g.writeStringField("routeKey", "$presence");
        g.writeStringField("eventType", "PRESENCE");
        g.writeStringField("connectionId", presence.connectionId());
        g.writeStringField("requestId", context.requestId());
        g.writeStringField("apiId", aws.apiId());
        g.writeStringField("stage", context.stage());
        g.writeEndObject();
        g.writeObjectFieldStart("presence");
        writeChange(presence, g);
        g.writeEndObject();
        g.writeBooleanField("isBase64Encoded", false);
    }

    private static void writeChange(PresenceEvent presence, JsonGenerator g) throws IOException {
        g.writeStringField("event", presence.change().wireName());
        g.writeStringField("group", presence.group());
        g.writeStringField("userId", presence.userId());
    }
}
