package dev.switchboard.server.internal.push;

import dev.switchboard.core.config.PushConfig;
import dev.switchboard.server.internal.client.ClientServices;
import dev.switchboard.server.internal.tls.ServerTls;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import org.jspecify.annotations.Nullable;

/**
 * The pipeline of a push listener connection: TLS when {@code push.tls} is set, the request and
 * idle timeouts, HTTP/1.1 keep-alive, the request checks (well-formed, Host, and without a token
 * Origin and Content-Type), token check, body limit, API.
 */
public final class PushChannelInitializer extends ChannelInitializer<SocketChannel> {
    private final PushConfig config;
    private final PushRequestGuard guard;
    private final @Nullable PushAuthHandler auth;
    private final PushApiHandler api;
    private final AwsConnectionsApi awsConnections;
    private final @Nullable ServerTls tls;

    public PushChannelInitializer(PushConfig config, ClientServices services, PushServices push) {
        this(config, services, push, null);
    }

    /** Serves {@code https://} with {@code tls}, or plain HTTP when it is null. */
    public PushChannelInitializer(
            PushConfig config, ClientServices services, PushServices push, @Nullable ServerTls tls) {
        this.config = config;
        this.tls = tls;
        this.guard = new PushRequestGuard(config);
        this.auth = config.token() == null ? null : new PushAuthHandler(config.token(), config.pushToken());
        this.awsConnections = push.aws;
        this.api = new PushApiHandler(
                push.router,
                push.admin,
                new Observability(services),
                services.metrics(),
                services.draining(),
                services.backplane());
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        ChannelPipeline pipeline = channel.pipeline();
        if (tls != null) {
            pipeline.addLast("tls", tls.newHandler(channel.alloc()));
        }
        PushTimeouts timeouts = new PushTimeouts(config.requestTimeout(), config.idleTimeout());
        pipeline.addLast("timeouts-bytes", timeouts.bytes());
        pipeline.addLast("http", new HttpServerCodec());
        pipeline.addLast("timeouts", timeouts.messages());
        // the guard, auth and the body limit answer on their own, past the keep-alive handler,
        // because they linger before closing instead of closing at once
        pipeline.addLast("guard", guard);
        if (auth != null) {
            pipeline.addLast("auth", auth);
        }
        pipeline.addLast("aggregator", new PushBodyAggregator(config.maxBodyBytes()));
        pipeline.addLast("keep-alive", new HttpServerKeepAliveHandler());
        pipeline.addLast("aws-connections", awsConnections);
        pipeline.addLast("api", api);
    }
}
