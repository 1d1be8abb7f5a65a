package dev.switchboard.core.dialect.tencent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.model.Message;
import java.util.Base64;

/** Reads the {@code {"dataType": "text"|"binary", "data": "..."}} pair used by pushes and replies. */
final class TencentMessages {
    /** Longest part of a caller's value quoted in an error message. */
    static final int MAX_DESCRIBED = 40;

    private TencentMessages() {}

    /**
     * Reads a message from {@code node}.
     *
     * @param where the field path for error messages, e.g. {@code websocket}
     * @throws MessageFormatException naming the field when the pair is missing or wrong
     */
    static Message read(JsonNode node, String where) {
        if (!node.isObject()) {
            throw new MessageFormatException(MessageFormatException.Kind.FIELD, where + ": expected an object");
        }
        JsonNode dataType = node.get("dataType");
        if (dataType == null || !dataType.isTextual()) {
            throw new MessageFormatException(
                    MessageFormatException.Kind.FIELD,
                    where + ".dataType: " + describe(dataType) + " (expected: \"text\" or \"binary\")");
        }
        JsonNode data = node.get("data");
        if (data == null || !data.isTextual()) {
            throw new MessageFormatException(
                    MessageFormatException.Kind.FIELD, where + ".data: " + describe(data) + " (expected: a string)");
        }
        return switch (dataType.asText()) {
            case "text" -> Message.text(data.asText());
            case "binary" -> {
                try {
                    yield Message.binary(Base64.getDecoder().decode(data.asText()));
                } catch (IllegalArgumentException e) {
                    throw new MessageFormatException(
                            MessageFormatException.Kind.BASE64,
                            where + ".data: not valid base64 for a binary message (" + e.getMessage() + ")");
                }
            }
            default ->
                throw new MessageFormatException(
                        MessageFormatException.Kind.DATA_TYPE,
                        where + ".dataType: " + describe(dataType) + " (expected: \"text\" or \"binary\")");
        };
    }

    /**
     * Short description of a JSON value for error messages: its JSON text, with control
     * characters escaped, cut to {@value #MAX_DESCRIBED} characters, so a caller's value is never
     * echoed in full into an answer or the log.
     */
    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "missing";
        }
        if (node.isNull()) {
            return "null";
        }
        String text = node.toString();
        return text.length() > MAX_DESCRIBED ? text.substring(0, MAX_DESCRIBED) + "…" : text;
    }

    /** A message pair was wrong; {@link Kind} says how, so pushes can map it to an errNo. */
    static final class MessageFormatException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        enum Kind {
            FIELD,
            DATA_TYPE,
            BASE64
        }

        final Kind kind;

        MessageFormatException(Kind kind, String message) {
            super(message);
            this.kind = kind;
        }
    }
}
