package dev.switchboard.bench.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.switchboard.core.json.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.jspecify.annotations.Nullable;

/**
 * What the stub function needs from a transfer event — {@code websocket.secConnectionID},
 * {@code dataType} and {@code data} — read by streaming, as an efficient function would; and the
 * two answers it writes: a {@code reply}, or a push body for the same connection.
 */
record TransferRequest(String connectionId, String dataType, String data) {

    /** Reads a Tencent transfer event; null when it is not one. */
    static @Nullable TransferRequest read(ByteBuf body) throws IOException {
        String id = null;
        String type = "text";
        String data = null;
        try (JsonParser parser = Json.factory().createParser((InputStream) new ByteBufInputStream(body))) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                if (!"websocket".equals(field)) {
                    parser.skipChildren();
                    continue;
                }
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    parser.nextToken();
                    switch (name) {
                        case "secConnectionID" -> id = parser.getText();
                        case "dataType" -> type = parser.getText();
                        case "data" -> data = parser.getText();
                        default -> parser.skipChildren();
                    }
                }
            }
        }
        return id == null || data == null ? null : new TransferRequest(id, type, data);
    }

    /** Writes {@code {"errNo":0,"errMsg":"ok","reply":{…}}}: the gateway sends the reply back. */
    void writeReply(ByteBuf out) throws IOException {
        try (JsonGenerator g = Json.factory().createGenerator((OutputStream) new ByteBufOutputStream(out))) {
            g.writeStartObject();
            g.writeNumberField("errNo", 0);
            g.writeStringField("errMsg", "ok");
            g.writeObjectFieldStart("reply");
            g.writeStringField("dataType", dataType);
            g.writeStringField("data", data);
            g.writeEndObject();
            g.writeEndObject();
        }
    }

    /** Writes the push that sends the message back to its connection. */
    void writePush(ByteBuf out) throws IOException {
        try (JsonGenerator g = Json.factory().createGenerator((OutputStream) new ByteBufOutputStream(out))) {
            g.writeStartObject();
            g.writeObjectFieldStart("websocket");
            g.writeStringField("action", "data send");
            g.writeStringField("secConnectionID", connectionId);
            g.writeStringField("dataType", dataType);
            g.writeStringField("data", data);
            g.writeEndObject();
            g.writeEndObject();
        }
    }
}
