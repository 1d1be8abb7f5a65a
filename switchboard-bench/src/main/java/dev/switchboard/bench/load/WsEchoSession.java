package dev.switchboard.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import org.jspecify.annotations.Nullable;

/** A WebSocket connection that sends text messages and expects each one echoed back unchanged. */
public final class WsEchoSession extends PacedSession implements WsListener {
    private @Nullable WsConnection connection;

    /**
     * A session for connection {@code index}; {@code periodNanos} 0 sends the next message as soon
     * as the last one is echoed.
     */
    public WsEchoSession(Measurement measurement, int index, int payloadBytes, long periodNanos) {
        super(measurement, index, payloadBytes, periodNanos);
    }

    @Override
    public void onOpen(WsConnection connection) {
        this.connection = connection;
    }

    /** Starts the message loop after {@code offsetNanos}. */
    public void begin(long offsetNanos) {
        start(offsetNanos);
    }

    @Override
    protected void transmit() {
        connection().sendText(Unpooled.wrappedBuffer(payload));
    }

    @Override
    protected EventLoop loop() {
        return connection().channel().eventLoop();
    }

    @Override
    public void onData(WsConnection connection, ByteBuf content) {
        answered(matches(content));
    }

    @Override
    public void onClosed(WsConnection connection) {
        lost();
    }

    private WsConnection connection() {
        if (connection == null) {
            throw new IllegalStateException("not open");
        }
        return connection;
    }
}
