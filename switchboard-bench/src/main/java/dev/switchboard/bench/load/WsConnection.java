package dev.switchboard.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.Promise;
import org.jspecify.annotations.Nullable;

/**
 * One client WebSocket of the load generator: completes {@link #opened} when its handshake does,
 * and passes data frames to its {@link WsListener}. Pings are answered by Netty's protocol handler.
 */
public final class WsConnection extends SimpleChannelInboundHandler<WebSocketFrame> {
    private final int index;
    private final WsListener listener;
    private volatile @Nullable Channel channel;
    private volatile @Nullable Promise<WsConnection> opened;

    WsConnection(int index, WsListener listener) {
        this.index = index;
        this.listener = listener;
    }

    /** This connection's number, from 0. */
    public int index() {
        return index;
    }

    /** The socket. */
    public Channel channel() {
        if (channel == null) {
            throw new IllegalStateException("connection " + index + " is not connected");
        }
        return channel;
    }

    void bind(Channel channel, Promise<WsConnection> opened) {
        this.channel = channel;
        this.opened = opened;
    }

    /** Sends a text frame (from any thread). */
    public void sendText(ByteBuf content) {
        channel().writeAndFlush(new TextWebSocketFrame(content), channel().voidPromise());
    }

    /** Starts the closing handshake and closes the socket once the close frame is written. */
    public ChannelFuture close() {
        Channel ch = channel();
        if (!ch.isActive()) {
            return ch.closeFuture();
        }
        ch.writeAndFlush(new CloseWebSocketFrame(1000, "bench done")).addListener(ChannelFutureListener.CLOSE);
        return ch.closeFuture();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            listener.onOpen(this);
            if (opened != null) {
                opened.trySuccess(this);
            }
        } else if (event == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            fail(new IllegalStateException("handshake timed out"));
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
            listener.onData(this, frame.content());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(new IllegalStateException("closed before the handshake completed"));
        listener.onClosed(this);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(cause);
        ctx.close();
    }

    private void fail(Throwable cause) {
        if (opened != null) {
            opened.tryFailure(cause);
        }
    }
}
