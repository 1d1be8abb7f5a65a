package dev.switchboard.server.internal.lifecycle;

import dev.switchboard.core.model.Message;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * One message encoded once as a server WebSocket frame (unmasked, final) and written to many
 * connections: each gets a read-only view of the same bytes instead of its own frame, encoder
 * pass and copy. Connections that compress (permessage-deflate) encode it themselves.
 *
 * <p>The writes are grouped by event loop: {@link #writeTo} only collects a socket, and
 * {@link #sendAndRelease} hands each loop one task that writes to all of its sockets, instead
 * of one task and one wake-up per member. The sockets are flushed by the loop's
 * {@link LoopFlusher} after the tasks already queued there, so the frames of pushes that arrive
 * together leave in one {@code write(2)} per socket. Filled and sent by one thread.
 */
public final class SharedFrame {
    private static final int OPCODE_TEXT = 0x1;
    private static final int OPCODE_BINARY = 0x2;

    private final Message message;
    private final ByteBuf encoded;
    private final Map<EventLoop, List<Channel>> socketsByLoop = new IdentityHashMap<>();

    private SharedFrame(Message message, ByteBuf encoded) {
        this.message = message;
        this.encoded = encoded;
    }

    /** Encodes {@code message}; the caller {@link #sendAndRelease()}s it after collecting the sockets. */
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

    /** Adds {@code socket} to the sockets that get the encoded frame. */
    public void writeTo(Channel socket) {
        socketsByLoop
                .computeIfAbsent(socket.eventLoop(), loop -> new ArrayList<>())
                .add(socket);
    }

    /**
     * Writes the frame to every collected socket in one task per event loop, then releases this
     * frame's hold on the bytes. A socket gets the frame after everything pushed to it before.
     */
    public void sendAndRelease() {
        try {
            socketsByLoop.forEach((loop, sockets) -> {
                ByteBuf bytes = encoded.retainedDuplicate(); // kept alive until that loop has written
                // queued even on the caller's own loop, behind what was pushed before (see Connection#send)
                loop.execute(() -> writeAll(loop, sockets, bytes));
            });
        } finally {
            encoded.release();
        }
    }

    private static void writeAll(EventLoop loop, List<Channel> sockets, ByteBuf bytes) {
        try {
            for (Channel socket : sockets) {
                socket.write(bytes.retainedDuplicate(), socket.voidPromise());
            }
            LoopFlusher.current().flushSoon(loop, sockets);
        } finally {
            bytes.release();
        }
    }
}
