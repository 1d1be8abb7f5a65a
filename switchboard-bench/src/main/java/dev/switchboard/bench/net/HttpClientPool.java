package dev.switchboard.bench.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * Keep-alive HTTP/1.1 connections to one server, owned by one event loop: POSTs wait for a free
 * connection (at most {@code maxConnections} open) and complete on that loop. Call only from it.
 */
public final class HttpClientPool {
    /** Receives a response: its status (-1 when the request failed) and body (released after the call). */
    @FunctionalInterface
    public interface Callback {
        void done(int status, ByteBuf body);
    }

    private record Call(String path, ByteBuf body, Callback callback) {}

    private static final AttributeKey<Call> CALL = AttributeKey.valueOf("bench.http.call");

    private final Bootstrap bootstrap;
    private final String host;
    private final int maxConnections;
    private final ArrayDeque<Channel> idle = new ArrayDeque<>();
    private final ArrayDeque<Call> waiting = new ArrayDeque<>();
    private int open;

    public HttpClientPool(EventLoop loop, InetSocketAddress server, int maxConnections) {
        this.host = server.getHostString() + ":" + server.getPort();
        this.maxConnections = maxConnections;
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channel(EventLoops.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .remoteAddress(server)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline()
                                .addLast(new HttpClientCodec())
                                .addLast(new HttpObjectAggregator(1 << 20))
                                .addLast(new ResponseHandler());
                    }
                });
    }

    /** POSTs {@code body} (JSON; this pool releases it) to {@code path}. */
    public void post(String path, ByteBuf body, Callback callback) {
        Call call = new Call(path, body, callback);
        Channel channel = idle.pollFirst();
        if (channel != null) {
            send(channel, call);
        } else if (open < maxConnections) {
            connect(call);
        } else {
            waiting.addLast(call);
        }
    }

    private void connect(Call call) {
        open++;
        bootstrap.connect().addListener((ChannelFuture future) -> {
            if (future.isSuccess()) {
                future.channel().closeFuture().addListener(f -> onClosed(future.channel()));
                send(future.channel(), call);
            } else {
                open--;
                fail(call);
            }
        });
    }

    private void send(Channel channel, Call call) {
        channel.attr(CALL).set(call);
        FullHttpRequest request =
                new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, call.path(), call.body());
        request.headers()
                .set(HttpHeaderNames.HOST, host)
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, call.body().readableBytes());
        channel.writeAndFlush(request, channel.voidPromise());
    }

    private void release(Channel channel) {
        Call next = waiting.pollFirst();
        if (next != null) {
            send(channel, next);
        } else {
            idle.addFirst(channel);
        }
    }

    private void onClosed(Channel channel) {
        open--;
        idle.remove(channel);
        Call call = channel.attr(CALL).getAndSet(null);
        if (call != null) {
            call.callback().done(-1, Unpooled.EMPTY_BUFFER);
        }
        Call next = waiting.pollFirst();
        if (next != null) {
            post(next.path(), next.body(), next.callback());
        }
    }

    private static void fail(Call call) {
        call.body().release();
        call.callback().done(-1, Unpooled.EMPTY_BUFFER);
    }

    private final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            Call call = ctx.channel().attr(CALL).getAndSet(null);
            if (call != null) {
                call.callback().done(response.status().code(), response.content());
            }
            release(ctx.channel());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
