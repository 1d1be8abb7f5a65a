package dev.switchboard.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.json.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * A keep-alive HTTP connection that POSTs transfer events straight to a function and expects
 * {@code {"reply":{"data": <the message>}}} back: the direct baseline of {@code echo-http}.
 */
final class HttpEchoSession extends PacedSession {
    private final String host;
    private final String path;
    private final String connectionId;
    private final Handler handler = new Handler();
    private @Nullable Channel channel;
    private long requests;

    HttpEchoSession(Measurement measurement, int index, LoadSpec spec, long periodNanos, String host, String path) {
        super(measurement, index, spec.payloadBytes(), periodNanos);
        this.host = host;
        this.path = path;
        this.connectionId = "direct-" + index;
    }

    ChannelInboundHandler handler() {
        return handler;
    }

    void bind(Channel channel) {
        this.channel = channel;
    }

    void begin(long offsetNanos) {
        start(offsetNanos);
    }

    @Override
    protected EventLoop loop() {
        return channel().eventLoop();
    }

    @Override
    protected void transmit() {
        Channel ch = channel();
        ByteBuf body = ch.alloc().buffer(payload.length + 512);
        TransferEvents.write(TransferEvents.event(connectionId, payload, ++requests), body);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path, body);
        request.headers()
                .set(HttpHeaderNames.HOST, host)
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        ch.writeAndFlush(request, ch.voidPromise());
    }

    private Channel channel() {
        if (channel == null) {
            throw new IllegalStateException("not connected");
        }
        return channel;
    }

    private boolean replyMatches(FullHttpResponse response) {
        if (response.status().code() != 200) {
            return false;
        }
        try {
            JsonNode body = Json.mapper().readTree((InputStream) new ByteBufInputStream(response.content()));
            String data = body.path("reply").path("data").asText("");
            return matches(Unpooled.wrappedBuffer(data.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            return false;
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpResponse> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            answered(replyMatches(response));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            lost();
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
