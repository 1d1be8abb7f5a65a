package dev.switchboard.bench.jmh;

import dev.switchboard.bench.load.Payloads;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.MessageEvent;
import dev.switchboard.core.model.RequestContext;
import java.nio.charset.StandardCharsets;

/** Inputs shared by the benchmarks: a message event and the JSON bodies around it. */
final class Fixtures {
    static final String CONNECTION_ID = "bench.jBJFmTvtq3IzF-EN02YtQQ";

    private Fixtures() {}

    static byte[] payload(int bytes) {
        byte[] payload = Payloads.blank(bytes);
        Payloads.stamp(payload, 1, 1);
        return payload;
    }

    /** A transfer event as the gateway builds one for a text message (no context). */
    static MessageEvent messageEvent(int payloadBytes) {
        RequestContext context = new RequestContext(
                "service-local", "release", "/bench", "127.0.0.1", "3f2a9c1e-7d4b-4a8e-9f1c-2b6d8e0a4c7f");
        return new MessageEvent(context, CONNECTION_ID, new Message(Message.Type.TEXT, payload(payloadBytes)), null);
    }

    /** A push sending text to one connection. */
    static byte[] pushToConnection(int payloadBytes) {
        return ("{\"websocket\":{\"action\":\"data send\",\"secConnectionID\":\"" + CONNECTION_ID
                        + "\",\"dataType\":\"text\",\"data\":\"" + Payloads.text(payload(payloadBytes)) + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A push sending text to a group. */
    static byte[] pushToGroup(int payloadBytes) {
        return ("{\"websocket\":{\"action\":\"data send\",\"group\":\"lobby\",\"dataType\":\"text\",\"data\":\""
                        + Payloads.text(payload(payloadBytes)) + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A transfer function's answer with a reply. */
    static byte[] transferReply(int payloadBytes) {
        return ("{\"errNo\":0,\"errMsg\":\"ok\",\"reply\":{\"dataType\":\"text\",\"data\":\""
                        + Payloads.text(payload(payloadBytes)) + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
