package dev.switchboard.bench.server;

import dev.switchboard.bench.net.EventLoops;
import dev.switchboard.core.json.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The reference for the limit: the smallest Netty WebSocket server that echoes every text or
 * binary message on any path, with the same transport, event loop count and buffer allocator as
 * the gateway. Writes are flushed once per read batch. For fan-out it also broadcasts: a
 * {@code POST /push} with a Tencent group push body sends its {@code data} to every open
 * WebSocket the way Netty does it ({@link ChannelGroup#writeAndFlush}) and answers
 * {@code {"delivered": N}}, so the same load generator measures it against the gateway.
 */
@Command(name = "raw-echo", description = "Run the raw Netty WebSocket echo server.")
public final class RawEchoServer implements Callable<Integer> {
    @Option(names = "--port", description = "Port on 127.0.0.1 (0: any free port).")
    int port;

    @Option(names = "--threads", description = "Event loops (default: one per core).")
    int threads = EventLoops.defaultThreads();

    public static void main(String[] args) {
        System.exit(new CommandLine(new RawEchoServer()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        EventLoopGroup group = EventLoops.group("raw-echo", threads);
        ChannelGroup websockets = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        EchoHandler echo = new EchoHandler(websockets);
        BroadcastHandler broadcast = new BroadcastHandler(websockets);
        WebSocketServerProtocolConfig config = LoopbackServer.webSocketOnAnyPath();
        LoopbackServer.serve(
                group,
                port,
                channel -> channel.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(65536))
                        .addLast(broadcast)
                        .addLast(new WebSocketServerProtocolHandler(config))
                        .addLast(echo));
        return 0;
    }

    /** Writes every data frame back; flushes once per read batch. */
    @Sharable
    static final class EchoHandler extends ChannelInboundHandlerAdapter {
        private final ChannelGroup websockets;

        EchoHandler(ChannelGroup websockets) {
            this.websockets = websockets;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                websockets.add(ctx.channel());
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame) {
                ctx.write(msg, ctx.voidPromise());
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }

    /** Answers {@code POST /push} by broadcasting its {@code websocket.data} to every WebSocket. */
    @Sharable
    static final class BroadcastHandler extends ChannelInboundHandlerAdapter {
        private final ChannelGroup websockets;

        BroadcastHandler(ChannelGroup websockets) {
            this.websockets = websockets;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws IOException {
            if (!(msg instanceof FullHttpRequest request
                    && request.method().equals(HttpMethod.POST)
                    && request.uri().equals("/push"))) {
                ctx.fireChannelRead(msg);
                return;
            }
            String data;
            try (InputStream body = new ByteBufInputStream(request.content())) {
                data = Json.mapper()
                        .readTree(body)
                        .path("websocket")
                        .path("data")
                        .asText();
            } finally {
                request.release();
            }
            int members = websockets.size();
            websockets.writeAndFlush(new TextWebSocketFrame(data));
            ByteBuf answer =
                    Unpooled.copiedBuffer("{\"errNo\":0,\"delivered\":" + members + "}", StandardCharsets.UTF_8);
            FullHttpResponse response =
                    new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, answer);
            response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, answer.readableBytes());
            ctx.writeAndFlush(response, ctx.voidPromise());
        }
    }
}
