package dev.switchboard.server.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.ErrorCode;
import dev.switchboard.core.json.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/** Builds and sends the JSON HTTP responses every endpoint answers with. */
public final class JsonResponses {
    private JsonResponses() {}

    /** A response with body {@code {"errNo": …, "errMsg": …}}. */
    public static FullHttpResponse error(ByteBufAllocator alloc, int httpStatus, int errNo, String errMsg) {
        ByteBuf body = alloc.buffer(64 + errMsg.length());
        try (JsonGenerator g = Json.factory().createGenerator((java.io.OutputStream) new ByteBufOutputStream(body))) {
            g.writeStartObject();
            g.writeNumberField("errNo", errNo);
            g.writeStringField("errMsg", errMsg);
            g.writeEndObject();
        } catch (IOException e) {
            body.release();
            throw new UncheckedIOException(e);
        }
        return response(HttpResponseStatus.valueOf(httpStatus), body);
    }

    /** An error response for {@code code}. */
    public static FullHttpResponse error(ByteBufAllocator alloc, ErrorCode code, String errMsg) {
        return error(alloc, code.httpStatus(), code.errNo(), errMsg);
    }

    /** A 200 response with {@code json} as its body. */
    public static FullHttpResponse ok(ByteBufAllocator alloc, JsonNode json) {
        ByteBuf body = alloc.buffer();
        try {
            Json.mapper().writeValue((java.io.OutputStream) new ByteBufOutputStream(body), json);
        } catch (IOException e) {
            body.release();
            throw new UncheckedIOException(e);
        }
        return response(HttpResponseStatus.OK, body);
    }

    /** A response with a JSON body. */
    public static FullHttpResponse response(HttpResponseStatus status, ByteBuf body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        return response;
    }

    /** Sends {@code response} and closes the connection once it is written. */
    public static void sendAndClose(ChannelHandlerContext ctx, FullHttpResponse response) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * Sends {@code response} to a client that may still be sending (an oversized or unauthorised
     * body): half-closes after the response and discards input until the client closes or
     * {@link #LINGER_SECONDS} pass. Closing at once with unread input would reset the connection,
     * and the client could lose the response.
     */
    public static void sendAndLinger(ChannelHandlerContext ctx, FullHttpResponse response) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        Channel channel = ctx.channel();
        ctx.writeAndFlush(response).addListener(written -> {
            if (!written.isSuccess() || !(channel instanceof DuplexChannel duplex)) {
                channel.close();
                return;
            }
            channel.pipeline().addFirst("discard", DiscardInbound.INSTANCE);
            duplex.shutdownOutput();
            channel.config().setAutoRead(true);
            channel.eventLoop().schedule(() -> channel.close(), LINGER_SECONDS, TimeUnit.SECONDS);
        });
    }

    /** How long {@link #sendAndLinger} waits for the client to close. */
    public static final int LINGER_SECONDS = 2;

    /** Drops everything read after the final response. */
    @Sharable
    private static final class DiscardInbound extends ChannelInboundHandlerAdapter {
        static final DiscardInbound INSTANCE = new DiscardInbound();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Sends {@code response} on a connection that stays open when {@code keepAlive}. */
    public static void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        if (keepAlive) {
            ctx.writeAndFlush(response, ctx.voidPromise());
        } else {
            sendAndClose(ctx, response);
        }
    }
}
