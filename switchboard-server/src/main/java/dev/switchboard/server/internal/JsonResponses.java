package dev.switchboard.server.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.ErrorCode;
import dev.switchboard.core.json.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.UncheckedIOException;

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

    /** Sends {@code response} on a connection that stays open when {@code keepAlive}. */
    public static void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        if (keepAlive) {
            ctx.writeAndFlush(response, ctx.voidPromise());
        } else {
            sendAndClose(ctx, response);
        }
    }
}
