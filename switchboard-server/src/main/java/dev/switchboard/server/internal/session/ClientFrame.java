package dev.switchboard.server.internal.session;

import dev.switchboard.core.model.Message;

/** What one frame from a reliable client is: a numbered message, an acknowledgement, or garbage. */
public sealed interface ClientFrame {

    /** Message {@code id} of the client's session, carrying {@code message} for the transfer function. */
    record Data(long id, Message message) implements ClientFrame {}

    /** The client has every message up to sequence number {@code seq}. */
    record Ack(long seq) implements ClientFrame {}

    /** A control frame of a type this version does not know; ignored, so clients can grow. */
    record Unknown(String type) implements ClientFrame {}

    /** A frame that does not follow the protocol; the connection closes with 1002. */
    record Invalid(String problem) implements ClientFrame {}
}
