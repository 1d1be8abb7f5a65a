package dev.switchboard.server.internal.session;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.ErrorCode;
import dev.switchboard.core.json.Json;
import dev.switchboard.core.model.Message;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The frames of {@code switchboard.reliable.v1} (docs/reliable-sessions.md). A data message is
 * the application's message behind a number: in a text frame, the number in decimal and a colon
 * ({@code 17:hello}); in a binary frame, the number as 8 bytes, big-endian. Server messages are
 * numbered by sequence number, client messages by message id, each from 1. Control frames are
 * JSON objects in text frames ({@code {"type":"ack","seq":17}}), which no data frame can be
 * mistaken for, since those start with a digit.
 */
public final class ReliableFrames {
    /** The longest decimal number a data frame may carry (a positive long). */
    private static final int MAX_DIGITS = 19;

    private static final int BINARY_HEADER = 8;

    private ReliableFrames() {}

    /** Message {@code seq} to the client: {@code message}'s payload behind its number. */
    public static Message data(long seq, Message message) {
        byte[] payload = message.payload();
        if (message.type() == Message.Type.BINARY) {
            byte[] framed = new byte[BINARY_HEADER + payload.length];
            for (int i = 0; i < BINARY_HEADER; i++) {
                framed[i] = (byte) (seq >>> (56 - 8 * i));
            }
            System.arraycopy(payload, 0, framed, BINARY_HEADER, payload.length);
            return Message.binary(framed);
        }
        byte[] number = (Long.toString(seq) + ':').getBytes(StandardCharsets.US_ASCII);
        byte[] framed = Arrays.copyOf(number, number.length + payload.length);
        System.arraycopy(payload, 0, framed, number.length, payload.length);
        return new Message(Message.Type.TEXT, framed);
    }

    /** Reads one frame from the client. */
    public static ClientFrame parse(Message frame) {
        byte[] bytes = frame.payload();
        if (frame.type() == Message.Type.BINARY) {
            if (bytes.length < BINARY_HEADER) {
                return new ClientFrame.Invalid("binary frame of " + bytes.length + " bytes (expected: an 8-byte id)");
            }
            long id = 0;
            for (int i = 0; i < BINARY_HEADER; i++) {
                id = (id << 8) | (bytes[i] & 0xFF);
            }
            return clientData(id, Message.binary(Arrays.copyOfRange(bytes, BINARY_HEADER, bytes.length)));
        }
        if (bytes.length > 0 && bytes[0] == '{') {
            return control(bytes);
        }
        int colon = -1;
        for (int i = 0; i < Math.min(bytes.length, MAX_DIGITS + 1); i++) {
            if (bytes[i] == ':') {
                colon = i;
                break;
            }
            if (bytes[i] < '0' || bytes[i] > '9') {
                break;
            }
        }
        if (colon < 1) {
            return new ClientFrame.Invalid(
                    "text frame without an id (expected: <id>:<message> or a JSON control frame)");
        }
        long id;
        try {
            id = Long.parseLong(new String(bytes, 0, colon, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return new ClientFrame.Invalid("message id larger than " + Long.MAX_VALUE);
        }
        return clientData(id, new Message(Message.Type.TEXT, Arrays.copyOfRange(bytes, colon + 1, bytes.length)));
    }

    private static ClientFrame clientData(long id, Message message) {
        return id < 1
                ? new ClientFrame.Invalid("message id " + id + " (expected: 1 or more)")
                : new ClientFrame.Data(id, message);
    }

    private static ClientFrame control(byte[] bytes) {
        JsonNode node;
        try {
            node = Json.mapper().readTree(bytes);
        } catch (java.io.IOException e) {
            return new ClientFrame.Invalid("control frame is not JSON");
        }
        String type = node.path("type").asText("");
        if (!type.equals("ack")) {
            return type.isEmpty()
                    ? new ClientFrame.Invalid("control frame without a type")
                    : new ClientFrame.Unknown(type);
        }
        JsonNode seq = node.get("seq");
        if (seq == null || !seq.canConvertToLong() || !seq.isIntegralNumber() || seq.asLong() < 0) {
            return new ClientFrame.Invalid("ack without a seq (expected: {\"type\":\"ack\",\"seq\":<n>})");
        }
        return new ClientFrame.Ack(seq.asLong());
    }

    /** The first frame of a new session: its id, its first resume token and its window. */
    public static Message welcome(String session, String token, long resumeWindowMillis) {
        ObjectNode node = control("welcome");
        node.put("session", session);
        node.put("token", token);
        node.put("resumeWindow", resumeWindowMillis);
        return text(node);
    }

    /**
     * The first frame after a resume: the next token, the last client message the session took
     * ({@code ack}; the client resends those after it) and the last sequence number sent.
     */
    public static Message resumed(String session, String token, long ack, long seq, long resumeWindowMillis) {
        ObjectNode node = control("resumed");
        node.put("session", session);
        node.put("token", token);
        node.put("ack", ack);
        node.put("seq", seq);
        node.put("resumeWindow", resumeWindowMillis);
        return text(node);
    }

    /** The session has taken every client message up to {@code id}. */
    public static Message ack(long id) {
        return text(control("ack").put("id", id));
    }

    /** The session cannot be resumed: the client starts a new one. Followed by a close frame. */
    public static Message reset(ErrorCode code, String why) {
        return text(control("reset").put("errNo", code.errNo()).put("errMsg", why));
    }

    private static ObjectNode control(String type) {
        return Json.mapper().createObjectNode().put("type", type);
    }

    private static Message text(ObjectNode node) {
        try {
            return new Message(Message.Type.TEXT, Json.mapper().writeValueAsBytes(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
