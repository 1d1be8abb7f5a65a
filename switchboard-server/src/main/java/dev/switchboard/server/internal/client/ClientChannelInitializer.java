package dev.switchboard.server.internal.client;

import dev.switchboard.server.internal.tls.ServerTls;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import org.jspecify.annotations.Nullable;

/**
 * The pipeline of a new client socket, before the upgrade: TLS when configured (with the
 * certificate current at accept time), HTTP decoding within {@code max-header-bytes}, then the
 * handshake. The handshake replaces the HTTP codec with the
 * WebSocket codec and installs the frame handlers.
 */
public final class ClientChannelInitializer extends ChannelInitializer<SocketChannel> {
    /** An upgrade request has no body; a small allowance covers clients that send one anyway. */
    private static final int MAX_UPGRADE_BODY_BYTES = 1024;

    private final ClientServices services;
    private final HandshakeHandler handshakeHandler;
    private final @Nullable ServerTls tls;

    public ClientChannelInitializer(ClientServices services) {
        this(services, null);
    }

    /** Serves {@code wss://} with {@code tls}, or plain {@code ws://} when it is null. */
    public ClientChannelInitializer(ClientServices services, @Nullable ServerTls tls) {
        this.services = services;
        this.handshakeHandler = new HandshakeHandler(services);
        this.tls = tls;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        int maxHeaderBytes = services.limits().maxHeaderBytes();
        if (tls != null) {
            channel.pipeline().addLast("tls", tls.newHandler(channel.alloc()));
        }
        channel.pipeline()
                .addLast("http", new HttpServerCodec(maxHeaderBytes, maxHeaderBytes, 8192))
                .addLast("http-aggregator", HandshakeHandler.aggregator(MAX_UPGRADE_BODY_BYTES))
                .addLast("handshake", handshakeHandler);
    }
}
