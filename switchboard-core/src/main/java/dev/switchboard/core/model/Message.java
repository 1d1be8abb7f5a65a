package dev.switchboard.core.model;

import java.nio.charset.StandardCharsets;

/**
 * One complete WebSocket message. Text is held as UTF-8 bytes so it can travel from the socket
 * into a function's JSON without being decoded into a String.
 *
 * @param type text or binary
 * @param payload the message bytes (UTF-8 for text); never modified after construction
 */
public record Message(Type type, byte[] payload) {
    /** The two data message kinds, with their {@code dataType} wire names. */
    public enum Type {
        TEXT("text"),
        BINARY("binary");

        private final String wireName;

        Type(String wireName) {
            this.wireName = wireName;
        }

        /** {@code text} or {@code binary}. */
        public String wireName() {
            return wireName;
        }
    }

    /** A text message. */
    public static Message text(String text) {
        return new Message(Type.TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A binary message. */
    public static Message binary(byte[] bytes) {
        return new Message(Type.BINARY, bytes);
    }

    /** The payload size in bytes. */
    public int size() {
        return payload.length;
    }

    /** The text of a text message. */
    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }
}
