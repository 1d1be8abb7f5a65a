package dev.switchboard.bench.server;

import dev.switchboard.bench.net.EventLoops;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * How every reference server of the bench listens: on 127.0.0.1 with the gateway's transport, a
 * deep accept backlog and no Nagle delay, serving the {@link ServerControl} protocol (its open
 * sockets are the {@code count}) until it is told to stop.
 */
final class LoopbackServer {
    private LoopbackServer() {}

    /** The WebSocket upgrade of the reference servers: any path, messages up to 1 MiB. */
    static WebSocketServerProtocolConfig webSocketOnAnyPath() {
        return WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/")
                .checkStartsWith(true)
                .maxFramePayloadLength(1 << 20)
                .build();
    }

    /**
     * Binds {@code port} (0: any free one) on {@code group}, builds each accepted socket's
     * pipeline with {@code pipeline}, and serves the control protocol until {@code stop}.
     */
    static void serve(EventLoopGroup group, int port, Consumer<SocketChannel> pipeline) throws Exception {
        AtomicInteger open = new AtomicInteger();
        Channel server = new ServerBootstrap()
                .group(group)
                .channel(EventLoops.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        open.incrementAndGet();
                        channel.closeFuture().addListener(f -> open.decrementAndGet());
                        pipeline.accept(channel);
                    }
                })
                .bind("127.0.0.1", port)
                .sync()
                .channel();
        ServerControl.serve(String.valueOf(((InetSocketAddress) server.localAddress()).getPort()), open::get, () -> {
            server.close().syncUninterruptibly();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        });
    }
}
