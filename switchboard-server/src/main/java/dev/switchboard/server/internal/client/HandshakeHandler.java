package dev.switchboard.server.internal.client;

import dev.switchboard.core.ErrorCode;
import dev.switchboard.core.SwitchboardException;
import dev.switchboard.core.model.ConnectionId;
import dev.switchboard.server.StaticContent;
import dev.switchboard.server.internal.JsonResponses;
import dev.switchboard.server.internal.RequestUris;
import dev.switchboard.server.internal.auth.TokenAuth;
import dev.switchboard.server.internal.lifecycle.Route;
import dev.switchboard.server.internal.lifecycle.RouteCapacity;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the upgrade request of a new client socket: finds the route (404 otherwise), checks that
 * it is a WebSocket version 13 upgrade, applies the connection limits (the node's, then the
 * route's {@code max-connections}), stops reading the socket and hands over to
 * {@link Registration}, or to {@link ResumeHandshake} for a client resuming a reliable session.
 * Every refusal is an HTTP error with a JSON body.
 */
@Sharable
final class HandshakeHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(HandshakeHandler.class);

    private final ClientServices services;

    HandshakeHandler(ClientServices services) {
        this.services = services;
    }

    /**
     * The aggregator in front of this handler: an upgrade request has no body, and one that
     * carries more than {@code maxBodyBytes} gets HTTP 413 (errNo 4130) and the socket closes
     * as soon as the answer is out, instead of being held until {@code limits.handshake-timeout}.
     */
    static HttpObjectAggregator aggregator(int maxBodyBytes) {
        return new HttpObjectAggregator(maxBodyBytes, true) {
            @Override
            protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
                String uri = oversized instanceof HttpRequest request ? request.uri() : "?";
                log.info(
                        "handshake from {} for {} refused: the upgrade request has a body",
                        remoteIp(ctx.channel()),
                        uri);
                JsonResponses.sendAndLinger(
                        ctx,
                        JsonResponses.error(
                                ctx.alloc(),
                                ErrorCode.BODY_TOO_LARGE,
                                "an upgrade request has no body (at most " + maxBodyBytes + " bytes are ignored)"));
            }
        };
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        long deadline = services.ticker().nanoTime()
                + services.limits().handshakeTimeout().toNanos();
        services.sweeper(ctx.channel()).closeAt(ctx.channel(), deadline);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        services.sweeper(ctx.channel()).forget(ctx.channel());
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request) || !ctx.channel().config().isAutoRead()) {
            // a second request pipelined behind the upgrade: the first one decides
            ReferenceCountUtil.release(msg);
            return;
        }
        services.sweeper(ctx.channel()).forget(ctx.channel());
        String path;
        try {
            // decoded once: the static content, the route lookup and a refusal's metrics all need it
            path = RequestUris.checkedPath(new QueryStringDecoder(request.uri()));
        } catch (IllegalArgumentException e) {
            refuse(
                    ctx,
                    request,
                    null,
                    new SwitchboardException(ErrorCode.BAD_HANDSHAKE, "malformed request URI: " + e.getMessage()));
            return;
        }
        if (serveStatic(ctx, request, path)) {
            return;
        }
        try {
            Route route = check(ctx.channel(), request, path);
            ctx.channel().config().setAutoRead(false);
            ResumeRequest resume = ResumeRequest.of(route, request);
            if (resume != null) {
                new ResumeHandshake(ctx, request, route, resume, services).start();
                return;
            }
            String id = ConnectionId.generate(services.nodeId());
            TokenAuth.verifyThen(
                    route.auth(),
                    request,
                    ctx.executor(),
                    refusal -> refuse(ctx, request, path, refusal),
                    token -> new Registration(ctx, request, route, id, token, services).start());
        } catch (SwitchboardException e) {
            refuse(ctx, request, path, e);
        }
    }

    private void refuse(
            ChannelHandlerContext ctx, FullHttpRequest request, @Nullable String path, SwitchboardException e) {
        log.info("handshake from {} for {} refused: {}", remoteIp(ctx.channel()), request.uri(), e.getMessage());
        Route route = path == null ? null : services.routes().get(path);
        String reason = e.code().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        if (route == null) {
            services.metrics().refusedWithoutRoute(reason);
        } else {
            route.metrics().connectRefused(reason);
        }
        request.release();
        FullHttpResponse response = JsonResponses.error(ctx.alloc(), e.code(), e.getMessage());
        if (e.code() == ErrorCode.UPGRADE_REQUIRED) {
            response.headers().set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
            response.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
        }
        JsonResponses.sendAndClose(ctx, response);
    }

    private static final String FAVICON = "/favicon.ico";

    /**
     * Answers a plain GET outside the routes with the client library or from the static content;
     * true when it did.
     */
    private boolean serveStatic(ChannelHandlerContext ctx, FullHttpRequest request, String path) {
        if (!HttpMethod.GET.equals(request.method()) || request.decoderResult().isFailure()) {
            return false;
        }
        if (services.routes().containsKey(path)) {
            return false;
        }
        StaticContent content = services.staticContent();
        Optional<StaticContent.Resource> resource = path.equals(ClientLibrary.PATH)
                ? ClientLibrary.resource()
                : content == null ? Optional.empty() : content.find(path);
        if (resource.isEmpty() && path.equals(FAVICON)) {
            // every page view asks for it: a quiet 404, not a refused handshake in the log
            request.release();
            JsonResponses.sendAndClose(ctx, JsonResponses.error(ctx.alloc(), ErrorCode.NOT_FOUND, "no " + FAVICON));
            return true;
        }
        if (resource.isEmpty()) {
            return false;
        }
        request.release();
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(resource.get().body()));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, resource.get().contentType())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, resource.get().body().length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        JsonResponses.sendAndClose(ctx, response);
        return true;
    }

    private Route check(Channel channel, FullHttpRequest request, String path) {
        if (request.decoderResult().isFailure()) {
            if (request.decoderResult().cause() instanceof TooLongFrameException) {
                throw new SwitchboardException(
                        ErrorCode.HEADERS_TOO_LARGE,
                        "request line or headers larger than limits.max-header-bytes ("
                                + services.limits().maxHeaderBytes() + " bytes)");
            }
            throw new SwitchboardException(ErrorCode.BAD_HANDSHAKE, "malformed HTTP request");
        }
        Route route = services.routes().get(path);
        if (route == null) {
            throw new SwitchboardException(ErrorCode.NOT_FOUND, "no route at " + path);
        }
        if (!HttpMethod.GET.equals(request.method())) {
            throw new SwitchboardException(ErrorCode.METHOD_NOT_ALLOWED, request.method() + " (expected: GET)");
        }
        HttpHeaders headers = request.headers();
        if (!headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                || !headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)) {
            throw new SwitchboardException(
                    ErrorCode.UPGRADE_REQUIRED, "not a WebSocket upgrade request (expected: Upgrade: websocket)");
        }
        if (!"13".equals(headers.get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))) {
            throw new SwitchboardException(
                    ErrorCode.UPGRADE_REQUIRED,
                    "Sec-WebSocket-Version: " + headers.get(HttpHeaderNames.SEC_WEBSOCKET_VERSION) + " (expected: 13)");
        }
        if (headers.get(HttpHeaderNames.SEC_WEBSOCKET_KEY) == null) {
            throw new SwitchboardException(ErrorCode.BAD_HANDSHAKE, "Sec-WebSocket-Key missing");
        }
        List<String> origins = services.limits().allowedOrigins();
        String origin = headers.get(HttpHeaderNames.ORIGIN);
        if (!origins.isEmpty() && origin != null && !origins.contains(origin)) {
            throw new SwitchboardException(ErrorCode.ORIGIN_NOT_ALLOWED, "Origin " + origin + " is not allowed");
        }
        if (services.draining().get()) {
            throw new SwitchboardException(ErrorCode.UNAVAILABLE, "the node is shutting down");
        }
        String ip = ClientAddress.resolve(channel, headers, services.limits().trustedProxies());
        switch (services.limiter().tryAcquire(ip, services.ticker().nanoTime())) {
            case ADDRESS_TOO_FAST ->
                throw new SwitchboardException(
                        ErrorCode.CONNECT_RATE_EXCEEDED,
                        "too many handshakes from " + ip + " (limits.connect-rate-per-ip: "
                                + services.limits().connectRatePerIp() + " per second)");
            case NODE_FULL ->
                throw new SwitchboardException(
                        ErrorCode.UNAVAILABLE,
                        "the node holds limits.max-connections ("
                                + services.limits().maxConnections() + ")");
            case ADDRESS_FULL ->
                throw new SwitchboardException(
                        ErrorCode.TOO_MANY_CONNECTIONS_FROM_ADDRESS,
                        "too many connections from " + ip + " (limits.max-connections-per-ip: "
                                + services.limits().maxConnectionsPerIp() + ")");
            case ALLOWED ->
                channel.closeFuture().addListener(f -> services.limiter().release(ip));
        }
        // after the node's limits, so that a refusal there takes no slot of the route; a refusal
        // here gives the node's slot back when the socket closes, as every refusal does
        RouteCapacity capacity = route.capacity();
        if (!capacity.tryAcquire()) {
            throw new SwitchboardException(
                    ErrorCode.ROUTE_FULL,
                    "the route " + route.path() + " holds its max-connections (" + capacity.max() + ")");
        }
        channel.closeFuture().addListener(f -> capacity.release());
        return route;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("handshake from {} failed: {}", remoteIp(ctx.channel()), cause.toString());
        ctx.close();
    }

    static String remoteIp(Channel channel) {
        return ClientAddress.peer(channel);
    }
}
