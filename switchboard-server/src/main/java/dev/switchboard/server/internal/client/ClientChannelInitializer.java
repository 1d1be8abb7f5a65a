package dev.switchboard.server.internal.client;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * The pipeline of a new client socket, before the upgrade: HTTP decoding within
 * {@code max-header-bytes}, then the handshake. The handshake replaces the HTTP codec with the
 * WebSocket codec and installs the frame handlers.
 */
public final class ClientChannelInitializer extends ChannelInitializer<SocketChannel> {
    /** An upgrade request has no body; a small allowance covers clients that send one anyway. */
    private static final int MAX_UPGRADE_BODY_BYTES = 1024;

    private final ClientServices services;
    private final HandshakeHandler handshakeHandler;

    public ClientChannelInitializer(ClientServices services) {
        this.services = services;
        this.handshakeHandler = new HandshakeHandler(services);
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        int maxHeaderBytes = services.limits().maxHeaderBytes();
        channel.pipeline()
                .addLast("http", new HttpServerCodec(maxHeaderBytes, maxHeaderBytes, 8192))
                .addLast("http-aggregator", new HttpObjectAggregator(MAX_UPGRADE_BODY_BYTES))
                .addLast("handshake", handshakeHandler);
    }
}
