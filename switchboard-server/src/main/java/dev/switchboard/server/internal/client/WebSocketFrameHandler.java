package dev.switchboard.server.internal.client;

import dev.switchboard.core.model.CloseCause;
import dev.switchboard.core.model.ClosedBy;
import dev.switchboard.core.model.Message;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of an open connection: turns complete frames into calls on its
 * {@link Connection}, and protocol errors into the close code a client can act on (1009 too
 * big, 1007 invalid UTF-8, 1002 protocol error).
 */
@Sharable
final class WebSocketFrameHandler extends ChannelInboundHandlerAdapter {
    static final WebSocketFrameHandler INSTANCE = new WebSocketFrameHandler();

    private static final Logger log = LoggerFactory.getLogger(WebSocketFrameHandler.class);
    /** The largest close code a peer may send (RFC 6455 §7.4.2: 4000-4999 for private use). */
    private static final int MAX_CLOSE_CODE = 4999;

    private WebSocketFrameHandler() {}

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Connection connection = ctx.channel().attr(Connection.KEY).get();
        try {
            if (msg instanceof TextWebSocketFrame text) {
                connection.onMessage(new Message(Message.Type.TEXT, ByteBufUtil.getBytes(text.content())));
            } else if (msg instanceof BinaryWebSocketFrame binary) {
                connection.onMessage(new Message(Message.Type.BINARY, ByteBufUtil.getBytes(binary.content())));
            } else if (msg instanceof PingWebSocketFrame ping) {
                connection.onPing(ping.content());
            } else if (msg instanceof PongWebSocketFrame) {
                connection.onPong();
            } else if (msg instanceof CloseWebSocketFrame close) {
                onClose(connection, close);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.channel().attr(Connection.KEY).get().flushPongs();
        ctx.fireChannelReadComplete();
    }

    /**
     * Netty's decoder accepts every close code from 3000 up; RFC 6455 (§7.4.2) ends the range at
     * 4999, so a larger one is a protocol error rather than a code to echo and report.
     */
    private static void onClose(Connection connection, CloseWebSocketFrame close) {
        if (close.statusCode() > MAX_CLOSE_CODE) {
            log.atInfo()
                    .addKeyValue("conn", connection.id())
                    .addKeyValue("route", connection.route().path())
                    .log("protocol error from client (1002): close code {}", close.statusCode());
            connection.closeOnLoop(
                    new CloseCause(CloseCause.PROTOCOL_ERROR, reasonFor(CloseCause.PROTOCOL_ERROR), ClosedBy.SERVER));
            return;
        }
        connection.onClientClose(close.statusCode(), close.reasonText());
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ctx.channel().attr(Connection.KEY).get().onWritabilityChanged(ctx.channel());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ctx.channel().attr(Connection.KEY).get().onChannelInactive();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Connection connection = ctx.channel().attr(Connection.KEY).get();
        Throwable error = cause;
        if (!(error instanceof CorruptedWebSocketFrameException)
                && error instanceof DecoderException
                && error.getCause() != null) {
            error = error.getCause();
        }
        if (error instanceof Error fatal) {
            // a loop that ran out of memory (or worse) cannot be trusted to serve anyone
            Thread thread = Thread.currentThread();
            thread.getUncaughtExceptionHandler().uncaughtException(thread, fatal);
            connection.closeOnLoop(new CloseCause(CloseCause.INTERNAL_ERROR, "internal error", ClosedBy.SERVER));
        } else if (error instanceof PrematureChannelClosureException) {
            // the socket dropped mid-message: channelInactive follows, and it is the client's 1006
            log.atDebug()
                    .addKeyValue("conn", connection.id())
                    .addKeyValue("route", connection.route().path())
                    .log("socket closed in the middle of a fragmented message");
        } else if (error instanceof CorruptedWebSocketFrameException corrupted) {
            int code = corrupted.closeStatus().code();
            log.atInfo()
                    .addKeyValue("conn", connection.id())
                    .addKeyValue("route", connection.route().path())
                    .log("protocol error from client ({}): {}", code, corrupted.getMessage());
            connection.closeOnLoop(new CloseCause(code, reasonFor(code), ClosedBy.SERVER));
        } else if (error instanceof TooLongFrameException) {
            log.atInfo()
                    .addKeyValue("conn", connection.id())
                    .addKeyValue("route", connection.route().path())
                    .log("message larger than max-message-bytes: {}", error.getMessage());
            connection.closeOnLoop(
                    new CloseCause(CloseCause.MESSAGE_TOO_BIG, reasonFor(CloseCause.MESSAGE_TOO_BIG), ClosedBy.SERVER));
        } else if (error instanceof IOException) {
            log.atDebug()
                    .addKeyValue("conn", connection.id())
                    .addKeyValue("route", connection.route().path())
                    .log("socket error: {}", error.toString());
            ctx.close();
        } else {
            log.atWarn()
                    .addKeyValue("conn", connection.id())
                    .addKeyValue("route", connection.route().path())
                    .setCause(error)
                    .log("unexpected error; closing");
            connection.closeOnLoop(new CloseCause(CloseCause.INTERNAL_ERROR, "internal error", ClosedBy.SERVER));
        }
    }

    private static String reasonFor(int code) {
        return switch (code) {
            case CloseCause.MESSAGE_TOO_BIG -> "message too big";
            case CloseCause.INVALID_PAYLOAD -> "invalid UTF-8 in text message";
            default -> "protocol error";
        };
    }
}
