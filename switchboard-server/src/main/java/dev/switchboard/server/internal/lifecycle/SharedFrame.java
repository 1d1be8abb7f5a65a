package dev.switchboard.server.internal.lifecycle;

import dev.switchboard.core.model.Message;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * One message encoded once as a server WebSocket frame (unmasked, final), for sending to many
 * connections: each gets a read-only view of the same bytes instead of its own frame, encoder
 * pass and copy. Connections that compress (permessage-deflate) encode it themselves.
 */
public final class SharedFrame {
    private static final int OPCODE_TEXT = 0x1;
    private static final int OPCODE_BINARY = 0x2;

    private final Message message;
    private final ByteBuf encoded;

    private SharedFrame(Message message, ByteBuf encoded) {
        this.message = message;
        this.encoded = encoded;
    }

    /** Encodes {@code message}; the caller {@link #release()}s it after sending to everyone. */
    public static SharedFrame of(Message message) {
        int length = message.size();
        int header = length < 126 ? 2 : length < 65536 ? 4 : 10;
        ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(header + length);
        buffer.writeByte(0x80 | (message.type() == Message.Type.TEXT ? OPCODE_TEXT : OPCODE_BINARY));
        if (length < 126) {
            buffer.writeByte(length);
        } else if (length < 65536) {
            buffer.writeByte(126);
            buffer.writeShort(length);
        } else {
            buffer.writeByte(127);
            buffer.writeLong(length);
        }
        buffer.writeBytes(message.payload());
        return new SharedFrame(message, buffer);
    }

    /** The message, for connections that must encode it themselves. */
    public Message message() {
        return message;
    }

    /** A view of the encoded frame for one connection (released when written). */
    public ByteBuf retainedView() {
        return encoded.retainedDuplicate();
    }

    /** Releases the encoded frame once every connection has its view. */
    public void release() {
        encoded.release();
    }
}
