package dev.switchboard.testkit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketClientCompressionHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.jspecify.annotations.Nullable;

/**
 * A WebSocket client built on Netty for tests: it records every message and how the connection
 * ended, can send any frame (including malformed ones), can stop reading, and reports a refused
 * handshake's status and body instead of throwing. {@code wss://} URIs connect over TLS and
 * remember the certificate the server presented.
 */
public final class WsClient implements AutoCloseable {
    private static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(
            2, new DefaultThreadFactory("ws-test-client", true), NioIoHandler.newFactory());
    private static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

    /** A received data message. */
    public record Message(boolean isText, byte[] data) {
        public String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    /**
     * How the connection ended.
     *
     * @param code the close frame's code, or 1006 when the socket closed without one
     * @param reason the close frame's reason
     */
    public record Closed(int code, String reason) {}

    /** A handshake answered with something other than 101. */
    public record Refused(int status, String body, HttpHeaders headers) {}

    /** Thrown when a handshake is refused; carries the answer. */
    public static final class RefusedException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Refused refused;

        RefusedException(Refused refused) {
            super("handshake refused with HTTP " + refused.status() + ": " + refused.body());
            this.refused = refused;
        }

        public Refused refused() {
            return refused;
        }
    }

    private final Channel channel;
    private final Handler handler;

    private WsClient(Channel channel, Handler handler) {
        this.channel = channel;
        this.handler = handler;
    }

    /** Options for a connection. */
    public static Builder to(URI uri) {
        return new Builder(uri);
    }

    /** Opens a connection with default options; throws {@link RefusedException} if refused. */
    public static WsClient open(URI uri) {
        return to(uri).open();
    }

    /** Builds a connection. */
    public static final class Builder {
        private final URI uri;
        private @Nullable String subprotocols;
        private boolean deflate;
        private boolean autoPong = true;
        private int receiveBuffer;
        private X509Certificate @Nullable [] trusted;
        private final HttpHeaders headers = new DefaultHttpHeaders();

        private Builder(URI uri) {
            this.uri = uri;
        }

        /** The {@code Sec-WebSocket-Protocol} to offer, e.g. {@code "chat, superchat"}. */
        public Builder subprotocols(String value) {
            this.subprotocols = value;
            return this;
        }

        /** Offer {@code permessage-deflate}. */
        public Builder deflate(boolean value) {
            this.deflate = value;
            return this;
        }

        /** Answer the server's pings (default true). */
        public Builder autoPong(boolean value) {
            this.autoPong = value;
            return this;
        }

        /**
         * The socket's receive buffer ({@code SO_RCVBUF}); small values make a client that stops
         * reading fill the server's buffers quickly.
         */
        public Builder receiveBuffer(int bytes) {
            this.receiveBuffer = bytes;
            return this;
        }

        /** For {@code wss://}: the certificates to trust instead of the JVM's trust store. */
        public Builder trust(X509Certificate... certificates) {
            this.trusted = certificates.clone();
            return this;
        }

        /** An extra request header. */
        public Builder header(String name, String value) {
            headers.add(name, value);
            return this;
        }

        /** Connects and waits for the handshake; throws {@link RefusedException} when refused. */
        public WsClient open() {
            WebSocketClientHandshaker handshaker = WebSocketClientHandshakerFactory.newHandshaker(
                    uri, WebSocketVersion.V13, subprotocols, true, headers, MAX_MESSAGE_BYTES);
            Handler handler = new Handler(handshaker, autoPong);
            SslContext tls = "wss".equals(uri.getScheme()) ? tlsContext() : null;
            int port = uri.getPort() != -1 ? uri.getPort() : tls != null ? 443 : 80;
            Bootstrap bootstrap = new Bootstrap().group(GROUP).channel(NioSocketChannel.class);
            if (receiveBuffer > 0) {
                bootstrap.option(ChannelOption.SO_RCVBUF, receiveBuffer);
            }
            Channel channel = bootstrap
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (tls != null) {
                                ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), uri.getHost(), port));
                            }
                            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65536));
                            if (deflate) {
                                ch.pipeline().addLast(WebSocketClientCompressionHandler.INSTANCE);
                            }
                            ch.pipeline().addLast("client", handler);
                        }
                    })
                    .connect(uri.getHost(), port)
                    .syncUninterruptibly()
                    .channel();
            try {
                handler.handshake.get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                channel.close();
                if (e.getCause() instanceof RefusedException refused) {
                    throw refused;
                }
                throw new IllegalStateException("handshake failed: " + e.getCause(), e.getCause());
            } catch (InterruptedException | TimeoutException e) {
                channel.close();
                throw new IllegalStateException("no handshake answer within 10 s", e);
            }
            return new WsClient(channel, handler);
        }

        private SslContext tlsContext() {
            try {
                SslContextBuilder builder = SslContextBuilder.forClient();
                if (trusted != null) {
                    builder.trustManager(trusted);
                }
                return builder.build();
            } catch (SSLException e) {
                throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
            }
        }

        /** Connects expecting a refusal; returns it. */
        public Refused refused() {
            try {
                WsClient client = open();
                client.abort();
                throw new AssertionError("handshake was accepted");
            } catch (RefusedException e) {
                return e.refused();
            }
        }
    }

    /** The certificate the server presented over {@code wss://}, or null for {@code ws://}. */
    public @Nullable X509Certificate peerCertificate() {
        SslHandler tls = channel.pipeline().get(SslHandler.class);
        if (tls == null) {
            return null;
        }
        try {
            Certificate[] chain = tls.engine().getSession().getPeerCertificates();
            return chain.length == 0 ? null : (X509Certificate) chain[0];
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    /** The subprotocol the server chose, or null. */
    public @Nullable String subprotocol() {
        return handler.responseHeaders.get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
    }

    /** The extensions the server accepted, or null. */
    public @Nullable String extensions() {
        return handler.responseHeaders.get(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS);
    }

    public WsClient sendText(String text) {
        return send(new TextWebSocketFrame(text));
    }

    public WsClient sendBinary(byte[] data) {
        return send(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(data)));
    }

    /** Sends any frame, as is. */
    public WsClient send(WebSocketFrame frame) {
        channel.writeAndFlush(frame).syncUninterruptibly();
        return this;
    }

    /** Sends a close frame; the server's answer and the socket's end show in {@link #awaitClose}. */
    public WsClient close(int code, String reason) {
        channel.writeAndFlush(new CloseWebSocketFrame(code, reason)).syncUninterruptibly();
        return this;
    }

    /** Closes the socket without a close frame, like a client that loses its network. */
    public void abort() {
        channel.close().syncUninterruptibly();
    }

    /** Stops reading the socket (the server's writes pile up), or resumes. */
    public void reading(boolean read) {
        channel.config().setAutoRead(read);
        if (read) {
            channel.read();
        }
    }

    /** The next message, waiting up to {@code timeout}; fails the test when none arrives. */
    public Message next(Duration timeout) {
        try {
            Message message = handler.messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (message == null) {
                throw new AssertionError("no message within " + timeout);
            }
            return message;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next {@code count} messages. */
    public List<Message> next(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Message> messages = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            messages.add(next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))));
        }
        return messages;
    }

    /** A message if one arrives within {@code timeout}, else null. */
    public @Nullable Message poll(Duration timeout) {
        try {
            return handler.messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Messages received and not yet taken. */
    public int pending() {
        return handler.messages.size();
    }

    /** The number of pings the server sent. */
    public int pingsReceived() {
        return handler.pings;
    }

    /** Waits until the connection has ended; fails the test when it does not within {@code timeout}. */
    public Closed awaitClose(Duration timeout) {
        try {
            return handler.closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("connection still open after " + timeout);
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    /** True while the socket is open. */
    public boolean isOpen() {
        return channel.isActive();
    }

    @Override
    public void close() {
        if (channel.isActive()) {
            channel.close().syncUninterruptibly();
        }
    }

    /** Performs the handshake, then records messages and the end. */
    private static final class Handler extends SimpleChannelInboundHandler<Object> {
        private final WebSocketClientHandshaker handshaker;
        private final boolean autoPong;
        final CompletableFuture<Void> handshake = new CompletableFuture<>();
        final CompletableFuture<Closed> closed = new CompletableFuture<>();
        final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
        volatile HttpHeaders responseHeaders = new DefaultHttpHeaders();
        volatile int pings;

        Handler(WebSocketClientHandshaker handshaker, boolean autoPong) {
            this.handshaker = handshaker;
            this.autoPong = autoPong;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            handshaker.handshake(ctx.channel());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            handshake.completeExceptionally(new IllegalStateException("connection closed during handshake"));
            closed.complete(new Closed(1006, ""));
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (!handshaker.isHandshakeComplete() && msg instanceof FullHttpResponse response) {
                if (response.status().code() != 101) {
                    handshake.completeExceptionally(new RefusedException(new Refused(
                            response.status().code(),
                            response.content().toString(StandardCharsets.UTF_8),
                            response.headers().copy())));
                    ctx.close();
                    return;
                }
                responseHeaders = response.headers().copy();
                try {
                    handshaker.finishHandshake(ctx.channel(), response);
                } catch (RuntimeException e) {
                    handshake.completeExceptionally(e);
                    ctx.close();
                    return;
                }
                ctx.pipeline().addBefore("client", "aggregator", new WebSocketFrameAggregator(MAX_MESSAGE_BYTES));
                handshake.complete(null);
                return;
            }
            if (msg instanceof TextWebSocketFrame text) {
                messages.add(new Message(true, ByteBufUtil.getBytes(text.content())));
            } else if (msg instanceof BinaryWebSocketFrame binary) {
                messages.add(new Message(false, ByteBufUtil.getBytes(binary.content())));
            } else if (msg instanceof PingWebSocketFrame ping) {
                pings++;
                if (autoPong) {
                    ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
                }
            } else if (msg instanceof CloseWebSocketFrame close) {
                closed.complete(new Closed(close.statusCode(), close.reasonText()));
                ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode() < 0 ? 1000 : close.statusCode(), ""))
                        .addListener(f -> ctx.close());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            handshake.completeExceptionally(cause);
            ctx.close();
        }
    }
}
