package dev.switchboard.bench.server;

import dev.switchboard.bench.net.HttpClientPool;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The stub function's endpoints: register, transfer and cleanup as the gateway calls them, and
 * {@code /echo} for the raw bridge; see {@link StubFunctionServer}.
 */
@Sharable
final class StubHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final String OK = "{\"errNo\":0,\"errMsg\":\"ok\"}";

    private final String registerAnswer;
    private final @Nullable InetSocketAddress push;
    private final String pushPath;
    private final int pushConnections;
    private final Map<EventLoop, HttpClientPool> pools = new ConcurrentHashMap<>();

    StubHandler(List<String> groups, @Nullable InetSocketAddress push, String pushPath, int pushConnections) {
        this.registerAnswer = groups.isEmpty()
                ? OK
                : "{\"errNo\":0,\"errMsg\":\"ok\",\"groups\":[\"" + String.join("\",\"", groups) + "\"]}";
        this.push = push;
        this.pushPath = pushPath;
        this.pushConnections = pushConnections;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) throws IOException {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        String uri = request.uri();
        if (uri.endsWith("/register")) {
            respond(ctx, keepAlive, HttpResponseStatus.OK, utf8(ctx, registerAnswer));
        } else if (uri.endsWith("/cleanup")) {
            respond(ctx, keepAlive, HttpResponseStatus.OK, utf8(ctx, OK));
        } else if (uri.endsWith("/transfer")) {
            transfer(ctx, keepAlive, request.content());
        } else if (uri.endsWith("/echo")) {
            // the raw bridge's function: the body back as it came
            respond(ctx, keepAlive, HttpResponseStatus.OK, request.content().retain());
        } else {
            respond(
                    ctx,
                    keepAlive,
                    HttpResponseStatus.NOT_FOUND,
                    utf8(ctx, "{\"errNo\":4040,\"errMsg\":\"no such path\"}"));
        }
    }

    private void transfer(ChannelHandlerContext ctx, boolean keepAlive, ByteBuf body) throws IOException {
        TransferRequest transfer = TransferRequest.read(body);
        if (transfer == null) {
            respond(
                    ctx,
                    keepAlive,
                    HttpResponseStatus.BAD_REQUEST,
                    utf8(ctx, "{\"errNo\":4000,\"errMsg\":\"not a transfer event\"}"));
            return;
        }
        ByteBuf out = ctx.alloc().buffer(transfer.data().length() + 160);
        if (push == null) {
            transfer.writeReply(out);
            respond(ctx, keepAlive, HttpResponseStatus.OK, out);
            return;
        }
        transfer.writePush(out);
        // answer the transfer only once the push is done, as a function awaiting its push call
        // would: the gateway then sends the next message, so pushes stay in order
        pool(ctx.channel().eventLoop()).post(pushPath, out, (status, answer) -> {
            HttpResponseStatus result = status == 200 ? HttpResponseStatus.OK : HttpResponseStatus.BAD_GATEWAY;
            respond(
                    ctx,
                    keepAlive,
                    result,
                    utf8(ctx, status == 200 ? OK : "{\"errNo\":5020,\"errMsg\":\"push answered " + status + "\"}"));
        });
    }

    private HttpClientPool pool(EventLoop loop) {
        return pools.computeIfAbsent(loop, l -> new HttpClientPool(l, push, pushConnections));
    }

    private static ByteBuf utf8(ChannelHandlerContext ctx, String text) {
        return ByteBufUtil.writeUtf8(ctx.alloc(), text);
    }

    private static void respond(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, ByteBuf body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        HttpUtil.setKeepAlive(response, keepAlive);
        ctx.writeAndFlush(response, ctx.voidPromise());
    }
}
