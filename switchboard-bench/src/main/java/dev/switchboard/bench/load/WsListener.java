package dev.switchboard.bench.load;

import io.netty.buffer.ByteBuf;

/** What a load connection does with its traffic; called on the connection's event loop. */
public interface WsListener {
    /** The handshake completed. */
    default void onOpen(WsConnection connection) {}

    /** A data frame arrived ({@code content} is released after the call). */
    void onData(WsConnection connection, ByteBuf content);

    /** The connection closed. */
    default void onClosed(WsConnection connection) {}

    /** A listener that ignores data: connections that only stay open. */
    WsListener IDLE = (connection, content) -> {};
}
